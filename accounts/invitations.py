"""The link of an invitation e-mail: a one-use token to choose a new account's first password, valid for
INVITATION_EXPIRY_DAYS, that tells an expired link apart from a wrong or used one (the page says which)."""

import enum
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode


class LinkState(enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"
    INVALID = "invalid"  # altered, for another account, or used already (the password or last sign-in changed)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset token (one use: it hashes the password and the last sign-in) under its own salt,
    so a reset link is no invitation and the other way round, with its own lifetime."""

    key_salt = "concord.accounts.invitations.InvitationTokenGenerator"

    def state(self, user: User, token: str) -> tuple[LinkState, datetime | None]:
        """Whether the token opens this account's invitation, and when it expires (expired) or expires (valid)."""
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return LinkState.INVALID, None
        # The signature first, as Django's check_token does: only then is the time in the token to be trusted.
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return LinkState.INVALID, None
        # Ages counted as Django counts them (its own clock), so a link lives exactly as long as the setting says.
        left = timedelta(days=settings.INVITATION_EXPIRY_DAYS) - timedelta(seconds=self._num_seconds(self._now()) - ts)
        return (LinkState.VALID if left >= timedelta(0) else LinkState.EXPIRED), timezone.now() + left

    def check_token(self, user: User | None, token: str | None) -> bool:
        return user is not None and token is not None and self.state(user, token)[0] is LinkState.VALID


invitation_tokens = InvitationTokenGenerator()


def invitation_path_kwargs(user: User) -> dict[str, str]:
    """The URL arguments of a fresh invitation link for the account (made when the e-mail is sent)."""
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": invitation_tokens.make_token(user)}


def invited_user(uidb64: str) -> User | None:
    """The account a link names (any account; the token decides whether the link opens it)."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return User.objects.filter(pk=pk, is_active=True).first()

"""Issuing, using and revoking API tokens; every revocation path of the issue ends in these functions.

Issuing and revoking are audited (who, from where); the sliding expiry written on use is not.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from access.actors import SystemActor
from accounts.models import ApiToken
from accounts.sessions import browser_sessions_end
from audit.models import AuditAction
from audit.services import audit_event_record
from feeds.services import feed_token_revoke
from portal.errors import NotAllowedError

logger = logging.getLogger(__name__)


@transaction.atomic
def api_token_create(
    *, user: User, name: str = "", second_factor: bool = False, ip_address: str | None = None
) -> tuple[ApiToken, str]:
    """Issue a new token to `user`, who asks for it themselves (sign-in or their tokens page); the plaintext is
    returned this once and only knox's digest of it is stored. `second_factor`: asked for after one (the
    token endpoint's otp, a session or token that passed one), so its requests count as multi-factor."""
    token, plaintext = ApiToken.objects.create(user=user, name=name, second_factor=second_factor)
    logger.info("API token %s (%r) issued to %s", token.pk, name, user.get_username())
    audit_event_record(
        actor=user,
        action=AuditAction.API_TOKEN_CREATE,
        obj=token,
        ip_address=ip_address,
        details={"user": user.pk, "name": name, "second_factor": second_factor},
    )
    return token, plaintext


def api_token_record_use(*, token: ApiToken, expiry: datetime, used_at: datetime) -> None:
    """Slide a token's expiry forward and note when it was used (callers write this at most once a minute)."""
    token.expiry = expiry
    token.last_used = used_at
    ApiToken.objects.filter(pk=token.pk).update(expiry=expiry, last_used=used_at)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User | AnonymousUser | None, ip_address: str | None = None) -> None:
    """Revoke one token: it answers 401 from now on. `actor` is its owner, or the operator in the admin."""
    audit_event_record(
        actor=actor,
        action=AuditAction.API_TOKEN_REVOKE,
        obj=token,
        ip_address=ip_address,
        details={"user": token.user_id, "name": token.name},
    )
    ApiToken.objects.filter(pk=token.pk).delete()
    logger.info("API token %s (%r) of user %s revoked", token.pk, token.name, token.user_id)


@transaction.atomic
def api_tokens_revoke_all(
    *,
    user: User,
    reason: str,
    actor: User | AnonymousUser | SystemActor | None = None,
    ip_address: str | None = None,
) -> int:
    """Revoke every token of a person (password changed or reset, deactivated, left their last agency, logout-all).

    One audit row when any were revoked; `actor` is whoever caused it when known (None when the change came
    through a path that does not say, e.g. a password changed in the admin or by `manage.py`).
    """
    count, _ = ApiToken.objects.filter(user=user).delete()
    if count:
        audit_event_record(
            actor=actor,
            action=AuditAction.API_TOKEN_REVOKE,
            obj=user,
            ip_address=ip_address,
            details={"user": user.pk, "tokens": count, "reason": reason},
        )
        logger.info("All %d API tokens of %s revoked: %s", count, user.get_username(), reason)
    return count


def mfa_change_record(
    *, user: User, authenticator: Authenticator, action: AuditAction, ip_address: str | None = None
) -> None:
    """Audit a change to a person's second factors, which they make themselves on allauth's MFA pages."""
    audit_event_record(
        actor=user,
        action=action,
        obj=authenticator,
        ip_address=ip_address,
        details={"user": user.pk, "type": authenticator.type},
    )


@dataclass(frozen=True)
class AccessEnded:
    """What ending a person's access closed: browser sessions and API tokens."""

    sessions: int
    tokens: int


@transaction.atomic
def sessions_and_tokens_end(
    *,
    user: User,
    actor: User | AnonymousUser | SystemActor | None,
    reason: str,
    keep_session_key: str | None = None,
    agency: Any = None,
    ip_address: str | None = None,
) -> AccessEnded:
    """End every browser session of a person (but `keep_session_key`, the one asking) and revoke all their API
    tokens; one `sessions.end` audit row (and the tokens' own). The callers decide who may: the person for
    themselves (sign_out_everywhere), an agency's admins for its members (agencies.services)."""
    sessions = browser_sessions_end(user=user, keep_session_key=keep_session_key)
    tokens = api_tokens_revoke_all(user=user, reason=reason, actor=actor, ip_address=ip_address)
    audit_event_record(
        actor=actor,
        action=AuditAction.SESSIONS_END,
        obj=user,
        agency=agency,
        ip_address=ip_address,
        details={"user": user.pk, "sessions": sessions, "tokens": tokens, "reason": reason},
    )
    logger.info("Signed %s out of %d session(s) and %d token(s): %s", user.get_username(), sessions, tokens, reason)
    return AccessEnded(sessions=sessions, tokens=tokens)


@dataclass(frozen=True)
class SignedOutEverywhere:
    """What "sign out everywhere" closed: the other browser sessions, the API tokens and the calendar-feed link."""

    sessions: int
    tokens: int
    calendar_feed: bool


@transaction.atomic
def sign_out_everywhere(
    *, user: User, actor: User | AnonymousUser, keep_session_key: str | None, ip_address: str | None = None
) -> SignedOutEverywhere:
    """A person ends all their other browser sessions, all their API tokens and their calendar-feed link (the
    session asking stays): the feed link is a credential too, and whoever copied it would still read their plans."""
    if not actor.is_authenticated or actor.pk != user.pk:
        raise NotAllowedError("Only the person themselves may sign out everywhere.")
    ended = sessions_and_tokens_end(
        user=user, actor=actor, reason="signed out everywhere", keep_session_key=keep_session_key, ip_address=ip_address
    )
    feed = feed_token_revoke(user=user, actor=actor, ip_address=ip_address)
    return SignedOutEverywhere(sessions=ended.sessions, tokens=ended.tokens, calendar_feed=feed)

"""Token authentication for the API: knox's hashed tokens, with an expiry that slides on use."""

from typing import Any

from django.urls import reverse
from django.utils import timezone
from knox.auth import TokenAuthentication
from knox.settings import knox_settings
from rest_framework import exceptions

from accounts import services
from accounts.mfa_policy import enrolment_due
from accounts.middleware import ENROL_MESSAGE
from accounts.models import ApiToken
from portal.second_factor import second_factor_mark


class EnrolmentRequired(exceptions.PermissionDenied):
    """403 `mfa_enrolment_required`: the token is right, but its holder must set up a second factor first."""

    default_code = "mfa_enrolment_required"


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <token>`; a token unused for TOKEN_TTL expires, and each use extends it.

    knox compares the SHA-512 digest of what the client sends with the stored digest and deletes
    expired tokens as it meets them; this class writes the new expiry and the time of use at most
    once per MIN_REFRESH_INTERVAL, so reads do not each cost a write.
    """

    def authenticate_credentials(self, token: bytes) -> tuple[Any, ApiToken]:
        try:
            token.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid token.") from exc
        user, auth_token = super().authenticate_credentials(token)
        # A person who must use MFA and has not set it up: their tokens wait until they have, as their browser
        # sessions do (accounts.middleware). Asked on every request, so it holds from the moment the agency
        # turns MFA on or the person joins such an agency.
        if enrolment_due(user):
            raise EnrolmentRequired(f"{ENROL_MESSAGE} Enrol in the web page {reverse('mfa_index')}.")
        second_factor_mark(user, passed=auth_token.second_factor)
        return user, auth_token

    def renew_token(self, auth_token: ApiToken) -> None:
        now = timezone.now()
        expiry = now + knox_settings.TOKEN_TTL
        if knox_settings.AUTO_REFRESH_MAX_TTL is not None:
            expiry = min(expiry, auth_token.created + knox_settings.AUTO_REFRESH_MAX_TTL)
        interval = knox_settings.MIN_REFRESH_INTERVAL
        moved = (expiry - auth_token.expiry).total_seconds() > interval
        stale = auth_token.last_used is None or (now - auth_token.last_used).total_seconds() > interval
        if moved or stale:
            services.api_token_record_use(token=auth_token, expiry=expiry if moved else auth_token.expiry, used_at=now)

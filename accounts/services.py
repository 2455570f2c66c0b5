"""Issuing, using and revoking API tokens; every revocation path of the issue ends in these functions."""

import logging
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from accounts.models import ApiToken

logger = logging.getLogger(__name__)


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Issue a new token; the plaintext is returned this once and only knox's digest of it is stored."""
    token, plaintext = ApiToken.objects.create(user=user, name=name)
    logger.info("API token %s (%r) issued to %s", token.pk, name, user.get_username())
    return token, plaintext


def api_token_record_use(*, token: ApiToken, expiry: datetime, used_at: datetime) -> None:
    """Slide a token's expiry forward and note when it was used (callers write this at most once a minute)."""
    token.expiry = expiry
    token.last_used = used_at
    ApiToken.objects.filter(pk=token.pk).update(expiry=expiry, last_used=used_at)


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    """Revoke one token: it answers 401 from now on."""
    ApiToken.objects.filter(pk=token.pk).delete()
    logger.info("API token %s (%r) of user %s revoked", token.pk, token.name, token.user_id)


@transaction.atomic
def api_tokens_revoke_all(*, user: User, reason: str) -> int:
    """Revoke every token of a person (password changed or reset, deactivated, left their last agency, logout-all)."""
    count, _ = ApiToken.objects.filter(user=user).delete()
    if count:
        logger.info("All %d API tokens of %s revoked: %s", count, user.get_username(), reason)
    return count

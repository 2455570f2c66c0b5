"""Creating, using and revoking a person's calendar-feed link; creating and revoking are audited."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_event_record
from feeds.models import FeedToken
from portal.errors import NotAllowedError

# How often the time of last use is written: calendar apps poll, and each fetch need not be a write.
LAST_USED_GRANULARITY = timedelta(minutes=1)


def token_digest(plaintext: str) -> str:
    """The stored form of a link's secret (SHA-256: the secret is 256 random bits, so no slow hash is needed)."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


@transaction.atomic
def feed_token_create(
    *, user: User | AnonymousUser, actor: User | AnonymousUser, ip_address: str | None = None
) -> tuple[FeedToken, str]:
    """Give `user` a new calendar-feed link, revoking the old one; returns it and its secret, shown this once only."""
    if not (actor.is_authenticated and actor.is_active and actor.pk == user.pk):
        raise NotAllowedError("Only the person themselves may create their calendar-feed link.")
    now = timezone.now()
    revoked = list(FeedToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    FeedToken.objects.filter(pk__in=[token.pk for token in revoked]).update(revoked_at=now)
    plaintext = secrets.token_urlsafe(32)
    token = FeedToken.objects.create(user=user, token_hash=token_digest(plaintext))
    audit_event_record(
        actor=actor,
        action=AuditAction.FEED_TOKEN_CREATE,
        obj=token,
        ip_address=ip_address,
        details={"user": user.pk, "replaced": [old.pk for old in revoked]},
    )
    return token, plaintext


@transaction.atomic
def feed_token_revoke(
    *, user: User | AnonymousUser, actor: User | AnonymousUser, ip_address: str | None = None
) -> bool:
    """Revoke `user`'s live calendar-feed link (its URL answers 404 from now on); False if there was none."""
    if not (actor.is_authenticated and actor.pk == user.pk):
        raise NotAllowedError("Only the person themselves may revoke their calendar-feed link.")
    token = FeedToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True).first()
    if token is None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_event_record(
        actor=actor, action=AuditAction.FEED_TOKEN_REVOKE, obj=token, ip_address=ip_address, details={"user": user.pk}
    )
    return True


def feed_token_record_use(*, token: FeedToken) -> None:
    """Note when a link was last fetched, at most once a minute (not audited: a calendar polls all day)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY:
        token.last_used_at = now
        FeedToken.objects.filter(pk=token.pk).update(last_used_at=now)

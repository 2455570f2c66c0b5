"""A person's secret calendar-feed link: calendar apps cannot sign in, so the link itself is the credential."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class FeedToken(models.Model):
    """One calendar-feed link of one person; only the SHA-256 of its secret is stored, so it cannot be shown again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Written at most once a minute (feeds.services.feed_token_record_use).
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One live link per person: creating a new one revokes the old in the same transaction.
            models.UniqueConstraint(fields=["user"], condition=Q(revoked_at__isnull=True), name="one_live_feed_token")
        ]

    def __str__(self) -> str:
        return f"calendar feed of {self.user}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

"""The transactional outbox: every alert-worthy change leaves a row in the same transaction."""

from django.db import models


class EventType(models.TextChoices):
    PLAN_SHARED = "plan.shared", "Plan shared"
    PLAN_UNSHARED = "plan.unshared", "Plan unshared"
    VERSION_PUBLISHED = "version.published", "Version published"
    VERSION_WITHDRAWN = "version.withdrawn", "Version withdrawn"
    COMMENT_CREATED = "comment.created", "Comment created"
    PLAN_REVIEW_DUE = "plan.review_due", "Plan review due"
    ACKNOWLEDGEMENT_REMINDER = "acknowledgement.reminder", "Acknowledgement reminder"


class OutboxEvent(models.Model):
    """A state change to announce; written with the change, dispatched after commit."""

    event_type = models.CharField(max_length=40, choices=EventType.choices)
    plan = models.ForeignKey("plans.Plan", null=True, on_delete=models.SET_NULL, related_name="outbox_events")
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(dispatched_at__isnull=True),
                name="outbox_undispatched_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.pk}"

"""Change alerts that are never lost: the outbox, in-app notifications, deliveries, webhooks, preferences."""

import base64
import secrets
import uuid

from django.conf import settings
from django.db import models


class EventType(models.TextChoices):
    PLAN_SHARED = "plan.shared", "Plan shared"
    PLAN_UNSHARED = "plan.unshared", "Plan unshared"
    VERSION_PUBLISHED = "version.published", "Version published"
    VERSION_WITHDRAWN = "version.withdrawn", "Version withdrawn"
    COMMENT_CREATED = "comment.created", "Comment created"
    COMMENT_RESOLVED = "comment.resolved", "Comment resolved"
    PLAN_REVIEW_DUE = "plan.review_due", "Plan review due"
    ACKNOWLEDGEMENT_REMINDER = "acknowledgement.reminder", "Acknowledgement reminder"
    WEBHOOK_DISABLED = "webhook.disabled", "Webhook disabled"
    CONCURRENCE_RECORDED = "concurrence.recorded", "Concurrence recorded"
    FACILITY_CONFLICT = "facility.conflict", "Facility conflict"
    PLAN_CLASSIFICATION_LOWERED = "plan.classification_lowered", "Plan classification lowered"
    MEMBER_INVITED = "member.invited", "Invitation to Concord"
    # Issue 20: a partner plan that one of the agency's plans builds on moved on (or was withdrawn).
    SOURCE_CHANGED = "plan.source_changed", "Source plan changed"
    READING_DUE_SOON = "reading.due_soon", "Required reading due soon"
    READING_OVERDUE = "reading.overdue", "Required reading overdue"
    READING_ESCALATION = "reading.escalation", "Overdue reading of your people"
    BUILDING_DOCUMENT_CHANGED = "building_document.changed", "Building document added or replaced"
    FACILITY_SRO_CHANGED = "facility.sro_changed", "School Resource Officer changed"
    # Issue 17: an exercise the agency takes part in, and a corrective action from one that closed.
    EXERCISE_SCHEDULED = "exercise.scheduled", "Exercise scheduled"
    CORRECTIVE_ACTION_CLOSED = "corrective_action.closed", "Corrective action closed"
    # Reminders (exercises/reminders.py): an exercise the agency takes part in is days away; an action is overdue.
    EXERCISE_UPCOMING = "exercise.upcoming", "Exercise coming up"
    CORRECTIVE_ACTION_OVERDUE = "corrective_action.overdue", "Corrective action overdue"


# About one person's own reading (or their people's): addressed to people, never to an agency's webhooks.
PERSONAL_EVENT_TYPES = frozenset({EventType.READING_DUE_SOON, EventType.READING_OVERDUE, EventType.READING_ESCALATION})
WEBHOOK_EVENT_CHOICES = [(value, label) for value, label in EventType.choices if value not in PERSONAL_EVENT_TYPES]


class OutboxEvent(models.Model):
    """A state change to announce; written in the transaction of the change, fanned out after commit."""

    event_type = models.CharField(max_length=40, choices=EventType.choices)
    plan = models.ForeignKey("plans.Plan", null=True, on_delete=models.SET_NULL, related_name="outbox_events")
    payload = models.JSONField(default=dict)
    # Set for events that must be recorded once only (e.g. "review due" for a plan on a given day).
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The sweep hands an event to the fan-out again once this time has passed and it is still pending.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(dispatched_at__isnull=True),
                name="outbox_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.pk}"


class Notification(models.Model):
    """An in-app alert for one person; unique per event, so a re-run fan-out adds nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="notifications")
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    plan = models.ForeignKey("plans.Plan", null=True, on_delete=models.SET_NULL, related_name="+")
    version_number = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="unique_notification_per_event")]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_recent_idx"),
            models.Index(fields=["user"], condition=models.Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.title}"


class EmailChoice(models.TextChoices):
    OFF = "off", "Off"
    IMMEDIATE = "immediate", "Immediately"
    DAILY = "daily", "Daily digest"


class NotificationPreference(models.Model):
    """How one person wants to hear about one event type; absent rows fall back to role defaults."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    in_app = models.BooleanField(default=True)
    email = models.CharField(max_length=16, choices=EmailChoice.choices, default=EmailChoice.OFF)

    class Meta:
        ordering = ["user", "event_type"]
        constraints = [models.UniqueConstraint(fields=["user", "event_type"], name="unique_preference")]

    def __str__(self) -> str:
        return f"{self.user} {self.event_type}: in-app {self.in_app}, e-mail {self.email}"


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes, base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


class WebhookEndpoint(models.Model):
    """An agency's HTTPS receiver for signed change events (CAD, GIS, a state portal)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=100, default=new_webhook_secret)
    is_active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency", "created_at", "id"]
        indexes = [models.Index(fields=["agency", "is_active"])]

    def __str__(self) -> str:
        return f"{self.agency}: {self.url}"

    @property
    def event_labels(self) -> list[str]:
        """The subscribed events as people read them (a type no longer known is left out)."""
        return [EventType(event).label for event in self.events if event in EventType.values]


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail (immediate)"
    EMAIL_DIGEST = "email_digest", "E-mail (daily digest)"
    WEBHOOK = "webhook", "Webhook"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (gave up)"
    CANCELLED = "cancelled", "Cancelled"


def new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


class Delivery(models.Model):
    """One event to one recipient on one channel (e-mail to a person, or a webhook endpoint).

    Unique per (event, recipient, channel), so retried or duplicated tasks never send twice;
    retries are scheduled in the database (`next_attempt_at`), not in broker countdowns.
    """

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    # The Standard Webhooks `webhook-id`: the same on every retry so receivers can de-duplicate.
    message_id = models.CharField(max_length=40, default=new_message_id, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user", "channel"],
                condition=models.Q(user__isnull=False),
                name="unique_delivery_per_person",
            ),
            models.UniqueConstraint(
                fields=["event", "endpoint"],
                condition=models.Q(endpoint__isnull=False),
                name="unique_delivery_per_endpoint",
            ),
        ]
        indexes = [
            models.Index(
                fields=["channel", "next_attempt_at"],
                condition=models.Q(status="pending"),
                name="delivery_pending_idx",
            ),
            models.Index(fields=["endpoint", "-created_at"], name="delivery_endpoint_recent_idx"),
            # The metrics' recent failures (operations/metrics.py), without reading every delivery ever made.
            models.Index(fields=["created_at"], condition=models.Q(status="failed"), name="delivery_failed_idx"),
        ]

    def __str__(self) -> str:
        target = self.endpoint or self.user
        return f"{self.event} → {target} ({self.channel}, {self.status})"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a webhook delivery, for the agency's delivery log."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="webhook_attempts")
    attempted_at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-attempted_at", "-id"]
        indexes = [models.Index(fields=["delivery", "-attempted_at"])]

    def __str__(self) -> str:
        return f"{self.delivery_id} at {self.attempted_at:%H:%M:%S}: {self.status_code or self.error}"

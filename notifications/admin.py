"""The transactional outbox, webhooks and deliveries in the admin: read-only views of what went out, and how."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from notifications.models import Delivery, OutboxEvent, WebhookAttempt, WebhookEndpoint
from portal.admin_readonly import ReadOnlyAdmin


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    """Read-only: rows are written by services and marked dispatched by the fan-out task."""

    list_display = ("id", "event_type", "plan", "created_at", "dispatched_at")
    list_filter = ("event_type", ("dispatched_at", admin.EmptyFieldListFilter))
    search_fields = ("plan__title",)
    date_hierarchy = "created_at"
    list_select_related = ("plan",)
    fields = ("event_type", "plan", "payload", "created_at", "dispatched_at")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    """Agencies' receivers; the signing secret is never shown (agency admins saw it once, at creation)."""

    list_display = ("id", "agency", "url", "is_active", "consecutive_failures", "disabled_at", "created_at")
    list_filter = ("is_active",)
    search_fields = ("url", "agency__name")
    list_select_related = ("agency",)
    fields = (
        "agency",
        "url",
        "events",
        "is_active",
        "consecutive_failures",
        "disabled_at",
        "disabled_reason",
        "created_by",
        "created_at",
    )


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ("attempted_at", "status_code", "error", "duration_ms")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """One event to one person or endpoint: its status, retry schedule and (for webhooks) HTTP attempts."""

    list_display = ("id", "event", "channel", "user", "endpoint", "status", "attempts", "last_status_code", "sent_at")
    list_filter = ("channel", "status")
    search_fields = ("message_id", "user__username", "endpoint__url")
    date_hierarchy = "created_at"
    list_select_related = ("event", "user", "endpoint__agency")
    fields = (
        "event",
        "channel",
        "user",
        "endpoint",
        "status",
        "message_id",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "created_at",
        "sent_at",
    )
    inlines = (WebhookAttemptInline,)


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(ReadOnlyAdmin):
    """Every HTTP attempt of a webhook delivery, with its status code or error."""

    list_display = ("id", "delivery", "attempted_at", "status_code", "error", "duration_ms")
    list_filter = ("status_code",)
    date_hierarchy = "attempted_at"
    list_select_related = ("delivery__event", "delivery__user", "delivery__endpoint__agency")
    fields = ("delivery", "attempted_at", "status_code", "error", "duration_ms")

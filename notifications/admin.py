"""The transactional outbox in the admin: a read-only view of what was announced and whether it went out."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from notifications.models import OutboxEvent


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    """Read-only: rows are written by services and marked dispatched by the fan-out task."""

    list_display = ("id", "event_type", "plan", "created_at", "dispatched_at")
    list_filter = ("event_type", ("dispatched_at", admin.EmptyFieldListFilter))
    search_fields = ("plan__title",)
    date_hierarchy = "created_at"
    list_select_related = ("plan",)
    show_full_result_count = False
    fields = ("event_type", "plan", "payload", "created_at", "dispatched_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

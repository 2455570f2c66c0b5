"""The audit trail in the admin: searchable and filterable, and impossible to add to, edit or delete."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Append-only: the operator reads events; only services write them, and nothing removes them."""

    list_display = ("created_at", "action", "actor_username", "agency", "object_type", "object_repr", "ip_address")
    list_filter = ("action", "agency")
    search_fields = ("actor_username", "object_repr")
    date_hierarchy = "created_at"
    list_select_related = ("agency",)
    # The trail grows without bound; skip the second COUNT(*) over the whole table on filtered pages.
    show_full_result_count = False
    fields = (
        "created_at",
        "action",
        "actor",
        "actor_username",
        "agency",
        "object_type",
        "object_id",
        "object_repr",
        "ip_address",
        "details",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

"""The audit trail in the admin: searchable and filterable, and impossible to add to, edit or delete."""

from django.contrib import admin

from audit.models import AuditEvent
from portal.admin_readonly import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Append-only: the operator reads events; only services write them, and nothing removes them."""

    list_display = ("created_at", "action", "actor_username", "agency", "object_type", "object_repr", "ip_address")
    list_filter = ("action", "agency")
    search_fields = ("actor_username", "object_repr")
    date_hierarchy = "created_at"
    list_select_related = ("agency",)
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

"""Review comments and concurrence in the admin, read-only: partners' remarks and formal outcomes are evidence."""

from django.contrib import admin

from portal.admin_readonly import ReadOnlyAdmin
from reviews.models import Comment, Concurrence


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    """Find a remark or change request by plan, agency or state."""

    list_display = (
        "id",
        "plan",
        "version",
        "section_key",
        "author_agency",
        "author",
        "is_change_request",
        "resolved_at",
    )
    list_filter = ("is_change_request", ("resolved_at", admin.EmptyFieldListFilter))
    search_fields = ("body", "plan__title")
    list_select_related = ("plan", "version__plan", "author_agency", "author")


@admin.register(Concurrence)
class ConcurrenceAdmin(ReadOnlyAdmin):
    """Who concurred with which version, and when."""

    list_display = ("recorded_at", "plan", "version", "agency", "outcome", "recorded_by")
    list_filter = ("outcome",)
    search_fields = ("plan__title", "agency__name")
    list_select_related = ("plan", "version__plan", "agency", "recorded_by")

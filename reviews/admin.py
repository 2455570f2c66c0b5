"""Review comments and concurrence in the admin, read-only: partners' remarks and formal outcomes are evidence.

A comment or concurrence note on a law-enforcement-sensitive plan is that plan's content: the operator
opening one, or searching comment bodies, writes the same audit event as any other read of the plan.
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponse

from access.sensitive_reads import sensitive_read_record
from plans.models import Classification, Plan
from portal.admin_readonly import ReadOnlyAdmin
from portal.api.request_info import client_ip
from reviews.models import Comment, Concurrence


def _record_sensitive_read(request: HttpRequest, response: HttpResponse, plan: Plan, what: str, obj: Any) -> None:
    if request.method == "GET" and response.status_code == 200:
        sensitive_read_record(plan=plan, actor=request.user, ip_address=client_ip(request), what=what, obj=obj)


class SensitiveReadAdmin(ReadOnlyAdmin):
    """A read-only admin whose change page audits the read when the record's plan is law-enforcement sensitive."""

    audit_what = ""

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            _record_sensitive_read(request, response, obj.plan, self.audit_what, obj)
        return response


@admin.register(Comment)
class CommentAdmin(SensitiveReadAdmin):
    """Find a remark or change request by plan, agency or state."""

    audit_what = "admin:comment"
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

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """A body search tells the operator what sensitive comments say: audit it once per sensitive plan matched."""
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        query = request.GET.get("q", "").strip()
        if query and changelist is not None and response.status_code == 200:
            matched = changelist.queryset.filter(plan__classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
            plans = Plan.objects.filter(pk__in=matched.values("plan_id")).select_related("owner_agency")
            for plan in plans:
                _record_sensitive_read(request, response, plan, "admin:comment-search", plan)
        return response


@admin.register(Concurrence)
class ConcurrenceAdmin(SensitiveReadAdmin):
    """Who concurred with which version, and when."""

    audit_what = "admin:concurrence"
    list_display = ("recorded_at", "plan", "version", "agency", "outcome", "recorded_by")
    list_filter = ("outcome",)
    search_fields = ("plan__title", "agency__name")
    list_select_related = ("plan", "version__plan", "agency", "recorded_by")

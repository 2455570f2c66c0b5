"""Web pages that change a version's lifecycle: publish a draft, withdraw the current version.

Both confirm first and show who will be alerted.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from access.http import record_sensitive_read, require, visible_plan, visible_version
from access.plans import PlanAccess
from agencies.models import Role
from notifications.models import EventType
from notifications.selectors import plan_alert_audience
from plans import selectors, services
from plans.models import Plan, PlanVersion, VersionState
from plans.version_content import nothing_to_publish_message, published_twin
from plans.views_edit import conflict_page
from portal.api.request_info import client_ip
from portal.errors import ConflictError
from portal.types import AuthenticatedHttpRequest


def _roles_text(roles: list[str]) -> str:
    """“admins and liaisons” from ["admin", "liaison"]."""
    names = [f"{Role(role).label.lower()}s" for role in roles]
    if len(names) < 2:
        return names[0] if names else "nobody"
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _lifecycle_page(
    request: AuthenticatedHttpRequest,
    template: str,
    plan: Plan,
    access: PlanAccess,
    version: PlanVersion,
    *,
    event_type: str,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The confirmation page of a publish or withdraw: what changes, and who will be alerted."""
    latest = selectors.latest_released_number(plan=plan)
    sections = selectors.version_sections(version=version)
    # A draft identical to the current version has nothing to publish (plans/version_content.py).
    twin = published_twin(version=version) if event_type == EventType.VERSION_PUBLISHED and version.is_draft else None
    audience = plan_alert_audience(user=request.user, plan=plan, event_type=event_type)
    context = {
        "nav": "plans",
        "plan": plan,
        "access": access,
        "version": version,
        "sections": sections,
        "attachments": selectors.attachments_of_version(version=version),
        "audience": audience,
        "partners": [row for row in audience.agencies if not row.is_owner],
        "email_roles_text": _roles_text(audience.email_roles),
        "next_review": timezone.localdate() + timedelta(days=plan.review_interval_days),
        "latest_number": latest,
        "stale": version.is_draft and version.based_on_number != latest,
        "twin": twin,
        "nothing_to_publish": nothing_to_publish_message(twin=twin) if twin else "",
        "error": error,
    }
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def version_publish(request: AuthenticatedHttpRequest, plan_id: int, number: int) -> HttpResponse:
    """Confirm, then publish a draft: it becomes the current version and every partner is alerted."""
    plan, access = visible_plan(request, plan_id)
    version = visible_version(access, number)
    require(access.is_owner_admin, "Only admins of the owner agency may publish.")
    template = "plans/edit/publish_confirm.html"
    if request.method == "POST":
        try:
            services.plan_version_publish(version=version, actor=request.user, ip_address=client_ip(request))
        except ConflictError as exc:
            version.refresh_from_db()
            return _lifecycle_page(
                request,
                template,
                plan,
                access,
                version,
                event_type=EventType.VERSION_PUBLISHED,
                error=exc.message,
                status=409,
            )
        messages.success(request, f"Version {version.number} is published; partners are being alerted.")
        return redirect("plans:detail", plan_id=plan.pk)
    if not version.is_draft:
        return conflict_page(
            request,
            plan,
            access,
            version,
            f"Version {version.number} is already {version.get_state_display().lower()}; "
            "to publish changes, start a new draft from the current version.",
        )
    record_sensitive_read(request, plan, "version", version)
    return _lifecycle_page(request, template, plan, access, version, event_type=EventType.VERSION_PUBLISHED)


@login_required
@require_http_methods(["GET", "POST"])
def version_withdraw(request: AuthenticatedHttpRequest, plan_id: int, number: int) -> HttpResponse:
    """Confirm, then withdraw the current version: the plan has no current version until the next publish."""
    plan, access = visible_plan(request, plan_id)
    version = visible_version(access, number)
    require(access.is_owner_admin, "Only admins of the owner agency may withdraw.")
    template = "plans/edit/withdraw_confirm.html"
    if request.method == "POST":
        try:
            services.plan_version_withdraw(version=version, actor=request.user, ip_address=client_ip(request))
        except ConflictError as exc:
            return conflict_page(request, plan, access, version, exc.message)
        messages.success(request, f"Version {version.number} is withdrawn; partners are being alerted.")
        return redirect("plans:detail", plan_id=plan.pk)
    if version.state != VersionState.PUBLISHED:
        return conflict_page(
            request,
            plan,
            access,
            version,
            f"Version {version.number} is {version.get_state_display().lower()}; "
            "only the current published version can be withdrawn.",
        )
    return _lifecycle_page(request, template, plan, access, version, event_type=EventType.VERSION_WITHDRAWN)

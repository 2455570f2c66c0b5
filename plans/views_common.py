"""What every plan page does first: find the plan and version the user may see (else 404), check the role
(else 403), audit sensitive reads, and build the links back."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse

from plans import selectors, services
from plans.models import Plan, PlanVersion
from plans.permissions import PlanAccess, plan_access
from portal.api.request_info import client_ip
from portal.redirects import safe_redirect_target


def visible_plan(request: HttpRequest, plan_id: int) -> tuple[Plan, PlanAccess]:
    """The plan among those the user may see (else 404), and what the user may do with it."""
    plan = get_object_or_404(selectors.plans_visible_to(user=request.user), pk=plan_id)
    return plan, plan_access(user=request.user, plan=plan)


def visible_version(access: PlanAccess, number: int) -> PlanVersion:
    """A version the user may read: drafts only for the owner's admins, planners and liaisons; else 404."""
    return get_object_or_404(selectors.plan_versions_visible(access=access), number=number)


def require(allowed: bool, message: str) -> None:
    """A visible plan, a forbidden action: 403 with the reason."""
    if not allowed:
        raise PermissionDenied(message)


def record_sensitive_read(request: HttpRequest, plan: Plan, what: str, obj: Any = None) -> None:
    """Audit the read of a law-enforcement-sensitive plan, exactly as the API does."""
    services.plan_sensitive_read_record(
        plan=plan, actor=request.user, ip_address=client_ip(request), what=what, obj=obj
    )


def plan_url(plan_id: int, anchor: str = "") -> str:
    return reverse("plans:detail", kwargs={"plan_id": plan_id}) + (f"#{anchor}" if anchor else "")


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to go after a POST: the `next` field when it points back into this site."""
    return safe_redirect_target(request, request.POST.get("next", ""), fallback)

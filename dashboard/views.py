"""The start page (the dashboard once signed in): the latest alerts at once, and the active agency's panels
(its plans, partner plans shared with it, reviews due…) as fragments htmx loads right after
(dashboard/panels.py); and the agency switcher the dashboard follows."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from agencies.active_agency import active_membership, active_membership_set, memberships_for
from agencies.models import Role
from dashboard.panels import PANELS
from dashboard.selectors import DASHBOARD_ROWS
from notifications.alerts_context import latest_alerts_context
from portal.redirects import safe_redirect_target
from portal.types import AuthenticatedHttpRequest, is_signed_in


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The start page of a signed-in person, for the agency they are working for now: the latest alerts, and
    a placeholder for each group of panels that htmx fills from `dashboard_panel` (and fills again when the
    alert poll brings a new alert)."""
    membership = active_membership(request)
    context: dict[str, Any] = {"nav": "dashboard", "membership": membership, **latest_alerts_context(user=request.user)}
    if membership is not None:
        context.update(agency=membership.agency, role_label=Role(membership.role).label)
        for column in ("main", "side"):
            context[f"{column}_panels"] = [
                {"name": name, "panel": panel, "url": reverse("dashboard-panel", args=[membership.agency_id, name])}
                for name, panel in PANELS.items()
                if panel.column == column
            ]
    return render(request, "dashboard/dashboard.html", context)


@login_required
@require_GET
def dashboard_panel(request: AuthenticatedHttpRequest, agency_id: int, panel: str) -> HttpResponse:
    """One group of the dashboard's panels for one of the person's agencies, as an HTML fragment.

    404 for an agency the person is not a member of, or a panel that does not exist. Rendered without the
    page's context processors (the header is not part of it), from the same templates the page used.
    """
    group = PANELS.get(panel)
    membership = next((m for m in memberships_for(request) if m.agency_id == agency_id), None)
    if group is None or membership is None:
        raise Http404
    context = group.context(user=request.user, membership=membership)
    context.update(agency=membership.agency, rows_limit=DASHBOARD_ROWS)
    return HttpResponse(render_to_string(group.template, context))


def home(request: HttpRequest) -> HttpResponse:
    """Signed in: the dashboard. Otherwise: the sign-in page."""
    if is_signed_in(request):
        return dashboard(request)
    return redirect("login")


@login_required
@require_POST
def agency_switch(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Work for another of your agencies (the dashboard and defaults follow it)."""
    try:
        agency_id = int(request.POST.get("agency", ""))
    except ValueError:
        agency_id = 0
    if not active_membership_set(request, agency_id):
        messages.error(request, "You are not a member of that agency.")
    return redirect(safe_redirect_target(request, request.POST.get("next", ""), reverse("dashboard")))

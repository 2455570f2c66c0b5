"""The start page (the dashboard once signed in): the active agency's plans, partner plans shared with it,
reviews due, latest alerts; and the agency switcher the dashboard follows."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from access.plans import CONCURRING_ROLES, DRAFT_READER_ROLES, EDITOR_ROLES
from agencies.active_agency import active_membership, active_membership_set
from agencies.models import Role
from agencies.selectors import my_buildings
from consistency.conflict_selectors import ConflictRow
from dashboard.selectors import (
    DASHBOARD_ROWS,
    dashboard_conflicts,
    dashboard_own_plans,
    dashboard_partner_plans,
    dashboard_review_due,
)
from exercises.selectors import dashboard_open_actions
from notifications.alerts_context import latest_alerts_context
from plans.models import Plan
from portal.redirects import safe_redirect_target
from portal.types import AuthenticatedHttpRequest, is_signed_in
from reading.selectors_queue import to_read_for
from reviews.concurrence_selectors import dashboard_concurrence_pending, dashboard_concurrence_requested
from reviews.selectors import agency_plans_owing_change_requests
from sources.selectors import dashboard_source_changes

# The "To read" panel lists this many items; the page behind its link lists them all.
TO_READ_ROWS = 3


def _ack_marks(plan: Plan) -> list[str]:
    """What the person and their agency still have to acknowledge of a partner plan's current version, as one
    line (empty when both have acknowledged it)."""
    if plan.current_version is None:
        return []
    current = plan.current_version.number
    pending = [
        (acknowledged, whom)
        for acknowledged, whom in ((plan.my_ack_number, "you"), (plan.agency_ack_number, "your agency"))  # type: ignore[attr-defined]  # the selector's annotations
        if acknowledged is None or acknowledged < current
    ]
    if not pending:
        return []
    kind = "New" if all(acknowledged is None for acknowledged, _ in pending) else "Updated"
    return [f"{kind} — not yet acknowledged by {' or '.join(whom for _, whom in pending)}"]


def _conflict_items(rows: list[ConflictRow], agency_id: int) -> list[dict[str, Any]]:
    """Each conflict from the agency's side: its building, its own fact and the other agency."""
    items = []
    for row in rows:
        own, other = row.sides if row.sides[0].agency.pk == agency_id else reversed(row.sides)
        items.append(
            {
                "id": row.id,
                "kind": row.kind,
                "facility": row.facility,
                "fact_label": own.key_label,
                "other_fact_label": other.key_label,
                "other_agency": other.agency.name,
            }
        )
    return items


def _first_rows(plans: Any) -> tuple[list[Plan], bool]:
    """At most DASHBOARD_ROWS plans, and whether there are more (one query, no COUNT)."""
    rows = list(plans[: DASHBOARD_ROWS + 1])
    return rows[:DASHBOARD_ROWS], len(rows) > DASHBOARD_ROWS


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The start page of a signed-in person, for the agency they are working for now.

    `?panels=1` from htmx (when the alert poll brings a new alert): only its panels, to swap in place.
    """
    membership = active_membership(request)
    refresh = bool(request.htmx) and request.GET.get("panels") == "1" and membership is not None
    context: dict[str, Any] = {"nav": "dashboard", "membership": membership, "rows_limit": DASHBOARD_ROWS}
    if not refresh:  # the latest alerts keep themselves up to date
        context.update(latest_alerts_context(user=request.user))
    if membership is not None:
        agency = membership.agency
        to_read = to_read_for(user=request.user)
        context.update(to_read=to_read[:TO_READ_ROWS], to_read_total=len(to_read), to_read_count=len(to_read))
        context["my_buildings"] = list(my_buildings(user=request.user))
        own, own_more = _first_rows(dashboard_own_plans(user=request.user, agency=agency))
        partner, partner_more = _first_rows(
            dashboard_partner_plans(user=request.user, agency=agency, limit=DASHBOARD_ROWS + 1)
        )
        due, due_more = _first_rows(dashboard_review_due(user=request.user, agency=agency))
        concurrence, concurrence_more = _first_rows(dashboard_concurrence_pending(user=request.user, agency=agency))
        conflicts = dashboard_conflicts(user=request.user, agency=agency)
        if membership.role in CONCURRING_ROLES:
            requested, requested_more = _first_rows(dashboard_concurrence_requested(user=request.user, agency=agency))
            context.update(can_concur=True, concurrence_requested=requested, concurrence_requested_more=requested_more)
        if membership.role in EDITOR_ROLES:  # the plans' writers review what their sources changed
            context["source_plans"] = _first_rows(dashboard_source_changes(user=request.user, agency=agency))[0]
        for plan in partner:
            plan.ack_marks = _ack_marks(plan)  # type: ignore[attr-defined]  # for the template
        today = timezone.localdate()
        for plan in due:
            # For the template; the due-review selector returns only plans with a next review date.
            plan.review_in_days = (plan.next_review_due - today).days  # type: ignore[attr-defined, operator]
        context.update(
            agency=agency,
            role_label=Role(membership.role).label,
            can_create=membership.role in EDITOR_ROLES,
            can_see_drafts=membership.role in DRAFT_READER_ROLES,
            own_plans=own,
            own_more=own_more,
            partner_plans=partner,
            partner_more=partner_more,
            partner_to_acknowledge=len([plan for plan in partner if plan.ack_marks]),  # type: ignore[attr-defined]  # set above
            due_plans=due,
            due_more=due_more,
            owing_plans=_first_rows(agency_plans_owing_change_requests(user=request.user, agency=agency))[0],
            concurrence_plans=concurrence,
            concurrence_more=concurrence_more,
            dashboard_conflicts=_conflict_items(conflicts[:DASHBOARD_ROWS], agency.pk),
            conflicts_more=len(conflicts) > DASHBOARD_ROWS,
        )
        # Exercises (issue 17): the agency's open corrective actions, overdue ones marked.
        actions, overdue = dashboard_open_actions(user=request.user, agency_id=agency.pk, limit=DASHBOARD_ROWS)
        context.update(corrective_actions=actions, corrective_overdue=overdue, today=timezone.localdate())
    return render(request, "dashboard/_panels_refresh.html" if refresh else "dashboard/dashboard.html", context)


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

"""The dashboard's panels, each read on its own: the page shows a placeholder for each group and htmx loads it
(dashboard/views.py), so the page's first byte does not wait for the slowest panel.

A group is a name, the template that renders it and a function that reads its context for one person working
for one agency (their membership there). Every read goes through the apps' selectors, which take the user.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from access.plans import CONCURRING_ROLES, DRAFT_READER_ROLES, EDITOR_ROLES
from agencies.models import Membership
from agencies.selectors import my_buildings
from consistency.conflict_selectors import ConflictRow
from dashboard.looks import attention_look, side_look
from dashboard.partner_rows import partner_rows
from dashboard.selectors import (
    DASHBOARD_ROWS,
    dashboard_conflicts,
    dashboard_own_plans,
    dashboard_partner_plans,
    dashboard_review_due,
)
from exercises.selectors import dashboard_open_actions
from reading.selectors_queue import to_read_count, to_read_items, to_read_rows
from reviews.concurrence_selectors import dashboard_concurrence_pending, dashboard_concurrence_requested
from reviews.selectors import agency_plans_owing_change_requests
from sources.selectors import dashboard_source_changes

# The "To read" panel lists this many items; the page behind its link lists them all.
TO_READ_ROWS = 3


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


def _first_rows(plans: Any) -> tuple[list[Any], bool]:
    """At most DASHBOARD_ROWS plans (or their values rows), and whether there are more (one query, no COUNT)."""
    rows = list(plans[: DASHBOARD_ROWS + 1])
    return rows[:DASHBOARD_ROWS], len(rows) > DASHBOARD_ROWS


def attention_context(*, user: User, membership: Membership) -> dict[str, Any]:
    """First on the page: the person's buildings and To read queue, conflicts with partners' plans, and (for
    the plans' writers) the plans whose sources changed."""
    agency = membership.agency
    editor = membership.role in EDITOR_ROLES  # the plans' writers review what their sources changed
    look = attention_look(user=user, agency=agency, sources=editor)
    # The first few items, and the count only when there may be more (not every item of a long queue).
    to_read = to_read_items(to_read_rows(user=user)[:TO_READ_ROWS], user=user) if look.reading else []
    to_read_total = to_read_count(user=user) if len(to_read) == TO_READ_ROWS else len(to_read)
    conflicts = dashboard_conflicts(user=user, agency=agency) if look.conflicts else []
    context: dict[str, Any] = {
        "my_buildings": list(my_buildings(user=user)) if look.buildings else [],
        "to_read": to_read,
        "to_read_total": to_read_total,
        "dashboard_conflicts": _conflict_items(conflicts[:DASHBOARD_ROWS], agency.pk),
        "conflicts_more": len(conflicts) > DASHBOARD_ROWS,
    }
    if editor:
        context["source_plans"] = (
            _first_rows(dashboard_source_changes(user=user, agency=agency))[0] if look.sources else []
        )
    return context


def own_plans_context(*, user: User, membership: Membership) -> dict[str, Any]:
    """The agency's own plans: state, draft in progress, review date and partners' acknowledgements."""
    own, own_more = _first_rows(dashboard_own_plans(user=user, agency=membership.agency))
    return {
        "own_plans": own,
        "own_more": own_more,
        "can_create": membership.role in EDITOR_ROLES,
        "can_see_drafts": membership.role in DRAFT_READER_ROLES,
    }


def partner_plans_context(*, user: User, membership: Membership) -> dict[str, Any]:
    """Partner plans shared with the agency, with what the person and the agency still have to acknowledge."""
    values, partner_more = _first_rows(
        dashboard_partner_plans(user=user, agency=membership.agency, limit=DASHBOARD_ROWS + 1)
    )
    partner = partner_rows(values)
    return {
        "partner_plans": partner,
        "partner_more": partner_more,
        "partner_to_acknowledge": len([row for row in partner if row["marks"]]),
    }


def side_context(*, user: User, membership: Membership) -> dict[str, Any]:
    """The side column: change requests owed, reviews due, corrective actions and partner concurrence."""
    agency = membership.agency
    today = timezone.localdate()
    look = side_look(user=user, agency=agency)
    # Change requests owed, reviews due and concurrence pending are all of the agency's plans the person sees.
    owing: list[Any] = []
    due: list[Any] = []
    due_more = False
    concurrence: list[Any] = []
    concurrence_more = False
    if look.own_plans:
        owing = _first_rows(agency_plans_owing_change_requests(user=user, agency=agency))[0]
        due, due_more = _first_rows(dashboard_review_due(user=user, agency=agency))
        for plan in due:
            # For the template; the due-review selector returns only plans with a next review date.
            plan.review_in_days = (plan.next_review_due - today).days
        concurrence, concurrence_more = _first_rows(dashboard_concurrence_pending(user=user, agency=agency))
    # Exercises (issue 17): the agency's open corrective actions, overdue ones marked.
    actions, overdue = (
        dashboard_open_actions(user=user, agency_id=agency.pk, limit=DASHBOARD_ROWS) if look.open_actions else ([], 0)
    )
    context: dict[str, Any] = {
        "owing_plans": owing,
        "due_plans": due,
        "due_more": due_more,
        "corrective_actions": actions,
        "corrective_overdue": overdue,
        "today": today,
        # The concurrence panel is shown to an agency that has plans of its own (as when they were one page).
        "has_own_plans": look.own_plans,
        "concurrence_plans": concurrence,
        "concurrence_more": concurrence_more,
    }
    if membership.role in CONCURRING_ROLES:
        requested, requested_more = _first_rows(dashboard_concurrence_requested(user=user, agency=agency))
        context.update(can_concur=True, concurrence_requested=requested, concurrence_requested_more=requested_more)
    return context


@dataclass(frozen=True)
class Panel:
    """One lazily loaded group of panels: its template, its context, and what the page shows until it comes."""

    column: str  # "main" or "side"
    template: str
    context: Callable[..., dict[str, Any]]
    loading: str
    # Without JavaScript the placeholder links to the page that lists all of it.
    fallback_url: str
    fallback_label: str


# In page order; the names are the last part of the fragments' URLs.
PANELS: dict[str, Panel] = {
    "attention": Panel(
        "main",
        "dashboard/_main_attention.html",
        attention_context,
        "Loading your buildings, what you have to read and conflicts…",
        "to-read",
        "Your To read list",
    ),
    "own-plans": Panel(
        "main",
        "dashboard/_dashboard_own_plans.html",
        own_plans_context,
        "Loading our plans…",
        "plans:list",
        "Every plan",
    ),
    "partner-plans": Panel(
        "main",
        "dashboard/_dashboard_partner_plans.html",
        partner_plans_context,
        "Loading partner plans shared with us…",
        "plans:list",
        "Every plan",
    ),
    "side": Panel(
        "side",
        "dashboard/_side_panels.html",
        side_context,
        "Loading change requests, reviews due and concurrence…",
        "plans:list",
        "Every plan",
    ),
}

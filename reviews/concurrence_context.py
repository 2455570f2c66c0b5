"""The plan page's Concurrence panels: where each partner stands on the current version, and the form."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from access.plans import PlanAccess
from plans.models import PlanVersion
from reviews.concurrence_forms import ConcurrenceForm
from reviews.concurrence_selectors import PENDING, concurrence_status
from reviews.models import Comment, ConcurrenceOutcome


def concurrence_panel_context(
    *, user: AbstractBaseUser, access: PlanAccess, current: PlanVersion | None
) -> dict[str, Any]:
    """What the plan page's Concurrence panels show (at most five queries, whatever the number of partners)."""
    if current is None:
        return {}
    rows = concurrence_status(access=access, version=current)
    context: dict[str, Any] = {"concurrence_rows": rows}
    if access.can_read_all_concurrence:
        context["concurrence_counts"] = {
            status: sum(1 for row in rows if row["status"] == status)
            for status in (PENDING, ConcurrenceOutcome.CONCUR, ConcurrenceOutcome.CHANGES_REQUESTED)
        }
    eligible = access.agencies_concurring()
    if eligible:
        names = {row["agency"]: row["agency_name"] for row in rows}
        choices = [(agency_id, names.get(agency_id, "your agency")) for agency_id in eligible]
        context["concurrence_form"] = ConcurrenceForm(initial={"version": current.number}, agencies=choices)
        context["concurrence_open_requests"] = list(
            Comment.objects.filter(
                plan=access.plan, author_agency_id__in=eligible, is_change_request=True, resolved_at__isnull=True
            )
            .select_related("author_agency", "version")
            .order_by("created_at", "id")
        )
    return context

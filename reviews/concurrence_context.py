"""The plan page's Concurrence panels: where each partner stands on the current version, and the form."""

import time
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.backends.base import SessionBase

from access.plans import PlanAccess
from plans.models import PlanVersion
from reviews.concurrence_forms import ConcurrenceForm
from reviews.concurrence_selectors import PENDING, concurrence_status
from reviews.models import Comment, ConcurrenceOutcome

# A refused form comes back on the page the person is sent to at once; one found later (they went elsewhere
# first) is not theirs to finish any more.
KEPT_SECONDS = 600


def _kept_key(plan_id: int) -> str:
    return f"concurrence-form-{plan_id}"


def concurrence_input_keep(*, session: SessionBase, plan_id: int, data: dict[str, str], errors: dict[str, str]) -> None:
    """A refused form's input (agency, outcome, note) and its errors (field or "" -> message), kept for the page
    the person is sent back to, so they find their choice and text where they left them (once)."""
    session[_kept_key(plan_id)] = {"data": data, "errors": errors, "at": time.time()}


def _form(
    choices: list[tuple[int, str]], current: PlanVersion, session: SessionBase | None, plan_id: int
) -> ConcurrenceForm:
    """The empty form, or the one the person sent last (for this version), with their input and its errors."""
    kept = session.pop(_kept_key(plan_id), None) if session is not None else None
    if not kept or time.time() - kept.get("at", 0) > KEPT_SECONDS:
        return ConcurrenceForm(initial={"version": current.number}, agencies=choices)
    # The current version: one published since they read is what the form records for next time.
    form = ConcurrenceForm({**kept["data"], "version": str(current.number)}, agencies=choices)
    form.is_valid()  # the field checks' own errors, by their fields
    for field, message in kept["errors"].items():
        if not (field in form.fields and message in form.errors.get(field, [])):
            form.add_error(field if field in form.fields else None, message)
    if "note" in form.errors:
        form.fields["note"].widget.attrs.update(
            {"aria-invalid": "true", "aria-describedby": "concurrence-note-error concurrence-note-help"}
        )
    if "agency" in form.errors:
        form.fields["agency"].widget.attrs["aria-invalid"] = "true"
    return form


def concurrence_panel_context(
    *, user: AbstractBaseUser, access: PlanAccess, current: PlanVersion | None, session: SessionBase | None = None
) -> dict[str, Any]:
    """What the plan page's Concurrence panels show (at most five queries, whatever the number of partners).

    With the `session`, a form refused just before comes back as the person filled it in.
    """
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
        context["concurrence_form"] = _form(choices, current, session, access.plan.pk)
        context["concurrence_open_requests"] = list(
            Comment.objects.filter(
                plan=access.plan, author_agency_id__in=eligible, is_change_request=True, resolved_at__isnull=True
            )
            .select_related("author_agency", "version")
            .order_by("created_at", "id")
        )
    return context

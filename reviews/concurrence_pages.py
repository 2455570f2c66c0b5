"""Web pages for partner concurrence: recording an outcome and the printable record (the plan page's panel is
built by reviews/concurrence_context.py)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from access.http import record_sensitive_read, visible_plan, visible_version
from agencies.models import Agency
from plans.models import Plan
from portal.api.request_info import client_ip
from portal.errors import DomainError
from portal.place_messages import message_at
from portal.types import AuthenticatedHttpRequest
from reviews.concurrence_context import concurrence_input_keep
from reviews.concurrence_export import concurrence_csv
from reviews.concurrence_forms import ConcurrenceForm
from reviews.concurrence_selectors import plan_concurrence_record
from reviews.concurrence_services import concurrence_record
from reviews.models import ConcurrenceOutcome


def _panel_url(plan_id: int) -> str:
    return reverse("plans:detail", kwargs={"plan_id": plan_id}) + "#concurrence"


def _refused(request: AuthenticatedHttpRequest, plan: Plan, message: str, errors: dict[str, str]) -> HttpResponse:
    """Back to the Concurrence panel with `message` beside the form and the form as the person filled it in
    (reviews/concurrence_context.py); nothing was recorded. Without a current version there is no panel, so
    the message goes to the top of the page."""
    place = "concurrence" if plan.current_version_id else ""
    message_at(request, messages.ERROR, message, place=place)
    if place:
        data = {name: request.POST.get(name, "") for name in ("agency", "outcome", "note")}
        concurrence_input_keep(session=request.session, plan_id=plan.pk, data=data, errors=errors)
    return redirect(_panel_url(plan.pk))


@login_required
@require_POST
def concurrence_record_page(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """A partner's admin or liaison records concur or changes requested on the current version."""
    plan, access = visible_plan(request, plan_id)
    eligible = access.agencies_concurring()
    if not eligible:
        raise PermissionDenied("Only admins and liaisons of a partner agency may record concurrence.")
    form = ConcurrenceForm(request.POST, agencies=[(agency_id, "") for agency_id in eligible])
    if not form.is_valid():
        return _refused(
            request,
            plan,
            "Choose concur or changes requested (and the agency, if you speak for several).",
            {},  # the fields' own errors come back when the kept input is checked again
        )
    version = visible_version(access, form.cleaned_data["version"])
    if version.pk != plan.current_version_id and plan.current_version is not None:
        return _refused(
            request,
            plan,
            f"v{plan.current_version.number} was published while you were reading v{version.number}. "
            "Read the current version, then record your agency's concurrence with it.",
            {},
        )
    agency_id = form.cleaned_data.get("agency")
    try:
        concurrence = concurrence_record(
            version=version,
            agency=Agency.objects.get(pk=agency_id) if agency_id else None,
            actor=request.user,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            ip_address=client_ip(request),
        )
    except DomainError as exc:
        return _refused(request, plan, exc.message, {exc.field or "": exc.message})
    label = ConcurrenceOutcome(concurrence.outcome).label.lower()
    message_at(
        request,
        messages.SUCCESS,
        f"Recorded for {concurrence.agency.name}: {label} with v{version.number}. {plan.owner_agency.name} is alerted.",
        place="concurrence",
    )
    return redirect(_panel_url(plan.pk))


def _owner_record(request: HttpRequest, plan_id: int) -> tuple[Plan, dict[str, Any]]:
    plan, access = visible_plan(request, plan_id)
    if not access.can_read_all_concurrence:
        raise PermissionDenied("Only members of the owner agency see the concurrence record.")
    record_sensitive_read(request, plan, "concurrence_record")
    return plan, plan_concurrence_record(access=access)


@login_required
@require_safe
def concurrence_record_print(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The owner's printable evidence: every released version x partner, outcome, person, date and note."""
    plan, record = _owner_record(request, plan_id)
    return render(request, "reviews/concurrence_record.html", {"plan": plan, "record": record})


@login_required
@require_safe
def concurrence_record_csv(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The same record as a CSV download."""
    plan, record = _owner_record(request, plan_id)
    response = HttpResponse(concurrence_csv(record), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="concurrence-plan-{plan.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response

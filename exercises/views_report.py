"""Web pages of the after-action report and improvement plan: the lead agency writes the draft (summary,
findings), makes it final, assigns corrective actions; the list of an agency's corrective actions; closing
one by a decision. A draft report is the lead agency's own (404 to the other participants)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from access.exercises import (
    can_close_action,
    can_edit_exercise,
    can_export_report,
    can_read_draft_report,
    finding_plans,
)
from agencies.active_agency import active_membership
from exercises import report_services
from exercises.forms import ActionForm, CloseActionForm, FindingForm, SummaryForm
from exercises.models import ActionStatus, Exercise, FindingKind
from exercises.report_pdf import report_pdf_export
from exercises.selectors import actions_listed, agency_people, exercise_of, exercise_page, finding_sections
from exercises.view_refusals import REFUSED, on_form, with_message
from plans.export.download import export_response
from plans.export.pdf import PdfUnavailableError
from portal.api.request_info import client_ip
from portal.errors import NotAllowedError
from portal.types import AuthenticatedHttpRequest


def _readable(request: AuthenticatedHttpRequest, exercise_id: int) -> Exercise:
    exercise = exercise_of(user=request.user, exercise_id=exercise_id)
    report = getattr(exercise, "report", None)
    if (report is None or not report.is_final) and not can_read_draft_report(request.user, exercise):
        raise Http404("No after-action report matches the given query.")
    return exercise


def _plan_id(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 12 else None


def _forms(request: AuthenticatedHttpRequest, exercise: Exercise, page, post=None):  # type: ignore[no-untyped-def]
    plans = list(finding_plans(user=request.user).order_by("title"))
    finding_form = FindingForm(
        post,
        objectives=page.objectives,
        plans=plans,
        sections=finding_sections(user=request.user, plan_id=_plan_id(post.get("plan") if post else None)),
        sections_url=reverse("exercises:finding-sections", kwargs={"exercise_id": exercise.pk}),
    )
    improvements = [f for f in page.findings if f.kind == FindingKind.IMPROVEMENT]
    agencies = [p.agency for p in page.participants]
    action_form = ActionForm(
        post,
        findings=improvements,
        agencies=agencies,
        people=agency_people(agency_ids=[a.pk for a in agencies]),
    )
    return finding_form, action_form


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report(request: AuthenticatedHttpRequest, exercise_id: int) -> HttpResponse:
    """The report: read by participants once final; the lead's editors write the summary here (POST)."""
    exercise = _readable(request, exercise_id)
    page = exercise_page(user=request.user, exercise=exercise)
    summary_form = SummaryForm(
        request.POST if request.method == "POST" else None,
        initial={"summary": page.report.summary if page.report else ""},
    )
    if request.method == "POST" and summary_form.is_valid():
        summary = summary_form.cleaned_data["summary"]
        saved = on_form(
            summary_form,
            lambda: report_services.report_summary_set(exercise=exercise, summary=summary, actor=request.user),
        )
        if saved is not REFUSED:
            messages.success(request, "Summary saved.")
            return redirect("exercises:report", exercise_id=exercise.pk)
    finding_form, action_form = _forms(request, exercise, page)
    return _render(request, exercise, page, summary_form, finding_form, action_form)


def _render(request, exercise, page, summary_form, finding_form, action_form, status=200):  # type: ignore[no-untyped-def]
    final = page.report is not None and page.report.is_final
    context = {
        "nav": "exercises",
        "exercise": exercise,
        "page": page,
        "final": final,
        "writable": page.can_edit and not final and exercise.status == "conducted",
        "summary_form": summary_form,
        "finding_form": finding_form,
        "action_form": action_form if final and page.can_edit else None,
        "can_export": page.report is not None
        and can_export_report(request.user, exercise, page.report, participant=page.participating),
        "today": timezone.localdate(),
    }
    return render(request, "exercises/report.html", context, status=status)


@login_required
@require_safe
def report_pdf(request: AuthenticatedHttpRequest, exercise_id: int) -> HttpResponse:
    """The report as a PDF (participants once final; the lead's admins and liaisons while a draft, marked DRAFT)."""
    exercise = exercise_of(user=request.user, exercise_id=exercise_id)
    try:
        export = report_pdf_export(exercise=exercise, actor=request.user, ip_address=client_ip(request))
    except PdfUnavailableError as error:
        context = {"nav": "exercises", "message": error.message, "exercise": exercise}
        return render(request, "exercises/pdf_unavailable.html", context, status=503)
    return export_response(export)


@login_required
@require_POST
def finding_add(request: AuthenticatedHttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _readable(request, exercise_id)
    page = exercise_page(user=request.user, exercise=exercise)
    if not page.can_edit:
        raise NotAllowedError("Only the lead agency's admins and liaisons write the report.")
    finding_form, action_form = _forms(request, exercise, page, request.POST)
    if finding_form.is_valid():
        data = finding_form.cleaned_data
        added = on_form(
            finding_form,
            lambda: report_services.report_finding_add(
                exercise=exercise,
                kind=data["kind"],
                text=data["text"],
                objective_id=data["objective"],
                plan_id=data["plan"],
                section_key=data["section_key"],
                actor=request.user,
            ),
        )
        if added is not REFUSED:
            messages.success(request, "Finding added.")
            return redirect("exercises:report", exercise_id=exercise.pk)
    summary_form = SummaryForm(initial={"summary": page.report.summary if page.report else ""})
    _, action_form = _forms(request, exercise, page)
    return _render(request, exercise, page, summary_form, finding_form, action_form, status=400)


@login_required
@require_safe
def finding_sections_fragment(request: AuthenticatedHttpRequest, exercise_id: int) -> HttpResponse:
    """The finding form's section picker for `?plan=` (htmx swaps it in when the plan changes): the sections of
    that plan's current version, none for a plan the person may not read."""
    exercise = _readable(request, exercise_id)
    if not can_edit_exercise(request.user, exercise):
        raise NotAllowedError("Only the lead agency's admins and liaisons write the report.")
    plan_id = _plan_id(request.GET.get("plan"))
    form = FindingForm(
        initial={"plan": plan_id},
        objectives=[],
        plans=[],
        sections=finding_sections(user=request.user, plan_id=plan_id),
    )
    return render(request, "exercises/_finding_section.html", {"finding_form": form})


@login_required
@require_POST
def finding_remove(request: AuthenticatedHttpRequest, exercise_id: int, finding_id: int) -> HttpResponse:
    exercise = _readable(request, exercise_id)
    page = exercise_page(user=request.user, exercise=exercise)
    finding = next((f for f in page.findings if f.pk == finding_id), None)
    if finding is None:
        raise Http404("No such finding.")
    with_message(
        request, lambda: report_services.report_finding_remove(finding=finding, actor=request.user), "Finding removed."
    )
    return redirect("exercises:report", exercise_id=exercise.pk)


@login_required
@require_POST
def finalize(request: AuthenticatedHttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _readable(request, exercise_id)
    with_message(
        request,
        lambda: report_services.report_finalize(exercise=exercise, actor=request.user),
        "The report is final and shared with every participating agency.",
    )
    return redirect("exercises:report", exercise_id=exercise.pk)


@login_required
@require_POST
def action_add(request: AuthenticatedHttpRequest, exercise_id: int) -> HttpResponse:
    """Assign a corrective action on an area for improvement of the final report."""
    exercise = _readable(request, exercise_id)
    page = exercise_page(user=request.user, exercise=exercise)
    if not page.can_edit:
        raise NotAllowedError("Only the lead agency's admins and liaisons assign corrective actions.")
    finding_form, action_form = _forms(request, exercise, page, request.POST)
    if action_form.is_valid():
        data = action_form.cleaned_data
        finding = next(f for f in page.findings if f.pk == data["finding"])
        assigned = on_form(
            action_form,
            lambda: report_services.corrective_action_create(
                finding=finding,
                description=data["description"],
                owning_agency_id=data["owning_agency"],
                responsible_id=data["responsible"],
                due_on=data["due_on"],
                actor=request.user,
            ),
        )
        if assigned is not REFUSED:
            messages.success(request, "Corrective action assigned.")
            return redirect("exercises:report", exercise_id=exercise.pk)
    summary_form = SummaryForm(initial={"summary": page.report.summary if page.report else ""})
    finding_form, _ = _forms(request, exercise, page)
    return _render(request, exercise, page, summary_form, finding_form, action_form)


@login_required
@require_safe
def action_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The corrective actions of the person's exercises; `?agency=` narrows to one owning agency (the
    dashboard's link), open ones first by due date, overdue ones marked."""
    agency = request.GET.get("agency", "")
    status = request.GET.get("status", "")
    membership = active_membership(request)
    agency_id = int(agency) if agency.isascii() and agency.isdigit() and len(agency) < 12 else None
    rows = list(
        actions_listed(user=request.user, agency_id=agency_id, status=status if status in ActionStatus.values else "")
    )
    context = {
        "nav": "exercises",
        "actions": rows,
        "today": timezone.localdate(),
        "status": status,
        "statuses": ActionStatus.choices,
        "membership": membership,
        "agency_id": agency_id,
    }
    return render(request, "exercises/actions.html", context)


@login_required
@require_POST
def action_close(request: AuthenticatedHttpRequest, action_id: int) -> HttpResponse:
    """Close an open corrective action by a decision not to change, with the reason."""
    action = get_object_or_404(actions_listed(user=request.user), pk=action_id)
    if not can_close_action(request.user, action, lead_agency_id=action.exercise.lead_agency_id):
        raise NotAllowedError("Only the lead's admins and liaisons, or the owning agency's admins, close it.")
    form = CloseActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why no change is needed.")
    else:
        reason = form.cleaned_data["reason"]
        with_message(
            request,
            lambda: report_services.corrective_action_close(action=action, reason=reason, actor=request.user),
            "Corrective action closed.",
        )
    return redirect("exercises:report", exercise_id=action.exercise_id)

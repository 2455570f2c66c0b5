"""Web pages of exercises: an agency's calendar, the schedule and change form, the exercise page with each
agency's attendance and observations. An exercise the person's agencies do not take part in is 404."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from access.exercises import can_record_for, scheduling_agencies
from agencies.active_agency import active_membership
from agencies.models import Agency
from exercises import services
from exercises.forms import AttendanceForm, CancelForm, ExerciseForm, ObservationForm
from exercises.models import Exercise, ExerciseKind, ExerciseStatus
from exercises.selectors import agency_people, exercise_of, exercise_page, exercises_listed, schedule_choices
from exercises.view_refusals import REFUSED, on_form, with_message
from portal.errors import NotAllowedError
from portal.types import AuthenticatedHttpRequest


@login_required
@require_safe
def exercise_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The exercises of the person's agencies by month: upcoming first, then the past year's (filterable)."""
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    rows = list(
        exercises_listed(
            user=request.user,
            status=status if status in ExerciseStatus.values else "",
            kind=kind if kind in ExerciseKind.values else "",
        )
    )
    now = timezone.now()
    months: dict[str, list[Exercise]] = {}
    for exercise in [e for e in rows if e.ends_at >= now] + [e for e in reversed(rows) if e.ends_at < now]:
        label = ("Upcoming — " if exercise.ends_at >= now else "Past — ") + exercise.starts_at.strftime("%B %Y")
        months.setdefault(label, []).append(exercise)
    context = {
        "nav": "exercises",
        "months": months,
        "status": status,
        "kind": kind,
        "statuses": ExerciseStatus.choices,
        "kinds": ExerciseKind.choices,
        "can_schedule": bool(scheduling_agencies(user=request.user)),
    }
    return render(request, "exercises/list.html", context)


def _form(request: AuthenticatedHttpRequest, initial: dict[str, Any] | None = None) -> ExerciseForm:
    choices = schedule_choices(user=request.user)
    return ExerciseForm(
        request.POST or None,
        initial=initial,
        leads=choices.leads,
        facilities=choices.facilities,
        agencies=choices.agencies,
        versions=choices.versions,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def exercise_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Schedule an exercise for an agency the person is an admin or liaison of."""
    if not scheduling_agencies(user=request.user):
        raise NotAllowedError("Only agency admins and liaisons schedule exercises.")
    membership = active_membership(request)
    form = _form(request, {"lead_agency": membership.agency_id if membership else None})
    if request.method == "POST" and form.is_valid():
        lead = get_object_or_404(Agency, pk=form.cleaned_data["lead_agency"])
        exercise = on_form(
            form, lambda: services.exercise_schedule(lead_agency=lead, plan=form.exercise_plan(), actor=request.user)
        )
        if exercise is not REFUSED:
            messages.success(request, "Exercise scheduled; the participating agencies are alerted.")
            return redirect("exercises:detail", exercise_id=exercise.pk)
    return render(request, "exercises/form.html", {"nav": "exercises", "form": form, "exercise": None})


@login_required
@require_safe
def exercise_detail(request: AuthenticatedHttpRequest, exercise_id: int) -> HttpResponse:
    """The exercise: when and where, who takes part and attended, observations, the report and its actions."""
    exercise = exercise_of(user=request.user, exercise_id=exercise_id)
    page = exercise_page(user=request.user, exercise=exercise)
    recording = [p.agency for p in page.participants if p.agency_id in page.recording_for]
    observation_form = (
        ObservationForm(agencies=recording, objectives=page.objectives)
        if recording and not _cancelled(exercise)
        else None
    )
    context = {
        "nav": "exercises",
        "page": page,
        "exercise": exercise,
        "observation_form": observation_form,
        "attendance_forms": _attendance_forms(page, exercise),
        "cancel_form": CancelForm() if page.can_edit and exercise.status == ExerciseStatus.SCHEDULED else None,
        "can_conduct": page.can_edit
        and exercise.status == ExerciseStatus.SCHEDULED
        and exercise.starts_at <= timezone.now(),
        "today": timezone.localdate(),
    }
    return render(request, "exercises/detail.html", context)


def _errors(form: Any) -> str:
    return "; ".join(str(error) for errors in form.errors.values() for error in errors)


def _cancelled(exercise: Exercise) -> bool:
    return exercise.status == ExerciseStatus.CANCELLED


def _attendance_forms(page: Any, exercise: Exercise) -> list[tuple[Any, AttendanceForm]]:
    if _cancelled(exercise) or not page.recording_for:
        return []
    forms = []
    for participant in page.participants:
        if participant.agency_id not in page.recording_for:
            continue
        own = agency_people(agency_ids=[participant.agency_id])  # one query per agency the person records for
        initial = {
            "attendees": [u.pk for u in participant.attendees.all()],
            "staff_count": participant.staff_count,
            "student_count": participant.student_count,
        }
        forms.append((participant, AttendanceForm(initial=initial, people=own, prefix=f"a{participant.agency_id}")))
    return forms


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def exercise_edit(request: AuthenticatedHttpRequest, exercise_id: int) -> HttpResponse:
    """Change the exercise (the lead agency's admins and liaisons)."""
    exercise = exercise_of(user=request.user, exercise_id=exercise_id)
    page = exercise_page(user=request.user, exercise=exercise)
    if not page.can_edit:
        raise NotAllowedError("Only the lead agency's admins and liaisons change the exercise.")
    initial = {
        "lead_agency": exercise.lead_agency_id,
        "title": exercise.title,
        "kind": exercise.kind,
        "starts_at": timezone.localtime(exercise.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(exercise.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "facilities": [f.pk for f in page.facilities],
        "participants": [p.agency_id for p in page.participants if p.agency_id != exercise.lead_agency_id],
        "plan_versions": [v.pk for v in page.versions],
        "objectives": "\n".join(o.text for o in page.objectives),
        "description": exercise.description,
    }
    form = _form(request, initial)
    form.fields["lead_agency"].disabled = True
    if request.method == "POST" and form.is_valid():
        saved = on_form(
            form, lambda: services.exercise_update(exercise=exercise, plan=form.exercise_plan(), actor=request.user)
        )
        if saved is not REFUSED:
            messages.success(request, "Exercise saved.")
            return redirect("exercises:detail", exercise_id=exercise.pk)
    return render(request, "exercises/form.html", {"nav": "exercises", "form": form, "exercise": exercise})


@login_required
@require_POST
def exercise_cancel(request: AuthenticatedHttpRequest, exercise_id: int) -> HttpResponse:
    exercise = exercise_of(user=request.user, exercise_id=exercise_id)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the exercise is cancelled.")
        return redirect("exercises:detail", exercise_id=exercise.pk)
    with_message(
        request,
        lambda: services.exercise_cancel(exercise=exercise, reason=form.cleaned_data["reason"], actor=request.user),
        "Exercise cancelled.",
    )
    return redirect("exercises:detail", exercise_id=exercise.pk)


@login_required
@require_POST
def exercise_conducted(request: AuthenticatedHttpRequest, exercise_id: int) -> HttpResponse:
    exercise = exercise_of(user=request.user, exercise_id=exercise_id)
    with_message(
        request,
        lambda: services.exercise_mark_conducted(exercise=exercise, actor=request.user),
        "Recorded as conducted: the after-action report can be written now.",
    )
    return redirect("exercises:detail", exercise_id=exercise.pk)


@login_required
@require_POST
def attendance(request: AuthenticatedHttpRequest, exercise_id: int, agency_id: int) -> HttpResponse:
    """One agency's attendance (its admins'), from its form on the exercise page."""
    exercise = exercise_of(user=request.user, exercise_id=exercise_id)
    participant = exercise.participants.select_related("agency").filter(agency_id=agency_id).first()
    if participant is None:
        raise Http404("No such participant.")
    if not can_record_for(request.user, exercise, agency_id):
        raise NotAllowedError("Only the agency's admins record its attendance.")
    people = agency_people(agency_ids=[agency_id])
    form = AttendanceForm(request.POST, people=people, prefix=f"a{agency_id}")
    if not form.is_valid():
        messages.error(request, "Check the attendance: " + _errors(form))
        return redirect("exercises:detail", exercise_id=exercise.pk)
    data = form.cleaned_data
    with_message(
        request,
        lambda: services.attendance_record(
            exercise=exercise,
            agency=participant.agency,
            attendee_ids=data["attendees"],
            staff_count=data["staff_count"],
            student_count=data["student_count"],
            actor=request.user,
        ),
        f"Attendance of {participant.agency.name} saved.",
    )
    return redirect("exercises:detail", exercise_id=exercise.pk)


@login_required
@require_POST
def observation(request: AuthenticatedHttpRequest, exercise_id: int) -> HttpResponse:
    exercise = exercise_of(user=request.user, exercise_id=exercise_id)
    page = exercise_page(user=request.user, exercise=exercise)
    recording = [p.agency for p in page.participants if p.agency_id in page.recording_for]
    if not recording:
        raise NotAllowedError("Only participating agencies' admins add observations.")
    form = ObservationForm(request.POST, agencies=recording, objectives=page.objectives)
    if not form.is_valid():
        messages.error(request, "Check the observation: " + _errors(form))
        return redirect("exercises:detail", exercise_id=exercise.pk)
    agency = next(a for a in recording if a.pk == form.cleaned_data["agency"])
    data = form.cleaned_data
    with_message(
        request,
        lambda: services.observation_add(
            exercise=exercise, agency=agency, text=data["text"], objective_id=data["objective"], actor=request.user
        ),
        "Observation added.",
    )
    return redirect("exercises:detail", exercise_id=exercise.pk)

"""Web pages of training records: the agency's training (per-plan counts, sessions, requirements), a session's
form and page, who is current (per person, in the reading compliance scope), and an exercise's training.

Members of the agency read; its admins and liaisons write (access/training.py); every write is a service of
`reading.services_training`, whose refusals become the form's field errors.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from access.exercises import recording_agencies
from access.training import can_record_training_for
from agencies.models import Agency
from exercises.selectors import exercise_of
from portal.api.request_info import client_ip
from portal.errors import DomainError
from portal.types import AuthenticatedHttpRequest
from reading import selectors_training as selectors
from reading import services_training as services
from reading.forms import RequirementChoices
from reading.forms_training import (
    ExerciseTrainingForm,
    TrainingFilterForm,
    TrainingRequirementForm,
    TrainingSessionForm,
)
from reading.models import Audience, TrainingRequirement, TrainingSession
from reading.selectors_compliance import compliance_scope_for, scope_groups

PAGE_SIZE = 50


def _home(agency: Agency, anchor: str = "") -> str:
    url = reverse("training", kwargs={"agency_id": agency.pk})
    return f"{url}#{anchor}" if anchor else url


def who_of(requirement: TrainingRequirement) -> str:
    if requirement.audience == Audience.ROLE:
        return f"Every {requirement.get_role_display().lower()}"
    if requirement.audience == Audience.GROUP and requirement.group:
        return requirement.group.name
    return "Everyone"


def _render_home(
    request: AuthenticatedHttpRequest, agency: Agency, form: Any = None, status: int = 200
) -> HttpResponse:
    may_record = can_record_training_for(request.user, agency.pk)
    if may_record and form is None:
        form = TrainingRequirementForm(choices=RequirementChoices.of(agency))
    sessions = Paginator(selectors.sessions_of(agency=agency), PAGE_SIZE).get_page(request.GET.get("page"))
    requirements = [(r, who_of(r)) for r in selectors.requirements_of(agency=agency)]
    context = {
        "nav": "agencies",
        "agency": agency,
        "plans": selectors.plan_rows(agency=agency, today=timezone.localdate()),
        "page_obj": sessions,
        "requirements": requirements,
        "may_record": may_record,
        "form": form if may_record else None,
    }
    return render(request, "reading/training/home.html", context, status=status)


@login_required
def training(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    """The agency's training: who is current per required plan, its sessions, its requirements."""
    return _render_home(request, selectors.training_agency(user=request.user, agency_id=agency_id))


def _session_form_page(
    request: AuthenticatedHttpRequest, agency: Agency, session: TrainingSession | None
) -> HttpResponse:
    if request.method == "POST":
        form = TrainingSessionForm(request.POST, agency=agency)
        if form.is_valid():
            try:
                if session is None:
                    session = services.training_session_record(
                        agency=agency, data=form.session_input(), actor=request.user, ip_address=client_ip(request)
                    )
                else:
                    services.training_session_update(
                        session=session, data=form.session_input(), actor=request.user, ip_address=client_ip(request)
                    )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"Training {session.title} recorded.")
                return redirect("training-session", agency_id=agency.pk, session_id=session.pk)
        status = 400
    else:
        initial: dict[str, Any] = {"trained_on": timezone.localdate(), "trainer": request.user.pk}
        if session is not None:
            initial = {
                "title": session.title,
                "trained_on": session.trained_on,
                "trainer": session.trainer_id,
                "plan_versions": list(session.plan_versions.all()),
                "trainees": list(selectors.session_trainees(session=session)),
                "staff_names": "\n".join(session.staff_names),
                "staff_count": session.staff_count,
                "notes": session.notes,
            }
        form, status = TrainingSessionForm(initial=initial, agency=agency), 200
    context = {"nav": "agencies", "agency": agency, "form": form, "session": session}
    return render(request, "reading/training/session_form.html", context, status=status)


@login_required
def training_session_new(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    """Record a training session: plan versions, date, trainer, and the agency's people, groups and staff trained."""
    return _session_form_page(request, selectors.training_managed_agency(user=request.user, agency_id=agency_id), None)


@login_required
def training_session_edit(request: AuthenticatedHttpRequest, agency_id: int, session_id: int) -> HttpResponse:
    agency = selectors.training_managed_agency(user=request.user, agency_id=agency_id)
    return _session_form_page(request, agency, selectors.session_of(agency=agency, session_id=session_id))


@login_required
def training_session(request: AuthenticatedHttpRequest, agency_id: int, session_id: int) -> HttpResponse:
    """One session: its versions, trainer, the people and school staff it trained."""
    agency = selectors.training_agency(user=request.user, agency_id=agency_id)
    session = selectors.session_of(agency=agency, session_id=session_id)
    context = {
        "nav": "agencies",
        "agency": agency,
        "session": session,
        "trainees": selectors.session_trainees(session=session),
        "may_record": can_record_training_for(request.user, agency.pk),
    }
    return render(request, "reading/training/session.html", context)


@login_required
@require_POST
def training_session_delete(request: AuthenticatedHttpRequest, agency_id: int, session_id: int) -> HttpResponse:
    agency = selectors.training_managed_agency(user=request.user, agency_id=agency_id)
    session = selectors.session_of(agency=agency, session_id=session_id)
    services.training_session_delete(session=session, actor=request.user, ip_address=client_ip(request))
    messages.success(request, f"Training {session.title} removed.")
    return redirect(_home(agency, "sessions"))


@login_required
@require_POST
def training_requirement_add(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    agency = selectors.training_managed_agency(user=request.user, agency_id=agency_id)
    form = TrainingRequirementForm(request.POST, choices=RequirementChoices.of(agency))
    if form.is_valid():
        try:
            services.training_requirement_create(
                agency=agency,
                plan=form.plan_obj(),
                audience=form.cleaned_data["audience"],
                role=form.cleaned_data.get("role") or "",
                group=form.group_obj(),
                refresh_months=form.cleaned_data.get("refresh_months"),
                actor=request.user,
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"Training on {form.plan_obj().title} is now required.")
            return redirect(_home(agency, "requirements"))
    return _render_home(request, agency, form=form, status=400)


@login_required
@require_POST
def training_requirement_delete(request: AuthenticatedHttpRequest, agency_id: int, requirement_id: int) -> HttpResponse:
    agency = selectors.training_managed_agency(user=request.user, agency_id=agency_id)
    requirement = selectors.requirement_of(agency=agency, requirement_id=requirement_id)
    services.training_requirement_delete(requirement=requirement, actor=request.user, ip_address=client_ip(request))
    messages.success(request, f"Training on {requirement.plan.title} is no longer required.")
    return redirect(_home(agency, "requirements"))


@login_required
def training_people(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    """Who of the agency's people is current: its admins and liaisons see everyone, supervisors their groups."""
    scope = compliance_scope_for(user=request.user, agency_id=agency_id)
    plans = [(row["pk"], row["title"]) for row in selectors.plan_rows(agency=scope.agency, today=timezone.localdate())]
    data = request.GET.copy()
    data.pop("page", None)
    form = TrainingFilterForm(data, groups=scope_groups(scope=scope), plans=plans)
    context: dict[str, Any] = {"nav": "agencies", "agency": scope.agency, "form": form, "page_obj": None}
    if not form.is_valid():
        return render(request, "reading/training/people.html", context, status=400)
    filters = selectors.TrainingFilters(**{key: form.cleaned_data.get(key) or None for key in form.fields})
    rows = selectors.people_summaries(scope=scope, filters=filters, today=timezone.localdate())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context["page_obj"] = page
    context["people"] = selectors.people_rows(scope=scope, rows=list(page))
    context["query"] = data.urlencode()
    return render(request, "reading/training/people.html", context)


@login_required
def training_person(request: AuthenticatedHttpRequest, agency_id: int, user_id: int) -> HttpResponse:
    """One person: each plan they must be trained on and whether they are current, and every training they had."""
    scope = compliance_scope_for(user=request.user, agency_id=agency_id)
    membership, plans, records = selectors.person_training(scope=scope, user_id=user_id, today=timezone.localdate())
    context = {"nav": "agencies", "agency": scope.agency, "membership": membership, "plans": plans, "records": records}
    return render(request, "reading/training/person.html", context)


@login_required
def exercise_training(request: AuthenticatedHttpRequest, exercise_id: int) -> HttpResponse:
    """Record a participating agency's attendees of the exercise as trained on its plan versions."""
    exercise = exercise_of(user=request.user, exercise_id=exercise_id)
    participants = {p.agency_id: p.agency.name for p in exercise.participants.select_related("agency")}
    mine = recording_agencies(user=request.user, exercise=exercise, participant_ids=set(participants))
    form = ExerciseTrainingForm(request.POST or None, agencies=[(agency, participants[agency]) for agency in mine])
    status = 200
    if request.method == "POST":
        if form.is_valid():
            agency = get_object_or_404(Agency, pk=form.cleaned_data["agency"])
            try:
                session = services.training_from_exercise(
                    exercise=exercise, agency=agency, actor=request.user, ip_address=client_ip(request)
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"{agency.name}'s attendees are recorded as trained.")
                return redirect("training-session", agency_id=agency.pk, session_id=session.pk)
        status = 403 if not mine else 400
    context = {"nav": "exercises", "exercise": exercise, "form": form, "may_record": bool(mine)}
    return render(request, "reading/training/exercise.html", context, status=status)

"""Web pages of drill requirements: the requirement sets (a state's, an agency's own) and their lines, which sets
apply to a building, and an agency's overview of where its buildings stand this school year (which are behind).
A set the person does not read, or an agency they do not belong to, is 404; a change they may not make, 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from access.drills import (
    can_assign_requirements,
    can_create_state_set,
    can_edit_requirement_set,
    can_see_agency_drills,
    requirement_set_owners,
)
from agencies.models import Agency, Facility
from agencies.selectors import facilities_visible_to
from exercises import requirement_services as services
from exercises.models import RequirementLine
from exercises.requirement_forms import AssignForm, RequirementLineForm, RequirementSetForm
from exercises.requirement_selectors import requirement_set_of, requirement_sets_listed
from exercises.requirement_status import drill_status
from portal.errors import DomainError, NotAllowedError
from portal.types import AuthenticatedHttpRequest


def _set_form(request: AuthenticatedHttpRequest, data=None, initial=None) -> RequirementSetForm:  # type: ignore[no-untyped-def]
    owners = list(Agency.objects.filter(pk__in=requirement_set_owners(user=request.user)).order_by("name"))
    return RequirementSetForm(data, owners=owners, state=can_create_state_set(request.user), initial=initial)


def _fields(form: RequirementSetForm) -> services.SetFields:
    data = form.cleaned_data
    return services.SetFields(
        name=data["name"],
        jurisdiction=data["jurisdiction"],
        year_start_month=data["year_start_month"],
        year_start_day=data["year_start_day"],
        terms_per_year=data["terms_per_year"],
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def requirement_sets(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The requirement sets the person reads; admins (and operators, for a state) create one here (POST)."""
    form = _set_form(request, request.POST if request.method == "POST" else None)
    may_create = bool(form.fields["owner"].choices)  # type: ignore[attr-defined]
    if request.method == "POST":
        if not may_create:
            raise NotAllowedError("Only agency admins and platform operators create requirement sets.")
        if form.is_valid():
            owner_id = form.cleaned_data["owner"]
            owner = Agency.objects.get(pk=int(owner_id)) if owner_id else None
            try:
                created = services.requirement_set_create(owner_agency=owner, fields=_fields(form), actor=request.user)
            except NotAllowedError:
                raise
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"Requirement set “{created.name}” created; add its lines.")
                return redirect("exercises:requirement-set", set_id=created.pk)
    context = {
        "nav": "exercises",
        "sets": list(requirement_sets_listed(user=request.user)),
        "form": form,
        "may_create": may_create,
    }
    return render(request, "exercises/requirement_sets.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def requirement_set(request: AuthenticatedHttpRequest, set_id: int) -> HttpResponse:
    """One set with its lines; those who keep it change it (POST) and add lines."""
    requirement_set = requirement_set_of(user=request.user, set_id=set_id)
    may_edit = can_edit_requirement_set(request.user, requirement_set)
    initial = {
        "owner": str(requirement_set.owner_agency_id or ""),
        "name": requirement_set.name,
        "jurisdiction": requirement_set.jurisdiction,
        "year_start_month": requirement_set.year_start_month,
        "year_start_day": requirement_set.year_start_day,
        "terms_per_year": requirement_set.terms_per_year,
    }
    form = _set_form(request, request.POST if request.method == "POST" else None, initial=initial)
    form.fields["owner"].required = False
    if request.method == "POST":
        if not may_edit:
            raise NotAllowedError("Only its agency's admins (a platform operator, for a state's set) change it.")
        if form.is_valid():
            try:
                services.requirement_set_update(
                    requirement_set=requirement_set, fields=_fields(form), actor=request.user
                )
            except NotAllowedError:
                raise
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "Requirement set saved.")
                return redirect("exercises:requirement-set", set_id=requirement_set.pk)
    context = {
        "nav": "exercises",
        "set": requirement_set,
        "may_edit": may_edit,
        "form": form,
        "line_form": RequirementLineForm(),
    }
    return render(request, "exercises/requirement_set.html", context)


@login_required
@require_POST
def line_add(request: AuthenticatedHttpRequest, set_id: int) -> HttpResponse:
    requirement_set = requirement_set_of(user=request.user, set_id=set_id)
    form = RequirementLineForm(request.POST)
    if not form.is_valid():
        if not can_edit_requirement_set(request.user, requirement_set):
            raise NotAllowedError("Only its agency's admins (a platform operator, for a state's set) change it.")
        messages.error(request, "Check the line: " + "; ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("exercises:requirement-set", set_id=set_id)
    try:
        services.requirement_line_add(
            requirement_set=requirement_set,
            exercise_kind=form.cleaned_data["exercise_kind"],
            count=form.cleaned_data["count"],
            period=form.cleaned_data["period"],
            facility_kinds=form.cleaned_data["facility_kinds"],
            actor=request.user,
        )
    except NotAllowedError:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Line added.")
    return redirect("exercises:requirement-set", set_id=set_id)


@login_required
@require_POST
def line_remove(request: AuthenticatedHttpRequest, set_id: int, line_id: int) -> HttpResponse:
    requirement_set = requirement_set_of(user=request.user, set_id=set_id)
    line = get_object_or_404(
        RequirementLine.objects.select_related("requirement_set"), pk=line_id, requirement_set=requirement_set
    )
    services.requirement_line_remove(line=line, actor=request.user)
    messages.success(request, "Line taken off.")
    return redirect("exercises:requirement-set", set_id=set_id)


def _facility_url(facility: Facility) -> str:
    return reverse("agencies:facility-detail", kwargs={"facility_id": facility.pk}) + "#drills"


@login_required
@require_POST
def facility_assign(request: AuthenticatedHttpRequest, facility_id: int) -> HttpResponse:
    """Make a requirement set apply to the building (its owner's admins)."""
    facility = get_object_or_404(facilities_visible_to(user=request.user), pk=facility_id)
    form = AssignForm(request.POST, sets=requirement_sets_listed(user=request.user))
    if not form.is_valid():
        if not can_assign_requirements(request.user, facility):
            raise NotAllowedError("Only the building owner's admins choose its drill requirements.")
        messages.error(request, "Choose a requirement set.")
        return redirect(_facility_url(facility))
    try:
        services.requirement_assign(
            facility=facility, requirement_set=form.cleaned_data["requirement_set"], actor=request.user
        )
    except NotAllowedError:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Drill requirements assigned.")
    return redirect(_facility_url(facility))


@login_required
@require_POST
def facility_unassign(request: AuthenticatedHttpRequest, facility_id: int, set_id: int) -> HttpResponse:
    facility = get_object_or_404(facilities_visible_to(user=request.user), pk=facility_id)
    requirement_set = requirement_set_of(user=request.user, set_id=set_id)
    try:
        services.requirement_unassign(facility=facility, requirement_set=requirement_set, actor=request.user)
    except NotAllowedError:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Drill requirements taken off the building.")
    return redirect(_facility_url(facility))


@login_required
@require_safe
def agency_drills(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    """The agency's buildings against their drill requirements this school year, those behind first."""
    agency = get_object_or_404(Agency, pk=agency_id)
    if not can_see_agency_drills(request.user, agency.pk):
        raise Http404("No agency matches the given query.")
    facilities = list(Facility.objects.filter(owner_agency=agency).order_by("name", "pk"))
    statuses = list(drill_status(facilities=facilities).values())
    statuses.sort(key=lambda s: (not s.behind, not s.sets, s.facility.name))
    context = {
        "nav": "exercises",
        "agency": agency,
        "statuses": statuses,
        "behind_count": sum(1 for s in statuses if s.behind),
    }
    return render(request, "exercises/agency_drills.html", context)

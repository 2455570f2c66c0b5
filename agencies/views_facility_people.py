"""Web forms of a building's page: its contacts (kept by the owner agency) and who is assigned to it.

Each POST goes back to the building's page; a form with errors is shown again there, beside its fields.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from access.facilities import (
    agencies_assigning_people,
    can_assign_people_to_facility,
    can_edit_facility_contacts,
    can_see_facility_contacts,
    facility_contacts_visible,
)
from agencies import contact_services, selectors, services
from agencies.facility_forms import AssignmentEndForm, AssignmentForm, FacilityContactForm
from agencies.facility_page import facility_page
from agencies.models import Facility, FacilityContact
from portal.api.request_info import client_ip
from portal.errors import DomainError
from portal.types import AuthenticatedHttpRequest

CONTACTS_REFUSED = "Only admins and planners of the building's owner agency may change its contacts."


def _facility(request: AuthenticatedHttpRequest, facility_id: int) -> Facility:
    return get_object_or_404(selectors.facilities_visible_to(user=request.user), pk=facility_id)


def _page_url(facility: Facility, anchor: str) -> str:
    return reverse("agencies:facility-detail", kwargs={"facility_id": facility.pk}) + f"#{anchor}"


def _editable_contacts_facility(request: AuthenticatedHttpRequest, facility_id: int) -> Facility:
    """404 unless the person sees the building's contacts; 403 unless they keep them."""
    facility = _facility(request, facility_id)
    if not can_see_facility_contacts(request.user, facility):
        raise Http404
    if not can_edit_facility_contacts(request.user, facility):
        raise PermissionDenied(CONTACTS_REFUSED)
    return facility


def _contact(request: AuthenticatedHttpRequest, facility: Facility, contact_id: int) -> FacilityContact:
    contact = get_object_or_404(facility_contacts_visible(user=request.user, facility=facility), pk=contact_id)
    contact.facility = facility
    return contact


@login_required
@require_POST
def contact_add(request: AuthenticatedHttpRequest, facility_id: int) -> HttpResponse:
    """Add a number to the building's list of whom to call."""
    facility = _editable_contacts_facility(request, facility_id)
    form = FacilityContactForm(request.POST)
    if form.is_valid():
        try:
            contact_services.facility_contact_create(
                facility=facility, actor=request.user, ip_address=client_ip(request), **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"{form.cleaned_data['label']} was added to the contacts.")
            return redirect(_page_url(facility, "contacts"))
    return facility_page(request, facility, contact_form=form, status=400)


@login_required
def contact_edit(request: AuthenticatedHttpRequest, facility_id: int, contact_id: int) -> HttpResponse:
    """Change a contact (GET shows the form, POST saves it)."""
    facility = _editable_contacts_facility(request, facility_id)
    contact = _contact(request, facility, contact_id)
    fields = ("label", "name", "phone", "alt_phone", "notes", "position")
    form = FacilityContactForm(request.POST or None, initial={name: getattr(contact, name) for name in fields})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            if data["position"] is None:
                data["position"] = contact.position
            try:
                contact_services.facility_contact_update(
                    contact=contact, actor=request.user, ip_address=client_ip(request), **data
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"{contact.label} was changed.")
                return redirect(_page_url(facility, "contacts"))
        status = 400
    context = {"nav": "facilities", "facility": facility, "contact": contact, "form": form}
    return render(request, "agencies/facility_contact_edit.html", context, status=status)


@login_required
@require_POST
def contact_delete(request: AuthenticatedHttpRequest, facility_id: int, contact_id: int) -> HttpResponse:
    """Take a number off the building's list."""
    facility = _editable_contacts_facility(request, facility_id)
    contact = _contact(request, facility, contact_id)
    contact_services.facility_contact_delete(contact=contact, actor=request.user, ip_address=client_ip(request))
    messages.success(request, f"{contact.label} was removed from the contacts.")
    return redirect(_page_url(facility, "contacts"))


@login_required
@require_POST
def assignment_add(request: AuthenticatedHttpRequest, facility_id: int) -> HttpResponse:
    """Assign a member of an agency the person administers (its School Resource Officer) to the building."""
    facility = _facility(request, facility_id)
    agencies = agencies_assigning_people(request.user)
    if not agencies.exists():
        raise PermissionDenied("Only an agency's admins may assign its people to buildings.")
    form = AssignmentForm(request.POST, agencies=agencies)
    if form.is_valid():
        data = form.cleaned_data
        person = User.objects.filter(username=data["username"].strip()).first()
        try:
            if person is None:
                raise DomainError(f"{data['agency']} has no member called {data['username']}.", field="username")
            services.personnel_assignment_create(
                user=person,
                agency=data["agency"],
                facility=facility,
                role=data["role"],
                started_on=data["started_on"],
                actor=request.user,
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            field = "username" if exc.field == "user" else exc.field
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(request, f"{person.get_full_name() or person.username} is assigned to {facility}.")
            return redirect(_page_url(facility, "officers"))
    return facility_page(request, facility, assignment_form=form, status=400)


@login_required
@require_POST
def assignment_end(request: AuthenticatedHttpRequest, facility_id: int, assignment_id: int) -> HttpResponse:
    """End an assignment (it stays in the building's history)."""
    facility = _facility(request, facility_id)
    assignment = get_object_or_404(selectors.assignments_at_facility(facility=facility), pk=assignment_id)
    if not can_assign_people_to_facility(request.user, assignment.agency_id):
        raise PermissionDenied(f"Only admins of {assignment.agency} may end its people's assignments.")
    form = AssignmentEndForm(request.POST)
    ended_on = form.cleaned_data["ended_on"] if form.is_valid() else None
    try:
        services.personnel_assignment_end(
            assignment=assignment, ended_on=ended_on, actor=request.user, ip_address=client_ip(request)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        name = assignment.user.get_full_name() or assignment.user.username
        messages.success(request, f"{name}'s assignment to {facility} has ended; it stays in the history.")
    return redirect(_page_url(facility, "officers"))

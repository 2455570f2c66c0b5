"""Web pages for facilities and agencies: the directories, a building's page, members and roles.

The rules are the API's: every signed-in person sees the directories; an agency's members see its
members list; only its admins (and platform staff) change members or manage webhooks (403 otherwise,
before any member id is looked up). The webhook pages are in agencies/views_webhooks.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from access.agencies import agency_roles, can_manage_agency, can_read_audit_of
from access.coordination import can_onboard_agencies, can_see_agency_completeness
from access.plans import plans_visible_to
from access.reading import can_manage_reading_of, can_see_reading_compliance
from agencies import selectors, services
from agencies.facility_page import facility_page
from agencies.forms import (
    AgencyFilterForm,
    FacilityFilterForm,
    MemberAddForm,
    MemberInviteForm,
    MembershipRoleForm,
)
from agencies.invitation_status import invitation_status
from agencies.models import Agency, Membership, PersonnelAssignment, Role
from portal.api.request_info import client_ip
from portal.errors import DomainError
from portal.types import AuthenticatedHttpRequest

PAGE_SIZE = 25
MEMBERS_PAGE_SIZE = 50
AGENCY_FACILITIES_SHOWN = 20


def page_of(request: HttpRequest, queryset: QuerySet, size: int) -> Page:
    """The requested page of a list (the last one when the number is past the end)."""
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _agency_url(agency: Agency, anchor: str = "") -> str:
    return reverse("agencies:detail", kwargs={"agency_id": agency.pk}) + (f"#{anchor}" if anchor else "")


def _visible_agency(request: HttpRequest, agency_id: int) -> Agency:
    return get_object_or_404(selectors.agencies_visible_to(user=request.user), pk=agency_id)


def managed_agency(request: HttpRequest, agency_id: int) -> Agency:
    """The agency, if the person may manage it: 404 when unknown, 403 when not its admin."""
    agency = _visible_agency(request, agency_id)
    if not can_manage_agency(request.user, agency.pk):
        raise PermissionDenied("Only this agency's admins may do this.")
    return agency


# Facilities ------------------------------------------------------------------------------------


@login_required
def facility_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The shared directory of buildings: search by name, filter by kind and owner."""
    form = FacilityFilterForm(request.GET or None)
    facilities = selectors.facilities_visible_to(user=request.user).order_by("name", "pk")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            facilities = facilities.filter(name__icontains=data["q"].strip())
        if data["kind"]:
            facilities = facilities.filter(kind=data["kind"])
        if data["owner"]:
            facilities = facilities.filter(owner_agency_id=data["owner"])
    context = {
        "nav": "facilities",
        "form": form,
        "page_obj": page_of(request, facilities, PAGE_SIZE),
        "filtered": bool(form.is_bound and any(form.data.get(name) for name in ("q", "kind", "owner"))),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    if not partial:
        context["my_buildings"] = list(selectors.my_buildings(user=request.user))
    # htmx swaps only the results; a history restore needs the whole page.
    template = "agencies/_facility_results.html" if partial else "agencies/facility_list.html"
    return render(request, template, context)


# Kept offline by the installable app (offline/): the service worker holds the one copy, the HTTP cache none.
@never_cache
@login_required
def facility_detail(request: AuthenticatedHttpRequest, facility_id: int) -> HttpResponse:
    """A building's page for responders: key facts, officers and contacts, maps, then the current plans."""
    facility = selectors.facility_visible(user=request.user, facility_id=facility_id)
    if facility is None:
        raise Http404("No Facility matches the given query.")
    return facility_page(request, facility)


# Agencies --------------------------------------------------------------------------------------


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    """The directory of agencies, with search and a kind filter."""
    form = AgencyFilterForm(request.GET or None)
    agencies = (
        selectors.agencies_visible_to(user=request.user)
        .annotate(facility_count=Count("facilities", distinct=True))
        .order_by("name", "pk")
    )
    if form.is_bound and form.is_valid():
        text = form.cleaned_data["q"].strip()
        if text:
            agencies = agencies.filter(Q(name__icontains=text) | Q(jurisdiction__icontains=text))
        if form.cleaned_data["kind"]:
            agencies = agencies.filter(kind=form.cleaned_data["kind"])
    context = {
        "nav": "agencies",
        "form": form,
        "page_obj": page_of(request, agencies, PAGE_SIZE),
        "my_agency_ids": set(agency_roles(user=request.user)),
        "filtered": bool(form.is_bound and any(form.data.get(name) for name in ("q", "kind"))),
        "can_onboard": can_onboard_agencies(request.user),
        "can_see_completeness": can_see_agency_completeness(request.user),
    }
    return render(request, "agencies/agency_list.html", context)


def _agency_page(
    request: HttpRequest,
    agency: Agency,
    *,
    invite_form: MemberInviteForm | None = None,
    add_form: MemberAddForm | None = None,
) -> HttpResponse:
    """The agency page, with the bound forms when a management form comes back with errors."""
    roles = agency_roles(user=request.user)
    can_manage = can_manage_agency(request.user, agency.pk)
    sees_members = request.user.is_staff or agency.pk in roles
    facilities = selectors.facilities_visible_to(user=request.user).filter(owner_agency=agency).order_by("name", "pk")
    context = {
        "nav": "agencies",
        "agency": agency,
        "my_role": Role(roles[agency.pk]).label.lower() if agency.pk in roles else None,
        "can_manage": can_manage,
        "can_read_audit": can_read_audit_of(request.user, agency.pk, roles=roles),
        "can_see_reading": can_see_reading_compliance(request.user, agency.pk, roles=roles),
        "can_manage_reading": can_manage_reading_of(request.user, agency.pk, roles=roles),
        "sees_members": sees_members,
        "facilities": list(facilities[:AGENCY_FACILITIES_SHOWN]),
        "facility_count": facilities.count(),
        "plan_count": plans_visible_to(user=request.user).filter(owner_agency=agency).count(),
        "role_choices": Role.choices,
    }
    if sees_members:
        assignments = PersonnelAssignment.objects.filter(agency=agency).select_related("facility").order_by("facility")
        memberships = (
            selectors.memberships_of_agency(agency=agency)
            .prefetch_related(Prefetch("user__assignments", queryset=assignments, to_attr="agency_assignments"))
            .order_by("user__username", "pk")
        )
        members_page = page_of(request, memberships, MEMBERS_PAGE_SIZE)
        context["members_page"] = members_page
        if can_manage:
            for membership in members_page:
                membership.invitation = invitation_status(membership)  # for the template
    if can_manage:
        context["invite_form"] = invite_form or MemberInviteForm()
        context["add_form"] = add_form or MemberAddForm()
    return render(request, "agencies/agency_detail.html", context)


@login_required
def agency_detail(request: HttpRequest, agency_id: int) -> HttpResponse:
    """An agency's card and buildings; its members for members; member management for its admins."""
    return _agency_page(request, _visible_agency(request, agency_id))


@login_required
@require_POST
def member_invite(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    """Create an account for a new person, add them to the agency and e-mail them an invitation."""
    agency = managed_agency(request, agency_id)
    form = MemberInviteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            user = services.member_invite(
                agency=agency,
                username=data["username"],
                email=data["email"],
                role=data["role"],
                actor=request.user,
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                f"{user.get_username()} was added as {Role(data['role']).label.lower()} and an invitation "
                f"was sent to {user.email}; they choose their password from the link in it.",
            )
            return redirect(_agency_url(agency, "members"))
    return _agency_page(request, agency, invite_form=form)


@login_required
@require_POST
def member_add(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    """Add a person who already has an account."""
    agency = managed_agency(request, agency_id)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        user = form.cleaned_data["username"]
        try:
            services.membership_add(
                agency=agency,
                user=user,
                role=form.cleaned_data["role"],
                actor=request.user,
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            form.add_error("username", exc.message)
        else:
            messages.success(request, f"{user.get_username()} is now a member of {agency}.")
            return redirect(_agency_url(agency, "members"))
    return _agency_page(request, agency, add_form=form)


def _managed_membership(request: HttpRequest, agency_id: int, membership_id: int) -> Membership:
    agency = managed_agency(request, agency_id)
    return get_object_or_404(Membership.objects.select_related("user", "agency"), pk=membership_id, agency=agency)


@login_required
@require_POST
def member_role(request: AuthenticatedHttpRequest, agency_id: int, membership_id: int) -> HttpResponse:
    """Change a member's role (refused, with a message, when it would leave the agency without an admin)."""
    membership = _managed_membership(request, agency_id, membership_id)
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles listed.")
    else:
        try:
            services.membership_change_role(
                membership=membership, role=form.cleaned_data["role"], actor=request.user, ip_address=client_ip(request)
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            label = Role(form.cleaned_data["role"]).label.lower()
            messages.success(request, f"{membership.user.get_username()} is now {label}.")
    return redirect(_agency_url(membership.agency, "members"))


@login_required
def member_remove(request: AuthenticatedHttpRequest, agency_id: int, membership_id: int) -> HttpResponse:
    """Ask for confirmation (GET), then remove the member (POST); the last admin stays."""
    membership = _managed_membership(request, agency_id, membership_id)
    if request.method != "POST":
        last_agency = not Membership.objects.filter(user_id=membership.user_id).exclude(pk=membership.pk).exists()
        context = {"nav": "agencies", "membership": membership, "last_agency": last_agency}
        return render(request, "agencies/member_remove.html", context)
    try:
        services.membership_remove(membership=membership, actor=request.user, ip_address=client_ip(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{membership.user.get_username()} was removed from {membership.agency}.")
    return redirect(_agency_url(membership.agency, "members"))

"""The set-up page of an agency (its admins and platform staff): a checklist, then its card, buildings and the
partners its new plans are shared with by default. Members come from the roster pages (views_roster.py) or the
agency page; people are assigned to buildings on each building's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from agencies import services as agency_services
from agencies.models import Agency, Facility
from onboarding import selectors, services
from onboarding.forms import AgencyCardForm, FacilityAddForm, RosterUploadForm, SharingDefaultForm
from onboarding.models import SharingDefault
from onboarding.pages import agency_to_set_up, setup_url
from portal.api.request_info import client_ip
from portal.errors import DomainError
from portal.types import AuthenticatedHttpRequest

BUILDINGS_SHOWN = 50


def _card_form(agency: Agency, data: object = None) -> AgencyCardForm:
    initial = {"name": agency.name, "jurisdiction": agency.jurisdiction, "phone": agency.phone, "email": agency.email}
    return AgencyCardForm(data, initial=initial)


def _setup_page(
    request: AuthenticatedHttpRequest,
    agency: Agency,
    *,
    card_form: AgencyCardForm | None = None,
    building_form: FacilityAddForm | None = None,
    sharing_form: SharingDefaultForm | None = None,
) -> HttpResponse:
    buildings = Facility.objects.filter(owner_agency=agency).order_by("name", "pk")
    context = {
        "nav": "agencies",
        "agency": agency,
        "checklist": selectors.setup_checklist(agency=agency),
        "card_form": card_form or _card_form(agency),
        "building_form": building_form or FacilityAddForm(),
        "buildings": list(buildings[:BUILDINGS_SHOWN]),
        "roster_form": RosterUploadForm(),
        "sharing_form": sharing_form or SharingDefaultForm(agency=agency),
        "sharing_defaults": list(selectors.sharing_defaults_of(agency=agency)),
    }
    return render(request, "onboarding/setup.html", context)


@login_required
def setup(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    """The checklist and the set-up forms (GET); POST changes the agency card."""
    agency = agency_to_set_up(request, agency_id)
    if request.method != "POST":
        return _setup_page(request, agency)
    form = _card_form(agency, request.POST)
    if form.is_valid():
        try:
            agency_services.agency_update(
                agency=agency, actor=request.user, ip_address=client_ip(request), **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "The agency card is saved: partners see it in the directory.")
            return redirect(setup_url(agency, "card"))
    return _setup_page(request, agency, card_form=form)


@login_required
@require_POST
def building_add(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    """Register a building the agency owns."""
    agency = agency_to_set_up(request, agency_id)
    form = FacilityAddForm(request.POST)
    if form.is_valid():
        facility = agency_services.facility_create(
            owner_agency=agency, actor=request.user, ip_address=client_ip(request), **form.cleaned_data
        )
        messages.success(request, f"{facility.name} is registered; assign people to it from its page.")
        return redirect(setup_url(agency, "buildings"))
    return _setup_page(request, agency, building_form=form)


@login_required
@require_POST
def sharing_default_add(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    """Share the agency's new plans with a partner by default."""
    agency = agency_to_set_up(request, agency_id)
    form = SharingDefaultForm(request.POST, agency=agency)
    if form.is_valid():
        try:
            default = services.sharing_default_add(
                agency=agency,
                partner=form.cleaned_data["partner"],
                level=form.cleaned_data["level"],
                actor=request.user,
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"New plans will be shared with {default.partner} ({default.level}).")
            return redirect(setup_url(agency, "sharing"))
    return _setup_page(request, agency, sharing_form=form)


@login_required
@require_POST
def sharing_default_remove(request: AuthenticatedHttpRequest, agency_id: int, default_id: int) -> HttpResponse:
    """Stop sharing new plans with a partner by default (plans already shared stay shared)."""
    agency = agency_to_set_up(request, agency_id)
    default = get_object_or_404(
        SharingDefault.objects.select_related("partner", "agency"), pk=default_id, agency=agency
    )
    services.sharing_default_remove(default=default, actor=request.user, ip_address=client_ip(request))
    messages.success(request, f"New plans are no longer shared with {default.partner} by default.")
    return redirect(setup_url(agency, "sharing"))

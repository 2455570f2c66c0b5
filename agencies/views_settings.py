"""The agency settings page (its admins and platform staff): how long its people's sessions may last, and whether
its law-enforcement-sensitive plans may be kept offline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from agencies import services
from agencies.forms import OfflineCopiesForm, SessionPolicyForm
from agencies.models import Agency
from agencies.views import managed_agency
from portal.api.request_info import client_ip
from portal.errors import DomainError
from portal.session_policy import platform_policy
from portal.types import AuthenticatedHttpRequest


def _policy_form(agency: Agency, data: object = None) -> SessionPolicyForm:
    default = platform_policy()
    initial = {"session_idle_minutes": agency.session_idle_minutes, "session_max_hours": agency.session_max_hours}
    return SessionPolicyForm(
        data,
        initial=initial,
        idle_default_minutes=default.idle_seconds // 60,
        max_default_hours=default.max_seconds / 3600,
    )


@login_required
def agency_settings(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    """Show (GET) and change (POST) the agency's session policy; 404 for an unknown agency, 403 for non-admins."""
    agency = managed_agency(request, agency_id)
    form = _policy_form(agency, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_update(
                agency=agency,
                actor=request.user,
                session_idle_minutes=form.cleaned_data["session_idle_minutes"],
                session_max_hours=form.cleaned_data["session_max_hours"],
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Session policy saved: your people's sessions follow it within a minute.")
            return redirect(reverse("agencies:settings", kwargs={"agency_id": agency.pk}) + "#sessions")
    return _settings_page(request, agency, session_form=form)


def _offline_form(agency: Agency, data: object = None) -> OfflineCopiesForm:
    return OfflineCopiesForm(data, initial={"les_offline_copies": agency.les_offline_copies})


def _settings_page(
    request: AuthenticatedHttpRequest,
    agency: Agency,
    *,
    session_form: SessionPolicyForm | None = None,
    offline_form: OfflineCopiesForm | None = None,
) -> HttpResponse:
    context = {
        "nav": "agencies",
        "agency": agency,
        "session_form": session_form or _policy_form(agency),
        "offline_form": offline_form or _offline_form(agency),
    }
    return render(request, "agencies/agency_settings.html", context)


@login_required
@require_POST
def agency_offline_copies(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    """Change whether the agency's law-enforcement-sensitive plans may be kept offline (404/403 as the page)."""
    agency = managed_agency(request, agency_id)
    form = _offline_form(agency, request.POST)
    if not form.is_valid():
        return _settings_page(request, agency, offline_form=form)
    allowed = form.cleaned_data["les_offline_copies"]
    services.agency_update(agency=agency, actor=request.user, les_offline_copies=allowed, ip_address=client_ip(request))
    messages.success(
        request,
        "Your law-enforcement-sensitive plans may now be kept offline by the people assigned to their buildings."
        if allowed
        else "Your law-enforcement-sensitive plans are no longer kept offline: devices drop them at their next "
        "refresh.",
    )
    return redirect(reverse("agencies:settings", kwargs={"agency_id": agency.pk}) + "#offline")

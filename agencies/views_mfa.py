"""An agency's multi-factor sign-in page (its admins): the policy switch and who has enrolled."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render

from accounts.selectors import memberships_with_mfa
from agencies import services
from agencies.forms import AgencyMfaForm
from agencies.views import MEMBERS_PAGE_SIZE, managed_agency, page_of
from portal.api.request_info import client_ip
from portal.types import AuthenticatedHttpRequest


@login_required
def agency_mfa(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    """Show (GET) or change (POST) whether the agency requires MFA, and list each member's enrolment."""
    agency = managed_agency(request, agency_id)
    initial = {"require_mfa": agency.require_mfa, "les_read_requires_mfa": agency.les_read_requires_mfa}
    form = AgencyMfaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        required = form.cleaned_data["require_mfa"]
        sensitive = form.cleaned_data["les_read_requires_mfa"]
        services.agency_update(
            agency=agency,
            actor=request.user,
            require_mfa=required,
            les_read_requires_mfa=sensitive,
            ip_address=client_ip(request),
        )
        if required != initial["require_mfa"]:
            messages.success(
                request,
                f"{agency.name} now requires multi-factor sign-in: people without it set it up at their next sign-in."
                if required
                else f"{agency.name} no longer requires multi-factor sign-in.",
            )
        if sensitive != initial["les_read_requires_mfa"]:
            messages.success(
                request,
                "Reading your law-enforcement-sensitive plans now needs multi-factor sign-in."
                if sensitive
                else "Reading your law-enforcement-sensitive plans no longer needs multi-factor sign-in.",
            )
        return redirect("agencies:mfa", agency_id=agency.pk)
    memberships = memberships_with_mfa(agency_id=agency.pk)
    context = {
        "agency": agency,
        "form": form,
        "members_page": page_of(request, memberships, MEMBERS_PAGE_SIZE),
        "enrolled_count": memberships.filter(Q(has_app=True) | Q(has_passkey=True)).count(),
        "nav": "agencies",
    }
    return render(request, "agencies/agency_mfa.html", context)

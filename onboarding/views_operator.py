"""The platform operator's onboarding pages: register an agency and invite its first admin, and appoint state
coordinators (staff only: 403 for everyone else), instead of typing into the Django admin."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from access.coordination import can_onboard_agencies
from access.http import require
from onboarding import services
from onboarding.forms import AgencyOnboardForm, CoordinatorGrantForm
from onboarding.models import StateCoordinator
from portal.api.request_info import client_ip
from portal.errors import DomainError
from portal.types import AuthenticatedHttpRequest


def _page(
    request: AuthenticatedHttpRequest, agency_form: AgencyOnboardForm, coordinator_form: CoordinatorGrantForm
) -> HttpResponse:
    coordinators = StateCoordinator.objects.select_related("user").order_by("user__username")
    context = {
        "nav": "agencies",
        "agency_form": agency_form,
        "coordinator_form": coordinator_form,
        "coordinators": list(coordinators[:200]),
    }
    return render(request, "onboarding/operator.html", context)


@login_required
def agency_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The new-agency form (GET); POST registers the agency and e-mails its first admin an invitation."""
    require(can_onboard_agencies(request.user), "Only platform operators register agencies.")
    form = AgencyOnboardForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.agency_onboard(actor=request.user, ip_address=client_ip(request), **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                f"{result.agency.name} is registered and {result.admin.email} was invited as its admin; they set "
                "up the agency from the link in the invitation.",
            )
            return redirect("agencies:detail", agency_id=result.agency.pk)
    return _page(request, form, CoordinatorGrantForm())


@login_required
def coordinator_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Appoint a state coordinator (POST; GET shows the operator's page)."""
    require(can_onboard_agencies(request.user), "Only platform operators appoint state coordinators.")
    form = CoordinatorGrantForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data["username"]
        services.state_coordinator_grant(user=user, actor=request.user, ip_address=client_ip(request))
        messages.success(request, f"{user.get_username()} is a state coordinator.")
        return redirect("onboarding:agency-new")
    return _page(request, AgencyOnboardForm(), form)

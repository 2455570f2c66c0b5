"""Portal-wide pages: the start page (the dashboard once signed in) and the agency switcher."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from portal.agency_context import active_membership_set
from portal.redirects import safe_redirect_target
from portal.types import AuthenticatedHttpRequest, is_signed_in


def home(request: HttpRequest) -> HttpResponse:
    """Signed in: the dashboard. Otherwise: the sign-in page."""
    if is_signed_in(request):
        from portal.dashboard import dashboard

        return dashboard(request)
    return redirect("login")


@login_required
@require_POST
def agency_switch(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Work for another of your agencies (the dashboard and defaults follow it)."""
    try:
        agency_id = int(request.POST.get("agency", ""))
    except ValueError:
        agency_id = 0
    if not active_membership_set(request, agency_id):
        messages.error(request, "You are not a member of that agency.")
    return redirect(safe_redirect_target(request, request.POST.get("next", ""), reverse("dashboard")))

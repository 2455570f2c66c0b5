"""An agency admin's actions on a member's way in: send an invitation again, end all sessions and tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from agencies import services
from agencies.models import Membership
from agencies.views import managed_agency
from portal.api.request_info import client_ip
from portal.errors import DomainError
from portal.types import AuthenticatedHttpRequest


def _members_url(membership: Membership) -> str:
    return reverse("agencies:detail", kwargs={"agency_id": membership.agency_id}) + "#members"


def managed_membership(request: HttpRequest, agency_id: int, membership_id: int) -> Membership:
    """A membership of an agency the person manages: 403 before the lookup for non-admins, 404 for another's."""
    agency = managed_agency(request, agency_id)
    return get_object_or_404(Membership.objects.select_related("user", "agency"), pk=membership_id, agency=agency)


@login_required
@require_POST
def member_invitation_resend(request: AuthenticatedHttpRequest, agency_id: int, membership_id: int) -> HttpResponse:
    """Send a member who never signed in a new invitation e-mail with a fresh link."""
    membership = managed_membership(request, agency_id, membership_id)
    try:
        services.member_invitation_resend(membership=membership, actor=request.user, ip_address=client_ip(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        email = membership.user.email
        messages.success(request, f"A new invitation is on its way to {email}, with a fresh link to choose a password.")
    return redirect(_members_url(membership))


@login_required
def member_sessions_end(request: AuthenticatedHttpRequest, agency_id: int, membership_id: int) -> HttpResponse:
    """Ask for confirmation (GET), then end all the member's sessions and API tokens (POST): a lost phone."""
    membership = managed_membership(request, agency_id, membership_id)
    if request.method != "POST":
        return render(request, "agencies/member_sessions_end.html", {"nav": "agencies", "membership": membership})
    ended = services.member_sessions_end(membership=membership, actor=request.user, ip_address=client_ip(request))
    if membership.user_id == request.user.pk:
        return redirect("login")  # they ended their own session too
    messages.success(
        request,
        f"{membership.user.get_username()} is signed out everywhere: {ended.sessions} browser session(s) ended and "
        f"{ended.tokens} API token(s) revoked. They sign in again with their password.",
    )
    return redirect(_members_url(membership))

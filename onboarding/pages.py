"""What the onboarding pages share: the agency a request sets up (404 unknown, 403 not its admin)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse

from access.coordination import can_set_up_agency
from agencies.models import Agency
from agencies.selectors import agencies_visible_to


def agency_to_set_up(request: HttpRequest, agency_id: int) -> Agency:
    agency = get_object_or_404(agencies_visible_to(user=request.user), pk=agency_id)
    if not can_set_up_agency(request.user, agency.pk):
        raise PermissionDenied("Only this agency's admins may set it up.")
    return agency


def setup_url(agency: Agency, anchor: str = "") -> str:
    return reverse("onboarding:setup", kwargs={"agency_id": agency.pk}) + (f"#{anchor}" if anchor else "")

"""Reads of the audit trail: the events an agency's admins see, asked of the access layer first."""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from access.agencies import audit_trail_refusal
from agencies.models import Agency, Membership
from audit.models import AuditEvent


def audit_agency_for(*, user: User | AnonymousUser, agency_id: int) -> Agency:
    """The agency whose trail the person asks for: 404 unless they belong to it, 403 unless its admin."""
    refusal = audit_trail_refusal(user, agency_id)
    if refusal == 404:
        raise Http404("No such agency.")
    if refusal == 403:
        raise PermissionDenied("Only this agency's admins may read its audit trail.")
    return get_object_or_404(Agency, pk=agency_id)


def audit_trail_of(*, user: User | AnonymousUser, agency: Agency) -> QuerySet[AuditEvent]:
    """Every event in the agency's trail, newest first (one index range of AuditEventAgency)."""
    if audit_trail_refusal(user, agency.pk) is not None:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(audience__agency=agency).order_by("-audience__created_at", "-id")


def audit_people_of(*, agency: Agency) -> list[str]:
    """Usernames of the agency's members, offered by the person filter (anyone else can still be typed)."""
    return list(
        Membership.objects.filter(agency=agency).order_by("user__username").values_list("user__username", flat=True)
    )

"""The agency a person is working for right now (people in several agencies switch between them)."""

from agencies.models import Membership
from portal.types import AuthenticatedHttpRequest

ACTIVE_AGENCY_KEY = "concord_active_agency"


def memberships_for(request: AuthenticatedHttpRequest) -> list[Membership]:
    """The signed-in person's memberships, read once per request."""
    if not hasattr(request, "_concord_memberships"):
        request._concord_memberships = list(  # type: ignore[attr-defined]  # a per-request cache
            Membership.objects.filter(user=request.user).select_related("agency").order_by("agency__name")
        )
    return request._concord_memberships  # type: ignore[attr-defined]  # a per-request cache


def active_membership(request: AuthenticatedHttpRequest) -> Membership | None:
    """The membership chosen with the agency switcher, else the first one."""
    memberships = memberships_for(request)
    chosen = request.session.get(ACTIVE_AGENCY_KEY)
    for membership in memberships:
        if membership.agency_id == chosen:
            return membership
    return memberships[0] if memberships else None


def active_membership_set(request: AuthenticatedHttpRequest, agency_id: int) -> bool:
    """Switch to another of the person's agencies; False when they do not belong to it."""
    if any(m.agency_id == agency_id for m in memberships_for(request)):
        request.session[ACTIVE_AGENCY_KEY] = agency_id
        return True
    return False

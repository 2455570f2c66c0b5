"""What the building page's drill section (exercises/_facility_drills.html) needs, for agencies.facility_page to
add: the building's drill status for its owner agency's members (with the assign form for its admins)."""

from typing import Any

from django.http import HttpRequest

from access.agencies import agency_roles
from access.drills import can_assign_requirements, can_see_drill_status, requirement_sets_readable_by_agency
from agencies.models import Facility
from exercises.requirement_status import drill_status


def facility_drills_context(
    request: HttpRequest, facility: Facility, *, roles: dict[int, str] | None = None
) -> dict[str, Any]:
    """`drills` (status, can_assign, offered_sets) for the owner's members; otherwise only the calendar link."""
    roles = agency_roles(user=request.user) if roles is None else roles
    if not can_see_drill_status(request.user, facility, roles=roles):
        return {"drills": None, "drills_calendar": request.user.is_authenticated}
    status = drill_status(facilities=[facility])[facility.pk]
    can_assign = can_assign_requirements(request.user, facility, roles=roles)
    drills: dict[str, Any] = {"status": status, "can_assign": can_assign}
    if can_assign:
        assigned = [s.requirement_set.pk for s in status.sets]
        sets = requirement_sets_readable_by_agency(agency_id=facility.owner_agency_id).exclude(pk__in=assigned)
        drills["offered_sets"] = list(sets.order_by("name", "id"))  # one query; the form below is rendered by hand
    return {"drills": drills, "drills_calendar": True}

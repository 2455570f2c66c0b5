"""Reads about agencies, members and facilities; every function takes the asking user."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import F, QuerySet

from agencies.models import Agency, Facility, Membership, PersonnelAssignment
from portal.compiled_queries import CompiledQuery


def agencies_visible_to(*, user: User | AnonymousUser) -> QuerySet[Agency]:
    """The agency directory: every signed-in user sees every agency's public card."""
    if not user.is_authenticated:
        return Agency.objects.none()
    return Agency.objects.all()


def memberships_of_agency(*, agency: Agency) -> QuerySet[Membership]:
    """An agency's members with their users, for the members list."""
    return Membership.objects.filter(agency=agency).select_related("user", "agency")


def facilities_visible_to(*, user: User | AnonymousUser) -> QuerySet[Facility]:
    """Buildings are a shared directory: every signed-in user may see them."""
    if not user.is_authenticated:
        return Facility.objects.none()
    return Facility.objects.select_related("owner_agency")


# The rule above for any signed-in user (it does not depend on who), compiled once per process.
_SIGNED_IN = User(pk=-1)
_FACILITY = CompiledQuery(
    lambda facility_id: facilities_visible_to(user=_SIGNED_IN).filter(pk=facility_id).order_by(), "facility_id"
)


def facility_visible(*, user: User | AnonymousUser, facility_id: int) -> Facility | None:
    """The building with its owner agency, as `facilities_visible_to(user=user).get(pk=facility_id)` finds it, or
    None: by SQL compiled once per process."""
    if not user.is_authenticated:
        return None
    found = _FACILITY(facility_id=facility_id)
    return found[0] if found else None


def assignments_at_facility(*, facility: Facility) -> QuerySet[PersonnelAssignment]:
    """Who is and was assigned to a building (its School Resource Officers and others), current ones first."""
    return (
        PersonnelAssignment.objects.filter(facility=facility)
        .select_related("user", "agency")
        .order_by(F("ended_on").desc(nulls_first=True), "-started_on", "pk")
    )


_ASSIGNMENTS = CompiledQuery(
    lambda facility_id: assignments_at_facility(facility=Facility(pk=facility_id)), "facility_id"
)


def assignments_at_facility_list(*, facility: Facility) -> list[PersonnelAssignment]:
    """`list(assignments_at_facility(facility=facility))`, by SQL compiled once per process."""
    return _ASSIGNMENTS(facility_id=facility.pk)


def my_buildings(*, user: User | AnonymousUser) -> QuerySet[Facility]:
    """The buildings the person is currently assigned to (an SRO's schools), for their dashboard and directory."""
    if not user.is_authenticated:
        return Facility.objects.none()
    current = PersonnelAssignment.objects.filter(user=user, ended_on__isnull=True)
    return (
        Facility.objects.filter(pk__in=current.values("facility_id"))
        .select_related("owner_agency")
        .order_by("name", "pk")
    )

"""Who may see and keep what an agency records about a building: its contacts and who is assigned to it.

"The agencies that see the building's plans" are its owner and every agency granted view on a plan covering
it (grants only, as alerts go: a public plan does not make every agency a partner of the building).
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, Q, QuerySet

from access.agencies import EDITOR_ROLES, can_assign_people_of, can_edit_facilities_of
from access.grants import VIEW
from agencies.models import Agency, Facility, FacilityContact, Membership, Role
from plans.models import PlanGroupObjectPermission

Actor = User | AnonymousUser


def agencies_seeing_facility_plans(*, facility_id: int) -> QuerySet:
    """Ids of the building's owner and of the agencies granted view on a plan covering it (a subquery)."""
    granted_groups = PlanGroupObjectPermission.objects.filter(
        permission__codename=VIEW,
        permission__content_type__app_label="plans",
        content_object__facilities__id=facility_id,
    ).values("group_id")
    return (
        Agency.objects.filter(Q(facilities__id=facility_id) | Q(group_id__in=granted_groups))
        .order_by()
        .values("id")
        .distinct()
    )


def can_see_facility_contacts(user: Actor, facility: Facility) -> bool:
    """Staff and the people of the agencies that see the building's plans read its contacts (one query)."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(
        user=user, agency_id__in=agencies_seeing_facility_plans(facility_id=facility.pk)
    ).exists()


def facility_contacts_visible(*, user: Actor, facility: Facility) -> QuerySet[FacilityContact]:
    """The building's contacts in calling order, or none for someone who may not see them: one query either way
    (the page's query count does not depend on who asks)."""
    contacts = FacilityContact.objects.filter(facility=facility).order_by("position", "pk")
    if not user.is_authenticated:
        return contacts.none()
    if user.is_staff:
        return contacts
    member = Membership.objects.filter(user=user, agency_id__in=agencies_seeing_facility_plans(facility_id=facility.pk))
    return contacts.filter(Exists(member))


def can_edit_facility_contacts(user: Actor, facility: Facility, *, roles: dict[int, str] | None = None) -> bool:
    """The owner agency keeps the building's contacts: its admins and planners (and staff), as its details.
    `roles` is the person's `agency_roles`, when the caller has already read them."""
    if roles is None:
        return can_edit_facilities_of(user, facility.owner_agency_id)
    return bool(user.is_authenticated and (user.is_staff or roles.get(facility.owner_agency_id) in EDITOR_ROLES))


def agencies_assigning_ids(user: Actor, roles: dict[int, str]) -> set[int]:
    """Of the person's agencies (`roles`: their `agency_roles`), those whose people they may assign to buildings."""
    return {agency_id for agency_id, role in roles.items() if role == Role.ADMIN} if user.is_authenticated else set()


def can_assign_people_to_facility(user: Actor, agency_id: int) -> bool:
    """An agency's admins (and staff) assign its people to buildings and end those assignments."""
    return can_assign_people_of(user, agency_id)


def agencies_assigning_people(user: Actor) -> QuerySet[Agency]:
    """The agencies whose people this person may assign to buildings: those they administer (staff: all)."""
    if not user.is_authenticated:
        return Agency.objects.none()
    if user.is_staff:
        return Agency.objects.order_by("name")
    return Agency.objects.filter(memberships__user=user, memberships__role=Role.ADMIN).order_by("name")

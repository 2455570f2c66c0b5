"""Who sees and keeps drill requirements, and who sees a building's drill status (issue 17, item 5).

A state's requirement set (no owner agency; loaded by a platform operator) is the law, read by everyone signed
in and changed by operators only. An agency's own set is read by its members (and operators) and changed by its
admins; anyone else is answered 404. A building's sets are assigned and taken off by the building owner's admins
(and operators), from the sets that agency reads. A building's drill status — the drills done, scheduled and
due — is its owner agency's business: its members see it (operators and other agencies: 404), counted from the
exercises that agency leads or takes part in, so it reveals no exercise the reader could not see.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from access.agencies import agency_roles
from agencies.models import Facility, Role
from exercises.models import RequirementSet

Actor = User | AnonymousUser


def requirement_sets_visible_to(*, user: Actor) -> QuerySet[RequirementSet]:
    """The states' sets, and the own sets of the person's agencies (all of them, for an operator)."""
    if not user.is_authenticated:
        return RequirementSet.objects.none()
    if user.is_staff:
        return RequirementSet.objects.all()
    mine = list(agency_roles(user=user))
    return RequirementSet.objects.filter(Q(owner_agency__isnull=True) | Q(owner_agency_id__in=mine))


def requirement_sets_readable_by_agency(*, agency_id: int) -> QuerySet[RequirementSet]:
    """The sets a building of this agency may be assigned: the states' and the agency's own."""
    return RequirementSet.objects.filter(Q(owner_agency__isnull=True) | Q(owner_agency_id=agency_id))


def can_edit_requirement_set(user: Actor, requirement_set: RequirementSet) -> bool:
    """Operators change the states' sets; an agency's admins change its own."""
    if not user.is_authenticated:
        return False
    if requirement_set.owner_agency_id is None:
        return user.is_staff
    return user.is_staff or agency_roles(user=user).get(requirement_set.owner_agency_id) == Role.ADMIN


def requirement_set_owners(*, user: Actor) -> list[int]:
    """The agencies the person may create a set for (their admin agencies); operators also create states' sets."""
    return sorted(agency for agency, role in agency_roles(user=user).items() if role == Role.ADMIN)


def can_create_state_set(user: Actor) -> bool:
    return bool(user.is_authenticated and user.is_staff)


def can_assign_requirements(user: Actor, facility: Facility, *, roles: dict[int, str] | None = None) -> bool:
    """The building owner's admins (and operators) choose which sets apply to it."""
    if not user.is_authenticated:
        return False
    roles = agency_roles(user=user) if roles is None else roles
    return user.is_staff or roles.get(facility.owner_agency_id) == Role.ADMIN


def can_see_drill_status(user: Actor, facility: Facility, *, roles: dict[int, str] | None = None) -> bool:
    """The building owner's members see its drill status (what is due, what is behind)."""
    return facility.owner_agency_id in (agency_roles(user=user) if roles is None else roles)


def can_see_agency_drills(user: Actor, agency_id: int) -> bool:
    """An agency's members see the drill status of all its buildings."""
    return agency_id in agency_roles(user=user)

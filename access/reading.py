"""Who may set an agency's required reading and who may see whether its people have read.

Required reading is an agency's business with its own people: only that agency's admins and liaisons
set it and see everyone's state; a group's supervisors see their groups' people; nobody outside the
agency (not a plan's owner, not another partner) sees its per-person detail.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from access.agencies import agency_roles
from agencies.models import Role
from reading.models import ReadingGroupMember

Actor = User | AnonymousUser

READING_MANAGER_ROLES = frozenset({Role.ADMIN, Role.LIAISON})


def can_manage_reading_of(user: Actor, agency_id: int, *, roles: dict[int, str] | None = None) -> bool:
    """An agency's admins and liaisons set its groups and requirements and see all its people's reading."""
    if not user.is_authenticated:
        return False
    return (agency_roles(user=user) if roles is None else roles).get(agency_id) in READING_MANAGER_ROLES


def supervised_group_ids(user: Actor, agency_id: int) -> set[int]:
    """The agency's groups this person supervises (they see those people's reading, nobody else's)."""
    if not user.is_authenticated:
        return set()
    return set(
        ReadingGroupMember.objects.filter(
            user=user, is_supervisor=True, group__agency_id=agency_id, user__memberships__agency_id=agency_id
        ).values_list("group_id", flat=True)
    )


def reading_compliance_scope(user: Actor, agency_id: int) -> tuple[bool, set[int]] | None:
    """What of an agency's reading the person may see: (everyone?, supervised groups), or None for nothing.

    None means a 404 for a person outside the agency, and a 403 for a member who is neither a manager
    nor a supervisor (`reading_compliance_refusal`).
    """
    roles = agency_roles(user=user)
    if agency_id not in roles:
        return None
    if can_manage_reading_of(user, agency_id, roles=roles):
        return (True, set())
    groups = supervised_group_ids(user, agency_id)
    return (False, groups) if groups else None


def reading_compliance_refusal(user: Actor, agency_id: int) -> int | None:
    """404 outside the agency, 403 for a member who neither manages reading nor supervises a group."""
    roles = agency_roles(user=user)
    if agency_id not in roles:
        return 404
    if reading_compliance_scope(user, agency_id) is None:
        return 403
    return None


def reading_supervisor_ids(*, agency_id: int) -> QuerySet:
    """Ids of the people who supervise one of the agency's groups (a subquery): who escalations go to."""
    return (
        ReadingGroupMember.objects.filter(is_supervisor=True, group__agency_id=agency_id, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )

"""What a person may do with an agency, its members and its buildings: their role there (read fresh, so
a role change applies at once), and platform staff for the directory's upkeep."""

from django.contrib.auth.models import AnonymousUser, User

from agencies.models import Membership, Role
from portal.compiled_queries import CompiledQuery

EDITOR_ROLES = frozenset({Role.ADMIN, Role.PLANNER})

Actor = User | AnonymousUser


# One row per agency (unique), so no ordering: the default one would join the agency and the user. Compiled once
# per process: most pages ask.
_ROLES = CompiledQuery(
    lambda user_id: Membership.objects.filter(user_id=user_id).order_by().values_list("agency_id", "role"), "user_id"
)


def agency_roles(*, user: Actor) -> dict[int, str]:
    """The user's role in each agency they belong to."""
    if not user.is_authenticated:
        return {}
    return dict(_ROLES(user_id=user.pk))


def is_agency_member(user: Actor, agency_id: int) -> bool:
    return agency_id in agency_roles(user=user)


def has_agency_role(user: Actor, agency_id: int, roles: frozenset[str] | set[str]) -> bool:
    return agency_roles(user=user).get(agency_id) in roles


def can_manage_agency(user: Actor, agency_id: int) -> bool:
    """Agency admins and platform staff manage an agency's card, members and webhooks."""
    return bool(user.is_authenticated and (user.is_staff or has_agency_role(user, agency_id, {Role.ADMIN})))


def can_edit_facilities_of(user: Actor, agency_id: int) -> bool:
    """Admins and planners of the owner agency (and staff) edit its buildings."""
    return bool(user.is_authenticated and (user.is_staff or has_agency_role(user, agency_id, EDITOR_ROLES)))


def can_assign_people_of(user: Actor, agency_id: int) -> bool:
    """An agency's admins (and staff) assign its people to buildings, as they manage its members."""
    return can_manage_agency(user, agency_id)


def can_create_plans_for(user: Actor, agency_id: int) -> bool:
    """Admins and planners of an agency create its plans."""
    return has_agency_role(user, agency_id, EDITOR_ROLES)


def is_admin_anywhere(user: Actor) -> bool:
    return Role.ADMIN in agency_roles(user=user).values()


def can_create_agencies(user: Actor) -> bool:
    """Platform operators register agencies (each gets its own group for grants)."""
    return bool(user.is_authenticated and user.is_staff)


def can_create_staff_accounts(user: Actor) -> bool:
    """Only a platform operator makes another platform operator."""
    return bool(user.is_authenticated and user.is_staff)


def can_create_users(user: Actor) -> bool:
    """Platform operators and agency admins create accounts (admins then add them to their agency)."""
    return bool(user.is_authenticated and (user.is_staff or is_admin_anywhere(user)))


def can_read_audit_of(user: Actor, agency_id: int, *, roles: dict[int, str] | None = None) -> bool:
    """Only an agency's own admins read its audit trail (platform staff read the whole trail in the admin).

    `roles` is the person's `agency_roles`, when the caller has already read them.
    """
    if not user.is_authenticated:
        return False
    return (agency_roles(user=user) if roles is None else roles).get(agency_id) == Role.ADMIN


def audit_trail_refusal(user: Actor, agency_id: int) -> int | None:
    """Why a person may not read an agency's audit trail: 404 outside the agency, 403 for a non-admin member."""
    roles = agency_roles(user=user)
    if agency_id not in roles:
        return 404
    return None if can_read_audit_of(user, agency_id, roles=roles) else 403


def can_see_agency_settings(user: Actor, agency_id: int) -> bool:
    """An agency's own settings (its single sign-on) exist for its members and staff; for anyone else a 404."""
    return bool(user.is_authenticated and (user.is_staff or is_agency_member(user, agency_id)))

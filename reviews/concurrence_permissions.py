"""Who may record and who may read partner concurrence, from the plan's two permission layers (no extra query)."""

from agencies.models import Role
from plans.permissions import VIEW, PlanAccess

# A partner agency speaks formally through its admins and liaisons.
CONCURRING_ROLES = frozenset({Role.ADMIN, Role.LIAISON})


def partner_agencies_of(access: PlanAccess) -> list[int]:
    """The user's agencies, other than the owner, that the plan is shared with (any level)."""
    return sorted(
        agency_id
        for agency_id in access.roles
        if agency_id != access.plan.owner_agency_id and VIEW in access.agency_permissions.get(agency_id, ())
    )


def agencies_concurring(access: PlanAccess) -> list[int]:
    """Partner agencies the user may record concurrence for: admin or liaison there, and the plan is shared."""
    return [agency_id for agency_id in partner_agencies_of(access) if access.roles[agency_id] in CONCURRING_ROLES]


def can_read_all_concurrence(access: PlanAccess) -> bool:
    """The owner agency's members see every partner's concurrence and the full record."""
    return access.is_owner_member

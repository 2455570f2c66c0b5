"""Who may read, post and resolve review comments, on top of plans.permissions.PlanAccess.

Reading: members of the owner agency and of agencies the plan is shared with (any level); someone who sees
a plan only because it is public sees no comments, since partner remarks are not public.
Posting: any member of the owner agency; admins and liaisons of a partner whose share level is `comment`.
Change requests: only partners (never the owner). Resolving: the owner's admins and planners.
"""

from agencies.models import Role
from plans.permissions import COMMENT, VIEW, PlanAccess

PARTNER_COMMENT_ROLES = frozenset({Role.ADMIN, Role.LIAISON})


def can_read_comments(access: PlanAccess) -> bool:
    """The owner's members and the members of agencies the plan is shared with."""
    return access.is_owner_member or any(VIEW in perms for perms in access.agency_permissions.values())


def comment_agency_id(access: PlanAccess) -> int | None:
    """The agency the user speaks for when commenting: the owner if a member, else a partner with `comment`."""
    if access.is_owner_member:
        return access.plan.owner_agency_id
    speaking = sorted(
        agency_id
        for agency_id, role in access.roles.items()
        if role in PARTNER_COMMENT_ROLES and COMMENT in access.agency_permissions.get(agency_id, ())
    )
    return speaking[0] if speaking else None


def can_comment(access: PlanAccess) -> bool:
    return comment_agency_id(access) is not None


def can_request_changes(access: PlanAccess) -> bool:
    """Only a partner asks the owner for a change; the owner simply edits its draft."""
    return not access.is_owner_member and can_comment(access)


def can_resolve(access: PlanAccess) -> bool:
    return access.can_edit

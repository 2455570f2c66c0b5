"""Who may set an agency's required reading and who may see whether its people have read.

Required reading is an agency's business with its own people: only that agency's admins and liaisons
set it and see everyone's state; a group's supervisors see their groups' people; nobody outside the
agency (not a plan's owner, not another partner) sees its per-person detail.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from access.agencies import agency_roles
from access.audience import agency_may_view
from access.grants import VIEW
from access.plans import PlanAccess, visible_plan_filter
from agencies.models import Role
from plans.models import Classification, Plan, PlanGroupObjectPermission
from reading.models import ReadingGroupMember, ReadingObligation

Actor = User | AnonymousUser

READING_MANAGER_ROLES = frozenset({Role.ADMIN, Role.LIAISON})


def _through(condition: Q, relation: str) -> Q:
    """The same condition with each lookup taken through `relation` (`title` becomes `plan__title`)."""
    children: list[Any] = []
    for child in condition.children:
        if isinstance(child, Q):
            children.append(_through(child, relation))
        else:
            lookup, value = child  # type: ignore[misc]  # a Q's leaves are (lookup, value) pairs
            children.append((f"{relation}__{lookup}", value))
    return Q(*children, _connector=condition.connector, _negated=condition.negated)


def visible_plan_filter_through(*, user: Actor, relation: str) -> Q:
    """`access.plans.visible_plan_filter` on the plan a row names by `relation` (a foreign key to Plan): the
    rule tested on the plan row the query already joins, rather than by looking each plan up a second time."""
    return _through(visible_plan_filter(user=user), relation)


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


def reading_compliance_scope(
    user: Actor, agency_id: int, *, roles: dict[int, str] | None = None
) -> tuple[bool, set[int]] | None:
    """What of an agency's reading the person may see: (everyone?, supervised groups), or None for nothing.

    None means a 404 for a person outside the agency, and a 403 for a member who is neither a manager
    nor a supervisor (`reading_compliance_refusal`). `roles` is the person's `agency_roles`, when the caller has
    already read them (fresh, in this request).
    """
    if roles is None:
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


def can_see_reading_compliance(user: Actor, agency_id: int, *, roles: dict[int, str] | None = None) -> bool:
    """Whether the agency page offers the compliance view: its managers, and its groups' supervisors."""
    if not user.is_authenticated:
        return False
    roles = agency_roles(user=user) if roles is None else roles
    if agency_id not in roles:
        return False
    return can_manage_reading_of(user, agency_id, roles=roles) or bool(supervised_group_ids(user, agency_id))


def reading_evidence_refusal(user: Actor, agency_id: int) -> int | None:
    """The evidence export is the agency's record: its admins and liaisons only (supervisors see their groups on
    the compliance pages, but do not take the agency's record out). 404 outside the agency, 403 for other members.
    """
    return reading_manage_refusal(user, agency_id)


def reading_manage_refusal(user: Actor, agency_id: int) -> int | None:
    """404 outside the agency (its reading is not theirs to know about), 403 for a member who does not manage it."""
    roles = agency_roles(user=user)
    if agency_id not in roles:
        return 404
    return None if can_manage_reading_of(user, agency_id, roles=roles) else 403


def plans_agency_may_require(*, agency_id: int) -> QuerySet[Plan]:
    """The plans an agency may require its people to read: those its people may read (its own, partners' plans
    shared with it, public ones) — the rule `reading.sync` applies, as one queryset for a picker."""
    granted = PlanGroupObjectPermission.objects.filter(
        permission__codename=VIEW, permission__content_type__app_label="plans", group__agency__id=agency_id
    ).values("content_object_id")
    return Plan.objects.filter(Q(pk__in=granted) | Q(classification=Classification.PUBLIC))


def agency_may_require_plan(*, agency_id: int, plan_id: int) -> bool:
    """Whether the agency's people may read the plan, so that it may require them to."""
    return agency_may_view(plan_id=plan_id, agency_id=agency_id)


def acknowledgement_asked(*, user: Actor, access: PlanAccess) -> bool:
    """Whether the plan's pages ask this person to acknowledge its current version: every reader outside the
    owner agency, and inside it only someone required to read the plan (the owner set a requirement for its
    own people, or another of their agencies did)."""
    if not user.is_authenticated or not access.can_view:
        return False
    if not access.is_owner_member:
        return True
    return ReadingObligation.objects.filter(user=user, plan_id=access.plan.pk).exists()


def reading_supervisor_ids(*, agency_id: int) -> QuerySet:
    """Ids of the people who supervise one of the agency's groups (a subquery): who escalations go to."""
    return (
        ReadingGroupMember.objects.filter(is_supervisor=True, group__agency_id=agency_id, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )

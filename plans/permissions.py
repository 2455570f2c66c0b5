"""The two permission layers for plans: the agency's guardian grants on the plan, and the member's role.

This module is the only caller of guardian's assign_perm / remove_perm.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Permission
from django.db import connection
from django.db.models import QuerySet, Subquery
from guardian.shortcuts import assign_perm, remove_perm
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from agencies.models import Agency, Role
from plans.models import Classification, Plan, PlanGroupObjectPermission, ShareLevel

VIEW = "view_plan"
COMMENT = "comment_plan"
OWNER_PERMISSIONS = ("view_plan", "change_plan", "delete_plan", "comment_plan")
PARTNER_PERMISSIONS = {ShareLevel.VIEW: (VIEW,), ShareLevel.COMMENT: (VIEW, COMMENT)}
ALL_PARTNER_PERMISSIONS = (VIEW, COMMENT)

EDITOR_ROLES = frozenset({Role.ADMIN, Role.PLANNER})
DRAFT_READER_ROLES = frozenset({Role.ADMIN, Role.PLANNER, Role.LIAISON})
AGENCY_ACK_ROLES = frozenset({Role.ADMIN, Role.LIAISON})


def grant_owner(*, plan: Plan) -> None:
    """The owner agency's group holds every permission on its plan."""
    for codename in OWNER_PERMISSIONS:
        assign_perm(codename, plan.owner_agency.group, plan)


def grant_share(*, plan: Plan, agency: Agency, level: str) -> None:
    """Give a partner agency exactly the permissions of a share level (replacing any other level)."""
    wanted = set(PARTNER_PERMISSIONS[ShareLevel(level)])
    for codename in ALL_PARTNER_PERMISSIONS:
        if codename in wanted:
            assign_perm(codename, agency.group, plan)
        else:
            remove_perm(codename, agency.group, plan)


def revoke_share(*, plan: Plan, agency: Agency) -> None:
    """Take every permission on the plan away from a partner agency."""
    PlanGroupObjectPermission.objects.filter(content_object=plan, group=agency.group).delete()


def plan_ids_granted_to(*, user: AbstractBaseUser | AnonymousUser, codename: str = VIEW) -> QuerySet:
    """One subquery: ids of plans on which any of the user's agencies holds `codename`."""
    # The permission is a scalar subquery and the groups come straight from the user's agencies, so the
    # grants are one index range per agency and PostgreSQL plans a 3-table join instead of a 6-table one
    # (half the planning time of every visibility query; docs/benchmarks.md).
    permission = Permission.objects.filter(
        codename=codename, content_type__app_label="plans", content_type__model="plan"
    ).values("id")[:1]
    groups = Agency.objects.filter(memberships__user=user).values("group_id")
    return PlanGroupObjectPermission.objects.filter(permission_id=Subquery(permission), group_id__in=groups).values(
        "content_object_id"
    )


def plan_view_grants(*, plan_ids: Iterable[int], agency_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(plan, agency) pairs among these where the agency holds `view_plan` on the plan (one query).

    Grants only: a public plan is readable by everyone signed in whether or not it is granted.
    """
    plan_ids, agency_ids = set(plan_ids), set(agency_ids)
    if not plan_ids or not agency_ids:
        return set()
    return set(
        PlanGroupObjectPermission.objects.filter(
            content_object_id__in=plan_ids,
            permission__codename=VIEW,
            permission__content_type__app_label="plans",
            group__agency__id__in=agency_ids,
        ).values_list("content_object_id", "group__agency__id")
    )


@dataclass(frozen=True)
class PlanAccess:
    """What one user may do with one plan, from both layers, computed in one query."""

    plan: Plan
    roles: dict[int, str]
    agency_permissions: dict[int, frozenset[str]] = field(default_factory=dict)

    @property
    def owner_role(self) -> str | None:
        return self.roles.get(self.plan.owner_agency_id)

    @property
    def is_owner_member(self) -> bool:
        return self.owner_role is not None

    @property
    def can_view(self) -> bool:
        return self.plan.classification == Classification.PUBLIC or any(
            VIEW in perms for perms in self.agency_permissions.values()
        )

    @property
    def can_see_drafts(self) -> bool:
        return self.owner_role in DRAFT_READER_ROLES

    @property
    def can_edit(self) -> bool:
        return self.owner_role in EDITOR_ROLES

    @property
    def is_owner_admin(self) -> bool:
        return self.owner_role == Role.ADMIN

    def agencies_acknowledging(self) -> list[int]:
        """Agencies this user may acknowledge for: admin or liaison there, and the agency may view."""
        public = self.plan.classification == Classification.PUBLIC
        return sorted(
            agency_id
            for agency_id, role in self.roles.items()
            if role in AGENCY_ACK_ROLES and (public or VIEW in self.agency_permissions.get(agency_id, ()))
        )


# Each of the user's memberships with its agency's grants on one plan: a row per membership and permission,
# or one with no permission. Plain SQL: the same join through the ORM cost three times its database time.
_ACCESS_SQL = """
SELECT m.agency_id, m.role, p.codename
FROM agencies_membership m
JOIN agencies_agency a ON a.id = m.agency_id
LEFT JOIN plans_plangroupobjectpermission g ON g.group_id = a.group_id AND g.content_object_id = %s
LEFT JOIN auth_permission p ON p.id = g.permission_id
WHERE m.user_id = %s
"""


def plan_access(*, user: AbstractBaseUser | AnonymousUser, plan: Plan) -> PlanAccess:
    """Both permission layers for `user` on `plan`, in one query.

    Each of the user's memberships (read fresh, as agency_roles reads them), with its agency's grants on
    this plan alongside.
    """
    roles: dict[int, str] = {}
    grants: dict[int, set[str]] = {}
    if user.is_authenticated:
        with connection.cursor() as cursor:
            cursor.execute(_ACCESS_SQL, [plan.pk, user.pk])
            rows = cursor.fetchall()
        for agency_id, role, codename in rows:
            roles[agency_id] = role
            if codename is not None:
                grants.setdefault(agency_id, set()).add(codename)
    return PlanAccess(plan=plan, roles=roles, agency_permissions={k: frozenset(v) for k, v in grants.items()})


class _PlanAccessPermission(BasePermission):
    """Base for checks on a plan the view has already found visible (so refusals are 403)."""

    def has_object_permission(self, request: Request, view: APIView, obj: object) -> bool:
        plan = obj if isinstance(obj, Plan) else obj.plan  # type: ignore[attr-defined]
        return self.allowed(plan_access(user=request.user, plan=plan))

    def allowed(self, access: PlanAccess) -> bool:
        raise NotImplementedError


class CanEditPlan(_PlanAccessPermission):
    message = "Only admins and planners of the owner agency may change this plan."

    def allowed(self, access: PlanAccess) -> bool:
        return access.can_edit


class IsPlanOwnerAdmin(_PlanAccessPermission):
    message = "Only admins of the owner agency may do this."

    def allowed(self, access: PlanAccess) -> bool:
        return access.is_owner_admin


class IsPlanOwnerMember(_PlanAccessPermission):
    message = "Only members of the owner agency may see this."

    def allowed(self, access: PlanAccess) -> bool:
        return access.is_owner_member

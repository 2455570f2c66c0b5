"""What one person may do with one plan, and which plans a person may see.

Two layers must both allow an action: the agency's grant on the plan (`access.grants`) and the person's
role in that agency (`agencies.Membership.role`). `plan_access` reads both in one query; `PlanAccess`
answers every question about that plan from them without another query. `plans_visible_to` is the same
rule for many plans at once, as one subquery (tests/plans/test_visible_plan_rows.py and
tests/access/test_one_rule.py hold the forms equal for every kind of reader).
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, Permission, User
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from access.compiled import PersonSubquery
from access.grants import COMMENT, VIEW
from agencies.models import Agency, Role
from plans.models import Classification, Plan, PlanGroupObjectPermission, PlanVersion, VersionState

EDITOR_ROLES = frozenset({Role.ADMIN, Role.PLANNER})
DRAFT_READER_ROLES = frozenset({Role.ADMIN, Role.PLANNER, Role.LIAISON})
# A partner agency speaks formally (acknowledges for the agency, comments, concurs) through these roles.
AGENCY_ACK_ROLES = frozenset({Role.ADMIN, Role.LIAISON})
PARTNER_COMMENT_ROLES = AGENCY_ACK_ROLES
CONCURRING_ROLES = AGENCY_ACK_ROLES
# Versions that left draft: what every reader of a plan may read.
RELEASED_STATES = (VersionState.PUBLISHED, VersionState.SUPERSEDED, VersionState.WITHDRAWN)

Actor = User | AnonymousUser


# --- Many plans: which a person may see ---------------------------------------------------------


def granted_plan_ids(*, user: User, codename: str = VIEW) -> QuerySet:
    """One subquery: ids of plans on which any of the user's agencies holds `codename` (grants only)."""
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


def visible_plan_filter(*, user: Actor) -> Q:
    """The visibility rule as a filter on plans, for subqueries that cannot take a UNION (an Exists per row)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(classification=Classification.PUBLIC) | Q(id__in=_GRANTED_VIEW.bind(user=user))


def visible_plan_exists(*, user: Actor, plan_ref: str = "plan_id") -> Exists:
    """Per row of another table (alerts, ...): whether the user may see the plan its `plan_ref` column names."""
    return Exists(Plan.objects.filter(visible_plan_filter(user=user), pk=OuterRef(plan_ref)))


def visible_plan_ids(*, user: User) -> QuerySet:
    """Ids of the plans the user may see: their agencies' grants UNION public plans, as one subquery."""
    public = Plan.objects.filter(classification=Classification.PUBLIC).order_by().values("id")
    return granted_plan_ids(user=user).order_by().union(public)


# The ORM forms above, compiled once per process (access/compiled.py): `plans_visible_to` and
# `visible_plan_filter` bind the person's id into them instead of building and compiling them per call.
_GRANTED_VIEW = PersonSubquery(lambda user: granted_plan_ids(user=user))
_VISIBLE_IDS = PersonSubquery(lambda user: visible_plan_ids(user=user))


def plans_visible_to(*, user: Actor) -> QuerySet[Plan]:
    """Public plans plus those an agency of the user holds `view_plan` on, in one subquery."""
    if not user.is_authenticated:
        return Plan.objects.none()
    # One id subquery, grants UNION public ids: PostgreSQL starts from the user's grants and fetches plans
    # by primary key (`public OR id IN (…)` made it scan every plan). The search columns are large and
    # never shown, so they are not fetched (docs/benchmarks.md).
    return (
        Plan.objects.filter(id__in=_VISIBLE_IDS.bind(user=user))
        .select_related("owner_agency", "current_version")
        .prefetch_related("facilities")
        .defer("search_document", "search_vector")
    )


# --- One plan: what a person may do with it ------------------------------------------------------


@dataclass(frozen=True)
class PlanAccess:
    """What one user may do with one plan, from both layers, read in one query; every answer is pure."""

    plan: Plan
    roles: dict[int, str]
    agency_permissions: dict[int, frozenset[str]] = field(default_factory=dict)
    # Platform staff: no layer of the plan's grants, but what the admin site lets them do (`can_correct`).
    operator: bool = False

    # Membership of the owner agency.

    @property
    def owner_role(self) -> str | None:
        return self.roles.get(self.plan.owner_agency_id)

    @property
    def is_owner_member(self) -> bool:
        return self.owner_role is not None

    @property
    def is_owner_admin(self) -> bool:
        return self.owner_role == Role.ADMIN

    def _granted(self, agency_id: int, codename: str) -> bool:
        return codename in self.agency_permissions.get(agency_id, ())

    @property
    def _granted_anywhere(self) -> bool:
        return any(VIEW in perms for perms in self.agency_permissions.values())

    # Reading.

    @property
    def can_view(self) -> bool:
        """Published versions: anyone signed in for a public plan, else members of an agency granted view."""
        return self.plan.classification == Classification.PUBLIC or self._granted_anywhere

    @property
    def can_see_drafts(self) -> bool:
        return self.owner_role in DRAFT_READER_ROLES

    def can_read_version(self, version: PlanVersion) -> bool:
        """One version of this plan: released ones for every reader, drafts for those who may see drafts
        (`versions_visible`'s rule for a version already in hand)."""
        return (
            version.plan_id == self.plan.pk
            and self.can_view
            and (version.state in RELEASED_STATES or self.can_see_drafts)
        )

    @property
    def can_see_partners(self) -> bool:
        """Shares, acknowledgement status and the alert audience: the owner's members."""
        return self.is_owner_member

    # Writing (the owner's admins and planners write; its admins decide who reads).

    @property
    def can_edit(self) -> bool:
        """Change the plan's record, start and edit drafts, attach files, set key facts."""
        return self.owner_role in EDITOR_ROLES

    @property
    def can_publish(self) -> bool:
        return self.is_owner_admin

    @property
    def can_withdraw(self) -> bool:
        return self.is_owner_admin

    @property
    def can_mark_reviewed(self) -> bool:
        """Record that a periodic review changed nothing (restarts the review clock): who may publish."""
        return self.is_owner_admin

    @property
    def can_share(self) -> bool:
        """Share, change a share's level, revoke it."""
        return self.is_owner_admin

    @property
    def can_delete(self) -> bool:
        return self.is_owner_admin

    @property
    def can_change_classification(self) -> bool:
        """The classification decides who may read the plan: like sharing, only the owner's admins change it."""
        return self.is_owner_admin

    # Platform staff keep records right through the admin site (plans/admin.py): they correct a plan's
    # metadata and a draft's summary and sections, and may make a plan more restrictive. Nothing else: they
    # never create, publish, withdraw, share, delete or acknowledge, and web pages and the API ask `can_edit`.

    @property
    def can_correct(self) -> bool:
        """Change a plan's metadata or a draft's text: the owner's admins and planners, and platform staff."""
        return self.can_edit or self.operator

    def can_reclassify(self, *, lowers: bool) -> bool:
        """The owner's admins change the classification; platform staff may only raise it (fewer readers)."""
        return self.can_change_classification or (self.operator and not lowers)

    # Acknowledging.

    def agencies_acknowledging(self) -> list[int]:
        """Agencies this user may acknowledge for: admin or liaison there, and the agency may view. Never the
        owner: an agency does not acknowledge its own plan (its people read it through required reading)."""
        public = self.plan.classification == Classification.PUBLIC
        return sorted(
            agency_id
            for agency_id, role in self.roles.items()
            if role in AGENCY_ACK_ROLES
            and agency_id != self.plan.owner_agency_id
            and (public or self._granted(agency_id, VIEW))
        )

    def can_acknowledge_for_agency(self, agency_id: int) -> bool:
        return agency_id in self.agencies_acknowledging()

    # Review comments: partner remarks are not public, so a plan seen only because it is public shows none.

    @property
    def can_read_comments(self) -> bool:
        """The owner's members and the members of agencies the plan is shared with (any level)."""
        return self.is_owner_member or self._granted_anywhere

    @property
    def comment_agency_id(self) -> int | None:
        """The agency the user speaks for when commenting: the owner if a member, else a partner with `comment`."""
        if self.is_owner_member:
            return self.plan.owner_agency_id
        speaking = sorted(
            agency_id
            for agency_id, role in self.roles.items()
            if role in PARTNER_COMMENT_ROLES and self._granted(agency_id, COMMENT)
        )
        return speaking[0] if speaking else None

    @property
    def can_comment(self) -> bool:
        return self.comment_agency_id is not None

    @property
    def can_request_changes(self) -> bool:
        """Only a partner asks the owner for a change; the owner simply edits its draft."""
        return not self.is_owner_member and self.can_comment

    @property
    def can_resolve_comments(self) -> bool:
        return self.can_edit

    # Partner concurrence.

    def partner_agencies(self) -> list[int]:
        """The user's agencies, other than the owner, that the plan is shared with (any level)."""
        return sorted(
            agency_id
            for agency_id in self.roles
            if agency_id != self.plan.owner_agency_id and self._granted(agency_id, VIEW)
        )

    def agencies_concurring(self) -> list[int]:
        """Partner agencies the user may record concurrence for: admin or liaison there, and the plan is shared."""
        return [agency_id for agency_id in self.partner_agencies() if self.roles[agency_id] in CONCURRING_ROLES]

    @property
    def can_read_all_concurrence(self) -> bool:
        """The owner agency's members see every partner's concurrence and the full record."""
        return self.is_owner_member


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


def plan_access(*, user: Actor, plan: Plan) -> PlanAccess:
    """Both permission layers for `user` on `plan`, in one query.

    Each of the user's memberships (read fresh: a role change applies at once), with its agency's grants on
    this plan alongside.
    """
    roles: dict[int, str] = {}
    grants: dict[int, set[str]] = {}
    operator = bool(user.is_authenticated and user.is_staff)
    if user.is_authenticated:
        with connection.cursor() as cursor:
            cursor.execute(_ACCESS_SQL, [plan.pk, user.pk])
            rows = cursor.fetchall()
        for agency_id, role, codename in rows:
            roles[agency_id] = role
            if codename is not None:
                grants.setdefault(agency_id, set()).add(codename)
    return PlanAccess(
        plan=plan, roles=roles, agency_permissions={k: frozenset(v) for k, v in grants.items()}, operator=operator
    )


def versions_visible(*, access: PlanAccess) -> QuerySet[PlanVersion]:
    """Versions of a plan the user may read: drafts only for the owner's admins, planners and liaisons."""
    versions = PlanVersion.objects.filter(plan=access.plan).select_related("published_by", "created_by", "withdrawn_by")
    if not access.can_see_drafts:
        versions = versions.filter(state__in=RELEASED_STATES)
    return versions.order_by("number")

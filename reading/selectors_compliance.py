"""Who of an agency's people has read its required plans: per plan, per person, and one person's obligations.

Every read starts from `compliance_scope_for`, which answers 404/403 (access/reading.py) and says whose
obligations the person may see: everyone (the agency's admins and liaisons) or the people of the groups they
supervise. Counts are SQL aggregates, so a page costs the same few queries for five people or five thousand:
the unfiltered per-plan counts of a manager read `ReadingSummary` (a few rows per plan, kept by the database
with the obligations), every narrower view reads `ReadingObligation` (index `reading_oblig_agency_plan_idx`).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from access.plans import plans_visible_to
from access.reading import reading_compliance_refusal, reading_compliance_scope
from agencies.models import Agency, Membership, Role
from plans.models import Plan
from reading.models import ReadingGroup, ReadingGroupMember, ReadingObligation, ReadingRequirement, ReadingSummary

Actor = User | AnonymousUser


class State:
    """An obligation's state: read the current version, not yet due, or past its due date."""

    ACKNOWLEDGED = "acknowledged"
    DUE = "due"
    OVERDUE = "overdue"
    CHOICES = ((ACKNOWLEDGED, "Acknowledged"), (DUE, "Due"), (OVERDUE, "Overdue"))


# Sort keys a person may ask for ("-" reverses); each maps to the columns it orders by.
PLAN_SORTS = {
    "title": ("plan__title", "plan_id"),
    "overdue": ("-overdue", "plan__title", "plan_id"),
    "read": ("percent_read", "plan__title", "plan_id"),
}
PEOPLE_SORTS = {
    "name": ("user__last_name", "user__first_name", "user__username"),
    "overdue": ("-overdue", "oldest_overdue", "user__last_name", "user__first_name", "user__username"),
    "due": (F("next_due").asc(nulls_last=True), "user__last_name", "user__first_name", "user__username"),
}


@dataclass(frozen=True)
class ComplianceScope:
    """The agency, and whose obligations the person may see (everyone, or their supervised groups' people)."""

    agency: Agency
    everyone: bool
    group_ids: frozenset[int]


@dataclass(frozen=True)
class ComplianceFilters:
    """What a list is narrowed to (None: not narrowed) and how it is sorted."""

    group: int | None = None
    role: str | None = None
    state: str | None = None
    plan: int | None = None
    sort: str = ""


@dataclass
class PersonRow:
    """One person's reading in the agency (for one plan, when the list is filtered by plan)."""

    user_id: int
    username: str
    name: str
    role: str
    groups: list[str]
    required: int
    acknowledged: int
    overdue: int
    next_due: datetime | None
    acknowledged_at: datetime | None
    overdue_days: int
    state: str
    obligations: list[ReadingObligation] = field(default_factory=list)

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else ""


def compliance_scope_for(
    *, user: Actor, agency_id: int, memberships: list[Membership] | None = None
) -> ComplianceScope:
    """404 outside the agency, 403 for a member who neither manages its reading nor supervises a group.

    `memberships`: the person's memberships with their agencies, read fresh in this request
    (`agencies.active_agency.memberships_for`); access decides from their roles, and the agency is theirs, so
    neither the roles nor the agency is read again.
    """
    roles = None if memberships is None else {m.agency_id: m.role for m in memberships}
    scope = reading_compliance_scope(user, agency_id, roles=roles)
    if scope is None:
        if reading_compliance_refusal(user, agency_id) == 403:
            raise PermissionDenied("Only this agency's admins, liaisons and group supervisors see who has read.")
        raise Http404("No such agency.")
    everyone, groups = scope
    agency = next((m.agency for m in memberships or () if m.agency_id == agency_id), None)
    return ComplianceScope(
        agency=agency or get_object_or_404(Agency, pk=agency_id), everyone=everyone, group_ids=frozenset(groups)
    )


def scope_groups(*, scope: ComplianceScope) -> list[tuple[int, str]]:
    """The groups a person may filter by: all of the agency's for its managers, their own for supervisors."""
    groups = ReadingGroup.objects.filter(agency=scope.agency)
    if not scope.everyone:
        groups = groups.filter(pk__in=scope.group_ids)
    return list(groups.order_by("name", "pk").values_list("pk", "name"))


def _in_scope(scope: ComplianceScope) -> QuerySet[ReadingObligation]:
    obligations = ReadingObligation.objects.filter(agency_id=scope.agency.pk)
    if not scope.everyone:
        people = ReadingGroupMember.objects.filter(group_id__in=scope.group_ids).values("user_id")
        obligations = obligations.filter(user_id__in=people)
    return obligations


def _overdue(now: datetime) -> Q:
    return Q(acknowledged_at__isnull=True, due_at__lt=now)


def _filtered(scope: ComplianceScope, filters: ComplianceFilters) -> QuerySet[ReadingObligation]:
    """Group, role and plan narrow the rows; a group outside the person's scope narrows them to none."""
    obligations = _in_scope(scope).order_by()
    if filters.group is not None:
        obligations = obligations.filter(
            user_id__in=ReadingGroupMember.objects.filter(
                group_id=filters.group, group__agency_id=scope.agency.pk
            ).values("user_id")
        )
    if filters.role:
        obligations = obligations.filter(
            user_id__in=Membership.objects.filter(agency_id=scope.agency.pk, role=filters.role).values("user_id")
        )
    if filters.plan is not None:
        obligations = obligations.filter(plan_id=filters.plan)
    return obligations


def _counted(now: datetime) -> dict[str, object]:
    return {
        "required": Count("id"),
        "acknowledged": Count("id", filter=Q(acknowledged_at__isnull=False)),
        "overdue": Count("id", filter=_overdue(now)),
        "oldest_overdue": Min("due_at", filter=_overdue(now)),
        "next_due": Min("due_at", filter=Q(acknowledged_at__isnull=True)),
    }


def _having_state(rows: QuerySet, state: str | None) -> QuerySet:
    """A list filtered by state keeps the plans (or people) with someone (something) in that state; for
    `acknowledged`, those with everything read."""
    if state == State.OVERDUE:
        return rows.filter(overdue__gt=0)
    if state == State.DUE:
        return rows.filter(required__gt=F("acknowledged") + F("overdue"))
    if state == State.ACKNOWLEDGED:
        return rows.filter(acknowledged=F("required"))
    return rows


def _reversed(column: Any) -> Any:
    if isinstance(column, str):
        return column.removeprefix("-") if column.startswith("-") else f"-{column}"
    return F("next_due").desc(nulls_last=True)  # the one expression among the sorts


def _order(sorts: dict[str, tuple], sort: str, default: str) -> list:
    """The columns of a sort key; `-key` reverses every one of them (the id tiebreak too)."""
    key = sort.removeprefix("-")
    if key not in sorts:
        return list(sorts[default])
    return [_reversed(column) for column in sorts[key]] if sort.startswith("-") else list(sorts[key])


def _summed(now: datetime) -> dict[str, object]:
    """`_counted` over `ReadingSummary`: each row counts the people owing one version by one due date."""
    unread_overdue = Q(unread__gt=0, due_at__lt=now)
    return {
        "required": Sum("people"),
        "acknowledged": Sum(F("people") - F("unread")),
        "overdue": Coalesce(Sum("unread", filter=Q(due_at__lt=now)), 0),
        "oldest_overdue": Min("due_at", filter=unread_overdue),
        "next_due": Min("due_at", filter=Q(unread__gt=0)),
    }


def summarised(scope: ComplianceScope, filters: ComplianceFilters) -> bool:
    """The summary answers for the agency's whole people only (no group, role or supervisor's narrowing)."""
    whole = scope.everyone and filters.group is None and not filters.role and filters.plan is None
    return whole and connection.vendor == "postgresql"


def plan_counts_summed(*, agency_id: int, now: datetime) -> QuerySet:
    """Per plan, the counts of all the agency's people, from `ReadingSummary` (a few rows per plan)."""
    rows = ReadingSummary.objects.filter(agency_id=agency_id).order_by()
    return rows.values("plan_id", "plan__title", "version__number").annotate(**_summed(now))


def plan_counts_counted(*, scope: ComplianceScope, filters: ComplianceFilters, now: datetime) -> QuerySet:
    """Per plan, the counts of the people in the scope and filters, from every one of their obligations."""
    rows = _filtered(scope, filters)
    return rows.values("plan_id", "plan__title", "version__number").annotate(**_counted(now))


def plan_summaries(*, scope: ComplianceScope, filters: ComplianceFilters, now: datetime) -> QuerySet:
    """Per plan: required, acknowledged (the current version), overdue, due, and the longest overdue's due date."""
    if summarised(scope, filters):
        rows = plan_counts_summed(agency_id=scope.agency.pk, now=now)
    else:
        rows = plan_counts_counted(scope=scope, filters=filters, now=now)
    rows = rows.annotate(
        percent_read=ExpressionWrapper(F("acknowledged") * Value(100.0) / F("required"), output_field=FloatField())
    )
    return _having_state(rows, filters.state).order_by(*_order(PLAN_SORTS, filters.sort, "title"))


def people_summaries(*, scope: ComplianceScope, filters: ComplianceFilters, now: datetime) -> QuerySet:
    """Per person: how many plans they owe, have read and are overdue on, their next and oldest due dates."""
    rows = (
        _filtered(scope, filters)
        .values("user_id", "user__username", "user__first_name", "user__last_name")
        .annotate(**_counted(now), acknowledged_at=Max("acknowledged_at"))
    )
    return _having_state(rows, filters.state).order_by(*_order(PEOPLE_SORTS, filters.sort, "name"))


def _display_name(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def _state_of(required: int, acknowledged: int, overdue: int) -> str:
    if overdue:
        return State.OVERDUE
    return State.ACKNOWLEDGED if acknowledged == required else State.DUE


def days_overdue(due_at: datetime | None, now: datetime) -> int:
    """Whole days past the due date (0 when not past it)."""
    return max((now - due_at).days, 0) if due_at is not None and due_at < now else 0


def people_rows(*, scope: ComplianceScope, rows: list[dict], now: datetime) -> list[PersonRow]:
    """A page of `people_summaries` with each person's role and groups (two queries, whatever the page size)."""
    user_ids = [row["user_id"] for row in rows]
    roles = dict(
        Membership.objects.filter(agency_id=scope.agency.pk, user_id__in=user_ids)
        .order_by()
        .values_list("user_id", "role")
    )
    groups = groups_of(agency_id=scope.agency.pk, user_ids=user_ids)
    return [
        PersonRow(
            user_id=row["user_id"],
            username=row["user__username"],
            name=_display_name(row["user__first_name"], row["user__last_name"], row["user__username"]),
            role=roles.get(row["user_id"], ""),
            groups=groups.get(row["user_id"], []),
            required=row["required"],
            acknowledged=row["acknowledged"],
            overdue=row["overdue"],
            next_due=row["next_due"],
            acknowledged_at=row["acknowledged_at"],
            overdue_days=days_overdue(row["oldest_overdue"], now),
            state=_state_of(row["required"], row["acknowledged"], row["overdue"]),
        )
        for row in rows
    ]


def groups_of(*, agency_id: int, user_ids: list[int]) -> dict[int, list[str]]:
    """The names of the agency's groups each person is in."""
    names: dict[int, list[str]] = {}
    for user_id, name in (
        ReadingGroupMember.objects.filter(group__agency_id=agency_id, user_id__in=user_ids)
        .order_by("group__name")
        .values_list("user_id", "group__name")
    ):
        names.setdefault(user_id, []).append(name)
    return names


def required_plan(*, user: Actor, scope: ComplianceScope, plan_id: int) -> Plan:
    """A plan the agency requires its people to read and the person may see; 404 otherwise."""
    requiring = ReadingRequirement.objects.filter(agency_id=scope.agency.pk).values("plan_id")
    return get_object_or_404(
        plans_visible_to(user=user).select_related("current_version").filter(pk__in=requiring), pk=plan_id
    )


def plan_totals(*, scope: ComplianceScope, plan_id: int, now: datetime) -> dict[str, object]:
    """One plan's counts within the person's scope (the plan page's header)."""
    totals = _in_scope(scope).filter(plan_id=plan_id).aggregate(**_counted(now))
    required = int(totals["required"] or 0)
    acknowledged = int(totals["acknowledged"] or 0)
    overdue = int(totals["overdue"] or 0)
    return {
        **totals,
        "due": required - acknowledged - overdue,
        "percent_read": round(acknowledged * 100 / required) if required else 0,
        "longest_overdue_days": days_overdue(totals["oldest_overdue"], now),
    }


def compliance_person(*, scope: ComplianceScope, user_id: int, now: datetime) -> PersonRow:
    """One person of the agency (in the person's scope) and every obligation they have there; 404 otherwise."""
    membership = get_object_or_404(
        Membership.objects.select_related("user"), agency_id=scope.agency.pk, user_id=user_id
    )
    if (
        not scope.everyone
        and not ReadingGroupMember.objects.filter(group_id__in=scope.group_ids, user_id=user_id).exists()
    ):
        raise Http404("No such person in your groups.")
    obligations = list(
        ReadingObligation.objects.filter(agency_id=scope.agency.pk, user_id=user_id)
        .select_related("plan", "version")
        .order_by(Case(When(acknowledged_at__isnull=True, then=Value(0)), default=Value(1)), "due_at", "plan__title")
    )
    user = membership.user
    acknowledged = sum(1 for o in obligations if o.acknowledged_at is not None)
    overdue = [o for o in obligations if o.acknowledged_at is None and o.due_at < now]
    open_due = [o.due_at for o in obligations if o.acknowledged_at is None]
    return PersonRow(
        user_id=user.pk,
        username=user.get_username(),
        name=user.get_full_name() or user.get_username(),
        role=membership.role,
        groups=groups_of(agency_id=scope.agency.pk, user_ids=[user.pk]).get(user.pk, []),
        required=len(obligations),
        acknowledged=acknowledged,
        overdue=len(overdue),
        next_due=min(open_due) if open_due else None,
        acknowledged_at=max((o.acknowledged_at for o in obligations if o.acknowledged_at), default=None),
        overdue_days=days_overdue(min((o.due_at for o in overdue), default=None), now),
        state=_state_of(len(obligations), acknowledged, len(overdue)),
        obligations=obligations,
    )


def obligation_state(obligation: ReadingObligation, now: datetime) -> str:
    """The state of one obligation now."""
    if obligation.acknowledged_at is not None:
        return State.ACKNOWLEDGED
    return State.OVERDUE if obligation.due_at < now else State.DUE

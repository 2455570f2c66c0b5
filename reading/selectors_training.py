"""Reads of an agency's training: its sessions, its requirements, and who of its people is current.

"Current" on a plan: trained on the plan's current version, and (when the agency's requirements of the plan say
`refresh_months`, the strictest of them) no longer ago than that. Who must be trained is the audience of the
agency's `TrainingRequirement`s, resolved in SQL against the memberships and reading groups, so every page is
the same few queries for five people or five thousand. The per-person views use the reading compliance scope
(`compliance_scope_for`): the agency's admins and liaisons see everyone, a group's supervisors their groups.
"""

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Exists, F, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from access.training import trainable_versions, training_manage_refusal, training_read_refusal
from agencies.models import Agency, Membership
from plans.models import Plan, PlanVersion
from reading.models import Audience, ReadingGroupMember, TrainingRecord, TrainingRequirement, TrainingSession
from reading.selectors_compliance import ComplianceScope, groups_of

Actor = User | AnonymousUser


class TrainingState:
    CURRENT = "current"
    NOT_CURRENT = "not_current"
    CHOICES = ((CURRENT, "Current"), (NOT_CURRENT, "Not current"))


@dataclass(frozen=True)
class TrainingFilters:
    group: int | None = None
    role: str | None = None
    state: str | None = None
    plan: int | None = None


def _refuse(refusal: int | None, why: str) -> None:
    if refusal == 404:
        raise Http404("No such agency.")
    if refusal == 403:
        raise PermissionDenied(why)


def training_agency(*, user: Actor, agency_id: int) -> Agency:
    """The agency whose training the person reads: 404 unless they belong to it."""
    _refuse(training_read_refusal(user, agency_id), "")
    return get_object_or_404(Agency, pk=agency_id)


def training_managed_agency(*, user: Actor, agency_id: int) -> Agency:
    """The agency whose training the person records: 404 outside it, 403 unless its admin or liaison."""
    _refuse(training_manage_refusal(user, agency_id), "Only this agency's admins and liaisons record its training.")
    return get_object_or_404(Agency, pk=agency_id)


def sessions_of(*, agency: Agency) -> QuerySet[TrainingSession]:
    """The agency's sessions, newest first, with their trainer, versions and how many people they trained."""
    return (
        TrainingSession.objects.filter(agency=agency)
        .select_related("trainer", "exercise")
        .prefetch_related("plan_versions__plan")
        .annotate(trainee_count=Count("records__user", distinct=True))
        .order_by("-trained_on", "-pk")
    )


def session_of(*, agency: Agency, session_id: int) -> TrainingSession:
    return get_object_or_404(sessions_of(agency=agency), pk=session_id)


def session_trainees(*, session: TrainingSession) -> QuerySet[User]:
    """The people a session trained, by name."""
    trained = TrainingRecord.objects.filter(session=session).values("user_id")
    return User.objects.filter(pk__in=trained).order_by("last_name", "first_name", "username")


def requirements_of(*, agency: Agency) -> QuerySet[TrainingRequirement]:
    requirements = TrainingRequirement.objects.filter(agency=agency).select_related("plan", "group")
    return requirements.order_by("plan__title", "pk")


def requirement_of(*, agency: Agency, requirement_id: int) -> TrainingRequirement:
    return get_object_or_404(requirements_of(agency=agency), pk=requirement_id)


def trainable_versions_of(*, agency: Agency) -> QuerySet[PlanVersion]:
    """What the session form offers: released versions of the plans the agency's people may read."""
    return trainable_versions(agency_id=agency.pk).select_related("plan").order_by("plan__title", "-number")


def agency_people(*, agency: Agency) -> QuerySet[User]:
    """The agency's active people, by name: the trainers and trainees a session may name."""
    members = Membership.objects.filter(agency=agency).values("user_id")
    return User.objects.filter(pk__in=members, is_active=True).order_by("last_name", "first_name", "username")


# --- Who is current ---------------------------------------------------------------------------------------------


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _cutoffs(agency_id: int, today: date) -> Case | Value:
    """The earliest training date that still counts, per plan (the strictest refresh of its requirements)."""
    months = (
        TrainingRequirement.objects.filter(agency_id=agency_id, refresh_months__isnull=False)
        .order_by()
        .values("plan_id")
        .annotate(months=Min("refresh_months"))
    )
    whens = [When(plan_id=row["plan_id"], then=Value(months_before(today, row["months"]))) for row in months]
    return Case(*whens, default=Value(date.min)) if whens else Value(date.min)


def _matching_requirements(agency_id: int, user_ref: Any, role_ref: Any) -> QuerySet[TrainingRequirement]:
    """The agency's requirements whose audience includes the person of the outer row."""
    group_user = OuterRef(user_ref) if isinstance(user_ref, OuterRef) else user_ref  # one level further in
    in_group = ReadingGroupMember.objects.filter(group_id=OuterRef("group_id"), user_id=group_user)
    return TrainingRequirement.objects.filter(agency_id=agency_id).filter(
        Q(audience=Audience.EVERYONE)
        | Q(audience=Audience.ROLE, role=role_ref)
        | (Q(audience=Audience.GROUP) & Q(Exists(in_group)))
    )


def _current_record(agency_id: int, user_ref: Any, plan_ref: Any, version_ref: Any, cutoff: Any) -> Exists:
    return Exists(
        TrainingRecord.objects.filter(
            agency_id=agency_id, user_id=user_ref, plan_id=plan_ref, version_id=version_ref, trained_on__gte=cutoff
        )
    )


def _count(queryset: QuerySet, column: str) -> Coalesce:
    counted = queryset.order_by().values("agency_id").annotate(n=Count(column, distinct=True)).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def plan_rows(*, agency: Agency, today: date) -> list[dict]:
    """Per required plan: its current version, how many of the agency's people must be trained on it, how many are
    current (two queries, whatever the number of plans and people)."""
    cutoff = _cutoffs(agency.pk, today)
    required = TrainingRequirement.objects.filter(agency=agency).values("plan_id")
    people = Membership.objects.filter(agency=agency, user__is_active=True).filter(
        Exists(
            _matching_requirements(agency.pk, OuterRef("user_id"), OuterRef("role")).filter(
                plan_id=OuterRef(OuterRef("pk"))
            )
        )
    )
    current = people.filter(
        _current_record(
            agency.pk, OuterRef("user_id"), OuterRef(OuterRef("pk")), OuterRef(OuterRef("current_version_id")), cutoff
        )
    )
    rows = (
        Plan.objects.filter(pk__in=required)
        .annotate(required=_count(people, "user_id"), current=_count(current, "user_id"))
        .values("pk", "title", "current_version__number", "required", "current")
        .order_by("title", "pk")
    )
    return [{**row, "not_current": row["required"] - row["current"]} for row in rows]


def people_summaries(*, scope: ComplianceScope, filters: TrainingFilters, today: date) -> QuerySet:
    """Per person of the scope: how many plans they must be trained on and on how many they are current."""
    agency_id = scope.agency.pk
    cutoff = _cutoffs(agency_id, today)
    owed = _matching_requirements(agency_id, OuterRef("user_id"), OuterRef("role"))
    if filters.plan is not None:
        owed = owed.filter(plan_id=filters.plan)
    current = owed.filter(
        _current_record(
            agency_id, OuterRef(OuterRef("user_id")), OuterRef("plan_id"), OuterRef("plan__current_version_id"), cutoff
        )
    )
    people = Membership.objects.filter(agency_id=agency_id, user__is_active=True)
    if not scope.everyone:
        people = people.filter(
            user_id__in=ReadingGroupMember.objects.filter(group_id__in=scope.group_ids).values("user_id")
        )
    if filters.group is not None:
        people = people.filter(
            user_id__in=ReadingGroupMember.objects.filter(group_id=filters.group, group__agency_id=agency_id).values(
                "user_id"
            )
        )
    if filters.role:
        people = people.filter(role=filters.role)
    last = TrainingRecord.objects.filter(agency_id=agency_id, user_id=OuterRef("user_id")).order_by("-trained_on")
    rows = people.annotate(
        required=_count(owed, "plan_id"),
        current=_count(current, "plan_id"),
        last_trained=Subquery(last.values("trained_on")[:1]),
    ).filter(required__gt=0)
    if filters.state == TrainingState.CURRENT:
        rows = rows.filter(current=F("required"))
    elif filters.state == TrainingState.NOT_CURRENT:
        rows = rows.filter(current__lt=F("required"))
    columns = ("user_id", "role", "user__username", "user__first_name", "user__last_name")
    return rows.values(*columns, "required", "current", "last_trained").order_by(
        "user__last_name", "user__first_name", "user__username", "user_id"
    )


def people_rows(*, scope: ComplianceScope, rows: list[dict]) -> list[dict]:
    """A page of `people_summaries` with each person's name, groups and state (one more query)."""
    groups = groups_of(agency_id=scope.agency.pk, user_ids=[row["user_id"] for row in rows])
    return [
        {
            **row,
            "name": f"{row['user__first_name']} {row['user__last_name']}".strip() or row["user__username"],
            "groups": groups.get(row["user_id"], []),
            "state": TrainingState.CURRENT if row["current"] == row["required"] else TrainingState.NOT_CURRENT,
        }
        for row in rows
    ]


@dataclass
class PlanTraining:
    """One plan a person must be trained on: its current version, their latest training on it, whether current."""

    plan: Plan
    last_record: TrainingRecord | None
    current: bool


def person_training(
    *, scope: ComplianceScope, user_id: int, today: date
) -> tuple[Membership, list[PlanTraining], list[TrainingRecord]]:
    """One person of the scope: each plan they must be trained on and where they stand, and all their records."""
    membership = get_object_or_404(
        Membership.objects.select_related("user"), agency_id=scope.agency.pk, user_id=user_id
    )
    if (
        not scope.everyone
        and not ReadingGroupMember.objects.filter(group_id__in=scope.group_ids, user_id=user_id).exists()
    ):
        raise Http404("No such person in your groups.")
    owed = (
        _matching_requirements(scope.agency.pk, Value(user_id), Value(membership.role))
        .values("plan_id")
        .annotate(months=Min("refresh_months"))
    )
    strictest = {row["plan_id"]: row["months"] for row in owed.order_by()}
    plans = Plan.objects.filter(pk__in=list(strictest)).select_related("current_version").order_by("title")
    records = list(
        TrainingRecord.objects.filter(agency_id=scope.agency.pk, user_id=user_id)
        .select_related("version__plan", "session__trainer")
        .order_by("-trained_on", "-pk")
    )
    rows = []
    for plan in plans:
        months = strictest[plan.pk]
        cutoff = months_before(today, months) if months else date.min
        mine = [r for r in records if r.plan_id == plan.pk]
        current = any(r.version_id == plan.current_version_id and r.trained_on >= cutoff for r in mine)
        rows.append(PlanTraining(plan=plan, last_record=mine[0] if mine else None, current=current))
    return membership, rows, records

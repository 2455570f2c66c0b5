"""Reads of the exercise pages and API, always through the gate (access/exercises.py): a constant number of
queries per page, whatever the number of exercises, participants or findings."""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from access.agencies import agency_roles
from access.exercises import (
    Actor,
    can_edit_exercise,
    can_read_draft_report,
    corrective_actions_visible_to,
    exercises_visible_to,
    facility_choices,
    finding_plans,
    readable_plan_ids,
    recording_agencies,
    scheduling_agencies,
    takes_part,
    version_choices,
)
from agencies.models import Agency, Facility, Membership
from exercises.models import (
    ActionStatus,
    AfterActionReport,
    CorrectiveAction,
    Exercise,
    ExerciseParticipant,
    Finding,
    Observation,
)
from plans.models import PlanVersion, Section, VersionState


def exercises_listed(
    *, user: Actor, status: str = "", kind: str = "", agency_id: int | None = None
) -> QuerySet[Exercise]:
    """The exercises the person sees, soonest first, with what a list row shows (two queries)."""
    rows = exercises_visible_to(user=user).select_related("lead_agency").prefetch_related("facilities")
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if agency_id is not None:
        rows = rows.filter(participants__agency_id=agency_id)
    return rows.order_by("starts_at", "id")


def exercise_of(*, user: Actor, exercise_id: int) -> Exercise:
    """One exercise the person sees, else 404."""
    return get_object_or_404(exercises_visible_to(user=user).select_related("lead_agency"), pk=exercise_id)


@dataclass
class ExercisePage:
    """What the exercise page shows and offers to one person (a viewer's is trimmed: see access/exercises.py)."""

    exercise: Exercise
    participants: list[ExerciseParticipant]
    objectives: list
    observations: list[Observation]
    facilities: list[Facility]
    versions: list[PlanVersion]
    report: AfterActionReport | None
    findings: list[Finding]
    actions: list[CorrectiveAction]
    can_edit: bool
    recording_for: list[int] = field(default_factory=list)
    participating: bool = True


def exercise_page(*, user: Actor, exercise: Exercise) -> ExercisePage:
    """The exercise with its participants and attendance, objectives, observations, report and actions; the
    draft report only for the lead agency (a final one for every participant). A viewer gets when, where, who,
    the versions exercised and the final report's findings and actions on the plans they may read only."""
    participants = list(
        ExerciseParticipant.objects.filter(exercise=exercise)
        .select_related("agency")
        .prefetch_related("attendees")
        .order_by("agency__name")
    )
    ids = {p.agency_id for p in participants}
    roles = agency_roles(user=user)
    participating = takes_part(roles=roles, exercise=exercise, participant_ids=ids)
    report = AfterActionReport.objects.filter(exercise=exercise).first()
    if report is not None and not report.is_final and not can_read_draft_report(user, exercise):
        report = None
    findings = (
        list(report.findings.select_related("objective", "plan").order_by("objective__position", "kind", "id"))
        if report is not None
        else []
    )
    versions = list(exercise.plan_versions.select_related("plan"))
    actions = list(
        exercise.corrective_actions.select_related("owning_agency", "responsible", "plan", "closed_by_version")
    )
    # Participants too see nothing of a plan they may not read (a law-enforcement-sensitive plan exercised by
    # the police is not the fire department's to read about); findings and actions on no plan are theirs.
    readable = readable_plan_ids(
        user=user,
        plan_ids={v.plan_id for v in versions}
        | {f.plan_id for f in findings if f.plan_id}
        | {a.plan_id for a in actions if a.plan_id},
    )
    versions = [v for v in versions if v.plan_id in readable]
    findings = [f for f in findings if f.plan_id in readable or (participating and f.plan_id is None)]
    actions = [a for a in actions if a.plan_id in readable or (participating and a.plan_id is None)]
    return ExercisePage(
        exercise=exercise,
        participants=participants,
        objectives=list(exercise.objectives.all()) if participating else [],
        observations=list(exercise.observations.select_related("agency", "author", "objective"))
        if participating
        else [],
        facilities=list(exercise.facilities.all()),
        versions=versions,
        report=report,
        findings=findings,
        actions=actions,
        can_edit=participating and can_edit_exercise(user, exercise, roles=roles),
        recording_for=recording_agencies(user=user, exercise=exercise, participant_ids=ids) if participating else [],
        participating=participating,
    )


@dataclass(frozen=True)
class ScheduleChoices:
    """What the schedule form offers: the agencies the person leads for, their buildings, every agency, and
    the current versions of the plans the person reads."""

    leads: list[Agency]
    facilities: list[Facility]
    agencies: list[Agency]
    versions: list[PlanVersion]


def schedule_choices(*, user: Actor) -> ScheduleChoices:
    leads = list(Agency.objects.filter(pk__in=scheduling_agencies(user=user)).order_by("name"))
    facilities: dict[int, Facility] = {}
    for lead in leads:
        facilities.update((f.pk, f) for f in facility_choices(agency_id=lead.pk))
    versions = version_choices(user=user).filter(state=VersionState.PUBLISHED).order_by("plan__title")
    return ScheduleChoices(
        leads=leads,
        facilities=sorted(facilities.values(), key=lambda f: f.name),
        agencies=list(Agency.objects.order_by("name")),
        versions=list(versions),
    )


def agency_people(*, agency_ids: list[int]) -> list[User]:
    """The people of some agencies (attendance and responsible-person pickers)."""
    memberships = Membership.objects.filter(agency_id__in=agency_ids).select_related("user")
    return sorted({m.user for m in memberships}, key=lambda u: u.get_full_name() or u.username)


def actions_listed(*, user: Actor, agency_id: int | None = None, status: str = "") -> QuerySet[CorrectiveAction]:
    """The corrective actions the person sees, soonest due first (one query)."""
    rows = corrective_actions_visible_to(user=user).select_related("exercise", "owning_agency", "responsible", "plan")
    if agency_id is not None:
        rows = rows.filter(owning_agency_id=agency_id)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("due_on", "id")


def dashboard_open_actions(*, user: Actor, agency_id: int, limit: int) -> tuple[list[CorrectiveAction], int]:
    """The agency's open corrective actions for its dashboard panel (the first `limit`, and how many are
    overdue in all)."""
    rows = actions_listed(user=user, agency_id=agency_id, status=ActionStatus.OPEN)
    today = timezone.localdate()
    shown = list(rows[:limit])
    overdue = rows.filter(due_on__lt=today).count() if shown else 0
    for action in shown:
        action.overdue = action.due_on < today  # type: ignore[attr-defined]  # for the template
    return shown, overdue


def is_overdue(action: CorrectiveAction, today: date | None = None) -> bool:
    return action.is_open and action.due_on < (today or timezone.localdate())


def exercises_with_detail(*, user: Actor) -> QuerySet[Exercise]:
    """The exercises the person sees with everything the API shows of each (a fixed number of queries)."""
    return (
        exercises_visible_to(user=user)
        .select_related("lead_agency")
        .prefetch_related(
            "facilities",
            "plan_versions",
            "objectives",
            Prefetch(
                "participants",
                ExerciseParticipant.objects.select_related("agency")
                .prefetch_related("attendees")
                .order_by("agency_id"),
            ),
            "observations",
        )
        .order_by("starts_at", "id")
    )


@dataclass(frozen=True)
class ExerciseSight:
    """For some exercises: those the person takes part in, and the plans they may read among those exercised
    (the API representation keeps only those, for participants too)."""

    exercise_ids: set[int]
    participating: set[int]
    readable_plans: set[int]


def exercise_sight(*, user: Actor, exercises: list[Exercise]) -> ExerciseSight:
    """Two queries for any number of exercises (their participants and versions prefetched)."""
    roles = agency_roles(user=user)
    participating = {
        e.pk
        for e in exercises
        if takes_part(roles=roles, exercise=e, participant_ids={p.agency_id for p in e.participants.all()})
    }
    viewed_plans = {v.plan_id for e in exercises for v in e.plan_versions.all()}
    return ExerciseSight(
        exercise_ids={e.pk for e in exercises},
        participating=participating,
        readable_plans=readable_plan_ids(user=user, plan_ids=viewed_plans),
    )


@dataclass(frozen=True)
class ReportSeen:
    """The report as one person reads it: a viewer gets no summary and only findings on plans they may read."""

    report: AfterActionReport
    summary: str
    findings: list[Finding]


def report_seen(*, user: Actor, exercise: Exercise) -> ReportSeen | None:
    """The exercise's report as `exercise_page` shows it (None when the person may not read it)."""
    page = exercise_page(user=user, exercise=exercise)
    if page.report is None:
        return None
    return ReportSeen(
        report=page.report, summary=page.report.summary if page.participating else "", findings=page.findings
    )


def finding_sections(*, user: Actor, plan_id: int | None) -> list[tuple[str, str]]:
    """The (key, title) of the sections of the current version of a plan the report's writer may read, in order;
    none for any other plan (one query)."""
    if plan_id is None:
        return []
    current = finding_plans(user=user).filter(pk=plan_id).values("current_version_id")
    return list(Section.objects.filter(version_id__in=current).order_by("position").values_list("key", "title"))


def report_of(*, user: Actor, exercise: Exercise) -> AfterActionReport | None:
    """The exercise's report as the person may read it: final for every participant, a draft for the lead."""
    report = AfterActionReport.objects.filter(exercise=exercise).prefetch_related("findings").first()
    if report is not None and not report.is_final and not can_read_draft_report(user, exercise):
        return None
    return report

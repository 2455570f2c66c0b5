"""Who sees an exercise, its after-action report and its corrective actions, and who may change them.

An exercise is the business of the agencies taking part in it (its lead is always one of them): they see all of
it. An agency that holds a plan of the building where it happens (its own, or one shared with it; a public plan
is not enough, or every agency of the state would see every school's drills) sees it too, but only as far as
sensitivity allows (a "viewer"): when, what kind, where, who leads and who takes part, the plan versions
exercised that it may read, and of the final report only the findings and corrective actions on plans it may
read; nothing of a plan it may not read (a law-enforcement-sensitive one not shared with it), no free text
(description, objectives, observations, summary), no attendance, and it records nothing (403). Anyone else (an
agency that sees none of the building's plans, a platform operator) is answered 404, as if it did not exist.
The lead agency's admins and liaisons schedule and change it and write its report; each participating
agency's admins record their own attendance and observations. A draft report is the lead's own; a final one
is shared with every participant. The final report leaves as a PDF for participants; a draft one for the
lead's admins and liaisons, marked DRAFT. The writers of a plan see the open corrective actions on their plan
beside the section they concern, whether or not their agency took part.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from access.agencies import agency_roles
from access.plans import PlanAccess, granted_plan_ids, plans_visible_to
from access.reading import plans_agency_may_require
from agencies.models import Facility, Membership, Role
from exercises.models import (
    ActionStatus,
    AfterActionReport,
    CorrectiveAction,
    Exercise,
    ExerciseParticipant,
    ExerciseStatus,
)
from plans.models import Plan, PlanVersion, VersionState

Actor = User | AnonymousUser

LEAD_EDITOR_ROLES = frozenset({Role.ADMIN, Role.LIAISON})
RECORDER_ROLES = frozenset({Role.ADMIN})


def _my_agencies(user: User) -> QuerySet:
    return Membership.objects.filter(user=user).values("agency_id")


def exercises_taken_part_in(*, user: Actor) -> QuerySet:
    """Ids of the exercises the person's agencies lead or take part in (a one-column subquery)."""
    if not user.is_authenticated:
        return Exercise.objects.none().values("pk")
    mine = _my_agencies(user)
    taking_part = ExerciseParticipant.objects.filter(agency_id__in=mine).values("exercise_id")
    return Exercise.objects.filter(Q(lead_agency_id__in=mine) | Q(pk__in=taking_part)).values("pk")


def _at_buildings_of_held_plans(user: User) -> QuerySet:
    """Ids of the exercises at a building covered by a plan the person's agencies own or were shared."""
    buildings = Plan.facilities.through.objects.filter(plan_id__in=granted_plan_ids(user=user)).values("facility_id")
    return Exercise.facilities.through.objects.filter(facility_id__in=buildings).values("exercise_id")


def exercises_visible_to(*, user: Actor) -> QuerySet[Exercise]:
    """The exercises the person's agencies take part in, and those at buildings whose plans they hold (as
    viewers: see `takes_part`); one query, whatever their number."""
    if not user.is_authenticated:
        return Exercise.objects.none()
    return Exercise.objects.filter(
        Q(pk__in=exercises_taken_part_in(user=user)) | Q(pk__in=_at_buildings_of_held_plans(user))
    )


def takes_part(*, roles: dict[int, str], exercise: Exercise, participant_ids: set[int]) -> bool:
    """Whether the person (by their agencies' roles) is a participant, who sees all of the exercise, rather than
    a viewer who sees it only as far as sensitivity allows."""
    return exercise.lead_agency_id in roles or not participant_ids.isdisjoint(roles)


def readable_plan_ids(*, user: Actor, plan_ids: set[int]) -> set[int]:
    """Which of these plans the person may read (one query): a viewer sees findings, actions and versions
    exercised only on those."""
    if not plan_ids:
        return set()
    return set(plans_visible_to(user=user).filter(pk__in=plan_ids).values_list("pk", flat=True))


def scheduling_agencies(*, user: Actor) -> list[int]:
    """The agencies the person may schedule exercises for: where they are an admin or a liaison."""
    return sorted(agency for agency, role in agency_roles(user=user).items() if role in LEAD_EDITOR_ROLES)


def can_schedule_for(user: Actor, agency_id: int) -> bool:
    return agency_roles(user=user).get(agency_id) in LEAD_EDITOR_ROLES


def can_edit_exercise(user: Actor, exercise: Exercise, *, roles: dict[int, str] | None = None) -> bool:
    """The lead agency's admins and liaisons change the exercise, cancel it and write its report."""
    roles = agency_roles(user=user) if roles is None else roles
    return roles.get(exercise.lead_agency_id) in LEAD_EDITOR_ROLES


def recording_agencies(*, user: Actor, exercise: Exercise, participant_ids: set[int]) -> list[int]:
    """The participating agencies the person records attendance and observations for: those they are an admin
    of (and the lead, for its admins and liaisons)."""
    roles = agency_roles(user=user)
    allowed = {
        agency
        for agency in participant_ids
        if roles.get(agency) in RECORDER_ROLES
        or (agency == exercise.lead_agency_id and roles.get(agency) in LEAD_EDITOR_ROLES)
    }
    return sorted(allowed)


def can_record_for(user: Actor, exercise: Exercise, agency_id: int) -> bool:
    """Whether the person records attendance or observations for that agency (a viewer never does)."""
    participants = set(ExerciseParticipant.objects.filter(exercise=exercise).values_list("agency_id", flat=True))
    return agency_id in recording_agencies(user=user, exercise=exercise, participant_ids=participants)


def can_read_draft_report(user: Actor, exercise: Exercise) -> bool:
    """A draft report is the lead agency's own work in progress (any of its members reads it)."""
    return exercise.lead_agency_id in agency_roles(user=user)


def can_close_action(user: Actor, action: CorrectiveAction, *, lead_agency_id: int) -> bool:
    """The lead's admins and liaisons, and the owning agency's admins, record a decision not to change."""
    roles = agency_roles(user=user)
    return roles.get(lead_agency_id) in LEAD_EDITOR_ROLES or roles.get(action.owning_agency_id) == Role.ADMIN


def can_export_report(user: Actor, exercise: Exercise, report: AfterActionReport, *, participant: bool) -> bool:
    """The PDF of the report: a final one for every participant; a draft one (marked DRAFT) for the lead's admins
    and liaisons. A viewer sees part of the report only, so never its PDF."""
    if report.is_final:
        return participant
    return can_edit_exercise(user, exercise)


def corrective_actions_visible_to(*, user: Actor) -> QuerySet[CorrectiveAction]:
    """Corrective actions on plans the person may read, of the exercises they take part in or view, and those on
    no plan of the exercises they take part in (actions exist only once the report is final). An action on a
    plan the person may not read stays hidden even from a participant: its text is about that plan."""
    if not user.is_authenticated:
        return CorrectiveAction.objects.none()
    taking_part = exercises_taken_part_in(user=user)
    return CorrectiveAction.objects.filter(
        Q(exercise__in=taking_part, plan__isnull=True)
        | Q(
            Q(exercise__in=taking_part) | Q(exercise__in=_at_buildings_of_held_plans(user)),
            plan__in=plans_visible_to(user=user).values("pk"),
        )
    )


def open_actions_in_editor(*, access: PlanAccess) -> QuerySet[CorrectiveAction]:
    """The open corrective actions on a plan, for the people who write it (none for anyone else)."""
    if not access.can_edit:
        return CorrectiveAction.objects.none()
    return CorrectiveAction.objects.filter(plan_id=access.plan.pk, status=ActionStatus.OPEN)


def facility_choices(*, agency_id: int) -> QuerySet[Facility]:
    """The buildings an agency may hold an exercise at: its own and those covered by plans it may see."""
    seen = plans_agency_may_require(agency_id=agency_id).values("pk")
    return Facility.objects.filter(Q(owner_agency_id=agency_id) | Q(plans__in=seen)).distinct().order_by("name")


def version_choices(*, user: Actor) -> QuerySet[PlanVersion]:
    """The released versions (current or superseded) of the plans the person may read: what an exercise tests."""
    return PlanVersion.objects.filter(
        plan__in=plans_visible_to(user=user).values("pk"),
        state__in=(VersionState.PUBLISHED, VersionState.SUPERSEDED),
    ).select_related("plan")


def finding_plans(*, user: Actor) -> QuerySet[Plan]:
    """The plans an area for improvement may name: those the report's writer may read."""
    return plans_visible_to(user=user)


def upcoming_exercise_agencies(*, exercise_id: int, starts_at: object) -> set[int]:
    """Who a reminder before an exercise goes to: the agencies taking part now, while it is still scheduled to
    start when the reminder says (a cancelled or moved exercise reminds nobody: a move records its own)."""
    exercise = Exercise.objects.filter(pk=exercise_id, status=ExerciseStatus.SCHEDULED).only("starts_at").first()
    if exercise is None or exercise.starts_at.isoformat() != starts_at:
        return set()
    return set(exercise_participant_ids(exercise_id=exercise_id).values_list("agency_id", flat=True))


def overdue_action_recipients(*, action_id: int) -> tuple[set[int], QuerySet[Membership]]:
    """Who hears that a corrective action is overdue: its owning agency (webhooks), that agency's admins and the
    person responsible while still a member of it; nobody once the action is closed."""
    action = CorrectiveAction.objects.filter(pk=action_id, status=ActionStatus.OPEN).first()
    if action is None:
        return set(), Membership.objects.none()
    people = Q(role=Role.ADMIN) | Q(user_id=action.responsible_id) if action.responsible_id else Q(role=Role.ADMIN)
    members = Membership.objects.filter(people, agency_id=action.owning_agency_id, user__is_active=True)
    return {action.owning_agency_id}, members


def exercise_participant_ids(*, exercise_id: int) -> QuerySet:
    """The agencies taking part now (a one-column subquery): who hears about the exercise and its actions."""
    return ExerciseParticipant.objects.filter(exercise_id=exercise_id).values("agency_id")

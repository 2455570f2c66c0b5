"""The exercise workflow, shared by the web pages and the API: schedule (the participants are alerted), change,
mark conducted or cancel; each participating agency records its own attendance and observations. Every write
is one transaction with its audit row; the acting person is asked about by the gate here, not by the callers."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from access.actors import SYSTEM, SystemActor, actor_allowed
from access.exercises import (
    can_edit_exercise,
    can_record_for,
    can_schedule_for,
    facility_choices,
    version_choices,
)
from agencies.models import Agency, Membership
from audit.models import AuditAction
from audit.services import audit_event_record, audit_event_show_to
from exercises.models import (
    Exercise,
    ExerciseKind,
    ExerciseObjective,
    ExerciseParticipant,
    ExerciseStatus,
    Observation,
)
from notifications.models import EventType
from notifications.services import outbox_event_record
from plans.models import PlanVersion, VersionState
from portal.errors import ConflictError, InvalidInputError, NotAllowedError

Actor = User | SystemActor

MAX_OBJECTIVES = 20


@dataclass(frozen=True)
class ExercisePlan:
    """What the schedule and change forms (and the API) give: everything an exercise is, but its status."""

    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    description: str
    facility_ids: Sequence[int]
    participant_ids: Sequence[int]
    version_ids: Sequence[int]
    objectives: Sequence[str]


def _clean(*, plan: ExercisePlan, lead_agency_id: int, actor: Actor) -> tuple[list[int], list[int], list[int]]:
    """The facilities, participants and versions, checked; InvalidInputError names the field at fault."""
    if plan.kind not in ExerciseKind.values:
        raise InvalidInputError("Choose a kind of exercise.", field="kind")
    if not plan.title.strip():
        raise InvalidInputError("Give the exercise a title.", field="title")
    if plan.ends_at < plan.starts_at:
        raise InvalidInputError("The exercise cannot end before it starts.", field="ends_at")
    objectives = [text.strip() for text in plan.objectives if text.strip()]
    if len(objectives) > MAX_OBJECTIVES:
        raise InvalidInputError(f"At most {MAX_OBJECTIVES} objectives.", field="objectives")
    if any(len(text) > 500 for text in objectives):
        raise InvalidInputError("An objective is at most 500 characters.", field="objectives")
    facilities = sorted(set(plan.facility_ids))
    allowed = facility_choices(agency_id=lead_agency_id).filter(pk__in=facilities).values_list("pk", flat=True)
    if len(set(allowed)) != len(facilities):
        raise InvalidInputError("A building is not one the lead agency works with.", field="facilities")
    participants = sorted({*plan.participant_ids, lead_agency_id})
    if Agency.objects.filter(pk__in=participants).count() != len(participants):
        raise InvalidInputError("An agency does not exist.", field="participants")
    versions = sorted(set(plan.version_ids))
    readable = (
        PlanVersion.objects.filter(state__in=(VersionState.PUBLISHED, VersionState.SUPERSEDED))
        if actor is SYSTEM
        else version_choices(user=actor)  # type: ignore[arg-type]
    )
    if readable.filter(pk__in=versions).count() != len(versions):
        raise InvalidInputError("A plan version is not a released one you may read.", field="plan_versions")
    return facilities, participants, versions


def _set_objectives(exercise: Exercise, objectives: Sequence[str]) -> None:
    texts = [text.strip() for text in objectives if text.strip()]
    kept = {o.position: o for o in exercise.objectives.all()}
    for position, text in enumerate(texts, start=1):
        known = kept.pop(position, None)
        if known is None:
            ExerciseObjective.objects.create(exercise=exercise, position=position, text=text)
        elif known.text != text:
            known.text = text
            known.save(update_fields=["text"])
    ExerciseObjective.objects.filter(pk__in=[o.pk for o in kept.values()]).delete()


def _set_participants(exercise: Exercise, participant_ids: list[int]) -> list[int]:
    """Keep the agencies still taking part (with their attendance); returns the newly added ones."""
    current = set(ExerciseParticipant.objects.filter(exercise=exercise).values_list("agency_id", flat=True))
    added = [agency for agency in participant_ids if agency not in current]
    ExerciseParticipant.objects.filter(exercise=exercise).exclude(agency_id__in=participant_ids).delete()
    ExerciseParticipant.objects.bulk_create([ExerciseParticipant(exercise=exercise, agency_id=a) for a in added])
    return added


def exercise_payload(exercise: Exercise) -> dict[str, Any]:
    """What an exercise's notifications (scheduled, upcoming) say of it."""
    return {
        "exercise": exercise.pk,
        "exercise_title": exercise.title,
        "kind": exercise.get_kind_display(),
        "starts_at": exercise.starts_at.isoformat(),
        "lead_agency": exercise.lead_agency_id,
        "lead_agency_name": exercise.lead_agency.name,
    }


def _announce(exercise: Exercise, agencies: list[int], actor: Actor) -> None:
    """Tell the agencies newly taking part (the lead's people know: they scheduled it)."""
    told = [agency for agency in agencies if agency != exercise.lead_agency_id]
    if not told:
        return
    outbox_event_record(
        event_type=EventType.EXERCISE_SCHEDULED,
        plan=None,
        payload={**exercise_payload(exercise), "agencies": told, "actor": actor.pk},
    )


def _audit(exercise: Exercise, actor: Actor, action: AuditAction, agency: int, **details: object) -> None:
    event = audit_event_record(
        actor=actor, action=action, obj=exercise, agency=Agency(pk=agency), details={"exercise": exercise.pk, **details}
    )
    # The lead's trail shows what participants record on its exercise, and each participant sees the lead's.
    audit_event_show_to(
        event=event, agency_ids=ExerciseParticipant.objects.filter(exercise=exercise).values("agency_id")
    )


@transaction.atomic
def exercise_schedule(*, lead_agency: Agency, plan: ExercisePlan, actor: Actor) -> Exercise:
    """Schedule an exercise led by `lead_agency`; the other participating agencies are alerted."""
    if not actor_allowed(actor, lambda person: can_schedule_for(person, lead_agency.pk)):
        raise NotAllowedError("Only the agency's admins and liaisons schedule its exercises.")
    facilities, participants, versions = _clean(plan=plan, lead_agency_id=lead_agency.pk, actor=actor)
    exercise = Exercise.objects.create(
        title=plan.title.strip(),
        kind=plan.kind,
        starts_at=plan.starts_at,
        ends_at=plan.ends_at,
        description=plan.description,
        lead_agency=lead_agency,
        created_by=actor if isinstance(actor, User) else None,
    )
    exercise.facilities.set(facilities)
    exercise.plan_versions.set(versions)
    _set_objectives(exercise, plan.objectives)
    added = _set_participants(exercise, participants)
    _audit(exercise, actor, AuditAction.EXERCISE_SCHEDULE, lead_agency.pk, kind=plan.kind, agencies=participants)
    _announce(exercise, added, actor)
    return exercise


def _locked(exercise: Exercise) -> Exercise:
    return Exercise.objects.select_for_update().select_related("lead_agency").get(pk=exercise.pk)


@transaction.atomic
def exercise_update(*, exercise: Exercise, plan: ExercisePlan, actor: Actor) -> Exercise:
    """Change a scheduled exercise (a cancelled one is history); agencies added now are alerted."""
    exercise = _locked(exercise)
    if not actor_allowed(actor, lambda person: can_edit_exercise(person, exercise)):
        raise NotAllowedError("Only the lead agency's admins and liaisons change the exercise.")
    if exercise.status == ExerciseStatus.CANCELLED:
        raise ConflictError("The exercise was cancelled; schedule a new one instead.")
    facilities, participants, versions = _clean(plan=plan, lead_agency_id=exercise.lead_agency_id, actor=actor)
    exercise.title, exercise.kind, exercise.description = plan.title.strip(), plan.kind, plan.description
    exercise.starts_at, exercise.ends_at = plan.starts_at, plan.ends_at
    exercise.save()
    exercise.facilities.set(facilities)
    exercise.plan_versions.set(versions)
    _set_objectives(exercise, plan.objectives)
    added = _set_participants(exercise, participants)
    _audit(exercise, actor, AuditAction.EXERCISE_UPDATE, exercise.lead_agency_id, agencies=participants)
    _announce(exercise, added, actor)
    return exercise


@transaction.atomic
def exercise_cancel(*, exercise: Exercise, reason: str, actor: Actor) -> Exercise:
    """Call off a scheduled exercise, saying why (it stays in the calendar, struck through)."""
    exercise = _locked(exercise)
    if not actor_allowed(actor, lambda person: can_edit_exercise(person, exercise)):
        raise NotAllowedError("Only the lead agency's admins and liaisons cancel the exercise.")
    if exercise.status != ExerciseStatus.SCHEDULED:
        raise ConflictError(f"The exercise is {exercise.get_status_display().lower()}; it cannot be cancelled.")
    if not reason.strip():
        raise InvalidInputError("Say why the exercise is cancelled.", field="reason")
    exercise.status, exercise.cancel_reason = ExerciseStatus.CANCELLED, reason.strip()[:500]
    exercise.save(update_fields=["status", "cancel_reason", "updated_at"])
    _audit(exercise, actor, AuditAction.EXERCISE_CANCEL, exercise.lead_agency_id, reason=exercise.cancel_reason)
    return exercise


@transaction.atomic
def exercise_mark_conducted(*, exercise: Exercise, actor: Actor) -> Exercise:
    """Record that the exercise took place (once it has started): its report may be written from now on."""
    exercise = _locked(exercise)
    if not actor_allowed(actor, lambda person: can_edit_exercise(person, exercise)):
        raise NotAllowedError("Only the lead agency's admins and liaisons record that the exercise took place.")
    if exercise.status != ExerciseStatus.SCHEDULED:
        raise ConflictError(f"The exercise is already {exercise.get_status_display().lower()}.")
    if exercise.starts_at > timezone.now():
        raise ConflictError("The exercise has not started yet.")
    exercise.status = ExerciseStatus.CONDUCTED
    exercise.save(update_fields=["status", "updated_at"])
    _audit(exercise, actor, AuditAction.EXERCISE_CONDUCT, exercise.lead_agency_id)
    return exercise


@transaction.atomic
def attendance_record(
    *,
    exercise: Exercise,
    agency: Agency,
    attendee_ids: Sequence[int],
    staff_count: int,
    student_count: int,
    actor: Actor,
) -> ExerciseParticipant:
    """An agency's own attendance: which of its people took part, and how many school staff and students."""
    exercise = _locked(exercise)
    if not actor_allowed(actor, lambda person: can_record_for(person, exercise, agency.pk)):
        raise NotAllowedError("Only the agency's admins record its attendance.")
    if exercise.status == ExerciseStatus.CANCELLED:
        raise ConflictError("The exercise was cancelled.")
    if staff_count < 0 or student_count < 0:
        raise InvalidInputError("Counts cannot be negative.", field="staff_count")
    people = sorted(set(attendee_ids))
    members = Membership.objects.filter(agency=agency, user_id__in=people).values_list("user_id", flat=True)
    if len(set(members)) != len(people):
        raise InvalidInputError("Attendees must be people of the agency.", field="attendees")
    participant = ExerciseParticipant.objects.select_for_update().get(exercise=exercise, agency=agency)
    participant.attendees.set(people)
    participant.staff_count, participant.student_count = staff_count, student_count
    participant.attendance_recorded_at = timezone.now()
    participant.save(update_fields=["staff_count", "student_count", "attendance_recorded_at"])
    _audit(
        exercise,
        actor,
        AuditAction.EXERCISE_ATTENDANCE,
        agency.pk,
        people=len(people),
        staff=staff_count,
        students=student_count,
    )
    return participant


@transaction.atomic
def observation_add(
    *, exercise: Exercise, agency: Agency, text: str, objective_id: int | None, actor: Actor
) -> Observation:
    """What an agency saw, in its own name, optionally under one of the exercise's objectives."""
    exercise = _locked(exercise)
    if not actor_allowed(actor, lambda person: can_record_for(person, exercise, agency.pk)):
        raise NotAllowedError("Only the agency's admins add its observations.")
    if exercise.status == ExerciseStatus.CANCELLED:
        raise ConflictError("The exercise was cancelled.")
    if not text.strip():
        raise InvalidInputError("Write the observation.", field="text")
    if objective_id is not None and not exercise.objectives.filter(pk=objective_id).exists():
        raise InvalidInputError("Not an objective of this exercise.", field="objective")
    observation = Observation.objects.create(
        exercise=exercise,
        agency=agency,
        objective_id=objective_id,
        text=text.strip(),
        author=actor if isinstance(actor, User) else None,
    )
    _audit(exercise, actor, AuditAction.EXERCISE_OBSERVATION, agency.pk, observation=observation.pk)
    return observation

"""Writes of an agency's training records and training requirements, shared by the web pages and the API.

Each service is one transaction that asks the gate itself (access/training.py: the agency's admins and
liaisons; SYSTEM for seeding) and writes its audit row. A session's `TrainingRecord` rows (one per trainee and
version) are rewritten from its trainees and versions by `_write_records`, and by nothing else. The audience
of a requirement is checked by the same code as a reading requirement's (`reading.services`).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from access.actors import SystemActor, actor_allowed
from access.exercises import can_record_for
from access.reading import Actor
from access.training import can_record_training_for, trainable_versions
from agencies.models import Agency, Membership
from audit.models import AuditAction
from audit.services import audit_event_record
from exercises.models import Exercise, ExerciseParticipant, ExerciseStatus
from plans.models import Plan, PlanVersion
from portal.errors import ConflictError, InvalidInputError, NotAllowedError
from reading.models import (
    Audience,
    ReadingGroup,
    ReadingGroupMember,
    TrainingRecord,
    TrainingRequirement,
    TrainingSession,
)
from reading.services import _checked_audience, _checked_plan

MAX_STAFF_NAMES = 500
MIN_REFRESH, MAX_REFRESH = 1, 120
DUPLICATE_REQUIREMENT = "Training on this plan is already required of these people."

Writer = Actor | SystemActor


@dataclass(frozen=True)
class SessionInput:
    """What the session form (and the API) gives: everything a session is but its agency and exercise."""

    title: str
    trained_on: date
    trainer_id: int | None
    version_ids: Sequence[int]
    trainee_ids: Sequence[int] = ()
    group_ids: Sequence[int] = ()  # every person in these groups of the agency is a trainee too
    staff_names: Sequence[str] = ()
    staff_count: int | None = None  # None: as many as the names
    notes: str = ""


def _refuse_unless_recorder(actor: Writer, agency_id: int) -> None:
    if not actor_allowed(actor, lambda person: can_record_training_for(person, agency_id)):
        raise NotAllowedError("Only this agency's admins and liaisons record its training.")


def _audit(actor: Writer, action: AuditAction, obj: Any, agency_id: int, ip: str | None, **details: Any) -> None:
    audit_event_record(actor=actor, action=action, obj=obj, agency=Agency(pk=agency_id), ip_address=ip, details=details)


def _members(agency_id: int) -> Any:
    return Membership.objects.filter(agency_id=agency_id, user__is_active=True)


def _checked(agency_id: int, data: SessionInput) -> tuple[list[int], list[int], list[str], int]:
    """The versions, the trainees (people and groups' people), the staff names and count; 400 naming the field."""
    if not data.title.strip():
        raise InvalidInputError("Give the training a title.", field="title")
    if data.trainer_id is not None and not _members(agency_id).filter(user_id=data.trainer_id).exists():
        raise InvalidInputError("The trainer must be one of this agency's people.", field="trainer")
    versions = sorted(set(data.version_ids))
    if not versions:
        raise InvalidInputError("Choose the plan versions the training covered.", field="plan_versions")
    if trainable_versions(agency_id=agency_id).filter(pk__in=versions).count() != len(versions):
        raise InvalidInputError(
            "A version is not a released one of a plan your agency may read.", field="plan_versions"
        )
    people = set(data.trainee_ids)
    if _members(agency_id).filter(user_id__in=people).count() != len(people):
        raise InvalidInputError("A trainee is not one of this agency's people.", field="trainees")
    groups = set(data.group_ids)
    if ReadingGroup.objects.filter(agency_id=agency_id, pk__in=groups).count() != len(groups):
        raise InvalidInputError("Choose this agency's own groups.", field="groups")
    if groups:
        in_groups = ReadingGroupMember.objects.filter(group_id__in=groups, user__memberships__agency_id=agency_id)
        people |= set(in_groups.values_list("user_id", flat=True))
    names = [name.strip()[:200] for name in data.staff_names if name.strip()]
    if len(names) > MAX_STAFF_NAMES:
        raise InvalidInputError(f"At most {MAX_STAFF_NAMES} names.", field="staff_names")
    count = len(names) if data.staff_count is None else data.staff_count
    if count < len(names):
        raise InvalidInputError("The count of staff cannot be below the names given.", field="staff_count")
    if not people and not count:
        raise InvalidInputError("Name who was trained: people, a group or school staff.", field="trainees")
    return versions, sorted(people), names, count


def _write_records(session: TrainingSession, versions: list[int], people: list[int]) -> None:
    """The session's rows, one per trainee and version (bulk; a changed session is rewritten whole)."""
    TrainingRecord.objects.filter(session=session).delete()
    plans = dict(PlanVersion.objects.filter(pk__in=versions).values_list("pk", "plan_id"))
    TrainingRecord.objects.bulk_create(
        [
            TrainingRecord(
                session=session,
                agency_id=session.agency_id,
                user_id=user,
                plan_id=plans[version],
                version_id=version,
                trained_on=session.trained_on,
            )
            for user in people
            for version in versions
        ],
        batch_size=1000,
    )


def _details(session: TrainingSession, versions: list[int], people: list[int]) -> dict[str, Any]:
    return {
        "title": session.title,
        "trained_on": session.trained_on.isoformat(),
        "trainer": session.trainer_id,
        "versions": versions,
        "trainees": len(people),
        "staff_count": session.staff_count,
    }


@transaction.atomic
def training_session_record(
    *, agency: Agency, data: SessionInput, actor: Writer, ip_address: str | None = None
) -> TrainingSession:
    """Record a training the agency gave: who trained whom on which plan versions, when."""
    _refuse_unless_recorder(actor, agency.pk)
    versions, people, names, count = _checked(agency.pk, data)
    session = TrainingSession.objects.create(
        agency=agency,
        title=data.title.strip(),
        trained_on=data.trained_on,
        trainer_id=data.trainer_id,
        staff_names=names,
        staff_count=count,
        notes=data.notes.strip(),
        created_by=actor if isinstance(actor, User) else None,
    )
    session.plan_versions.set(versions)
    _write_records(session, versions, people)
    _audit(actor, AuditAction.TRAINING_RECORD, session, agency.pk, ip_address, **_details(session, versions, people))
    return session


@transaction.atomic
def training_session_update(
    *, session: TrainingSession, data: SessionInput, actor: Writer, ip_address: str | None = None
) -> TrainingSession:
    """Correct a recorded session (its records follow)."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    _refuse_unless_recorder(actor, session.agency_id)
    versions, people, names, count = _checked(session.agency_id, data)
    session.title, session.trained_on, session.trainer_id = data.title.strip(), data.trained_on, data.trainer_id
    session.staff_names, session.staff_count, session.notes = names, count, data.notes.strip()
    session.save()
    session.plan_versions.set(versions)
    _write_records(session, versions, people)
    _audit(
        actor,
        AuditAction.TRAINING_UPDATE,
        session,
        session.agency_id,
        ip_address,
        **_details(session, versions, people),
    )
    return session


@transaction.atomic
def training_session_delete(*, session: TrainingSession, actor: Writer, ip_address: str | None = None) -> None:
    """Remove a session recorded by mistake (its records go with it; the audit row keeps what it said)."""
    _refuse_unless_recorder(actor, session.agency_id)
    _audit(
        actor,
        AuditAction.TRAINING_DELETE,
        session,
        session.agency_id,
        ip_address,
        title=session.title,
        trained_on=session.trained_on.isoformat(),
        trainees=session.records.values("user_id").distinct().count(),
    )
    session.delete()


@transaction.atomic
def training_from_exercise(
    *, exercise: Exercise, agency: Agency, actor: Writer, trainer_id: int | None = None, ip_address: str | None = None
) -> TrainingSession:
    """Record the agency's attendees of a conducted exercise as trained on the exercised plan versions (again:
    the session is brought up to date with the attendance, never doubled)."""
    if not actor_allowed(actor, lambda person: can_record_for(person, exercise, agency.pk)):
        raise NotAllowedError("Only the agency's admins record its attendance and training from an exercise.")
    if exercise.status != ExerciseStatus.CONDUCTED:
        raise ConflictError("Only a conducted exercise trained anyone.")
    participant = ExerciseParticipant.objects.filter(exercise=exercise, agency=agency).first()
    if participant is None:
        raise InvalidInputError("The agency did not take part in the exercise.", field="agency")
    trainable = trainable_versions(agency_id=agency.pk).filter(pk__in=exercise.plan_versions.values("pk"))
    data = SessionInput(
        title=exercise.title,
        trained_on=exercise.starts_at.date(),
        trainer_id=trainer_id,
        version_ids=list(trainable.values_list("pk", flat=True)),
        trainee_ids=list(
            participant.attendees.filter(memberships__agency=agency, is_active=True).values_list("pk", flat=True)
        ),
        staff_count=participant.staff_count,
    )
    existing = TrainingSession.objects.filter(exercise=exercise, agency=agency).first()
    if existing is not None:
        return training_session_update(session=existing, data=data, actor=actor, ip_address=ip_address)
    _refuse_unless_recorder(actor, agency.pk)
    versions, people, _names, count = _checked(agency.pk, data)
    try:
        with transaction.atomic():
            session = TrainingSession.objects.create(
                agency=agency,
                exercise=exercise,
                title=data.title,
                trained_on=data.trained_on,
                trainer_id=trainer_id,
                staff_count=count,
                created_by=actor if isinstance(actor, User) else None,
            )
    except IntegrityError:
        raise ConflictError("The exercise's training was recorded meanwhile; reload.") from None
    session.plan_versions.set(versions)
    _write_records(session, versions, people)
    _audit(
        actor,
        AuditAction.TRAINING_RECORD,
        session,
        agency.pk,
        ip_address,
        exercise=exercise.pk,
        **_details(session, versions, people),
    )
    return session


# --- Requirements -----------------------------------------------------------------------------------------------


@transaction.atomic
def training_requirement_create(
    *,
    agency: Agency,
    plan: Plan,
    actor: Writer,
    audience: str = Audience.EVERYONE,
    role: str = "",
    group: ReadingGroup | None = None,
    refresh_months: int | None = None,
    ip_address: str | None = None,
) -> TrainingRequirement:
    """Require some of the agency's people to be trained on a plan's current version (and again every N months)."""
    _refuse_unless_recorder(actor, agency.pk)
    audience, role, group = _checked_audience(agency.pk, audience, role, group)
    _checked_plan(agency.pk, plan)
    if refresh_months is not None and not MIN_REFRESH <= refresh_months <= MAX_REFRESH:
        raise InvalidInputError(f"Give between {MIN_REFRESH} and {MAX_REFRESH} months.", field="refresh_months")
    taken = TrainingRequirement.objects.filter(agency=agency, plan=plan, audience=audience, role=role, group=group)
    if taken.exists():
        raise ConflictError(DUPLICATE_REQUIREMENT, field="plan")
    try:
        with transaction.atomic():
            requirement = TrainingRequirement.objects.create(
                agency=agency,
                plan=plan,
                audience=audience,
                role=role,
                group=group,
                refresh_months=refresh_months,
                created_by=actor if isinstance(actor, User) else None,
            )
    except IntegrityError:
        raise ConflictError(DUPLICATE_REQUIREMENT, field="plan") from None
    _audit(
        actor,
        AuditAction.TRAINING_REQUIREMENT_CREATE,
        requirement,
        agency.pk,
        ip_address,
        plan=plan.pk,
        audience=audience,
        role=role,
        group=group.pk if group else None,
        refresh_months=refresh_months,
    )
    return requirement


@transaction.atomic
def training_requirement_delete(
    *, requirement: TrainingRequirement, actor: Writer, ip_address: str | None = None
) -> None:
    """Stop requiring the training (the records stay: they are history)."""
    _refuse_unless_recorder(actor, requirement.agency_id)
    _audit(
        actor,
        AuditAction.TRAINING_REQUIREMENT_DELETE,
        requirement,
        requirement.agency_id,
        ip_address,
        plan=requirement.plan_id,
        audience=requirement.audience,
    )
    requirement.delete()

"""Writes of drill requirements, shared by the web pages and the API: create and change a requirement set, add and
take off its lines, assign it to a building and take it off. Each is one transaction with its audit row; the
gate (access/drills.py) is asked here, not by the callers."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from access.actors import SystemActor, actor_allowed
from access.drills import (
    can_assign_requirements,
    can_create_state_set,
    can_edit_requirement_set,
    requirement_set_owners,
    requirement_sets_readable_by_agency,
)
from agencies.models import Agency, Facility, FacilityKind
from audit.models import AuditAction
from audit.services import audit_event_record
from exercises.models import (
    ExerciseKind,
    RequirementAssignment,
    RequirementLine,
    RequirementPeriod,
    RequirementSet,
)
from portal.errors import ConflictError, InvalidInputError, NotAllowedError

Actor = User | SystemActor

MAX_LINES = 40


@dataclass(frozen=True)
class SetFields:
    """What a requirement set is, as the forms and the API give it."""

    name: str
    jurisdiction: str = ""
    year_start_month: int = 8
    year_start_day: int = 1
    terms_per_year: int = 2


def _clean_fields(fields: SetFields) -> SetFields:
    name = fields.name.strip()
    if not name:
        raise InvalidInputError("Give the requirement set a name.", field="name")
    if len(name) > 200:
        raise InvalidInputError("A name is at most 200 characters.", field="name")
    if len(fields.jurisdiction.strip()) > 120:
        raise InvalidInputError("A jurisdiction is at most 120 characters.", field="jurisdiction")
    if not 1 <= fields.year_start_month <= 12:
        raise InvalidInputError("A month is from 1 to 12.", field="year_start_month")
    if not 1 <= fields.year_start_day <= 28:
        raise InvalidInputError("The school year starts on a day from 1 to 28.", field="year_start_day")
    if not 1 <= fields.terms_per_year <= 6:
        raise InvalidInputError("A school year has from 1 to 6 terms.", field="terms_per_year")
    return SetFields(
        name=name,
        jurisdiction=fields.jurisdiction.strip(),
        year_start_month=fields.year_start_month,
        year_start_day=fields.year_start_day,
        terms_per_year=fields.terms_per_year,
    )


def _audit(requirement_set: RequirementSet, actor: Actor, action: AuditAction, **details: object) -> None:
    agency = Agency(pk=requirement_set.owner_agency_id) if requirement_set.owner_agency_id else None
    audit_event_record(
        actor=actor, action=action, obj=requirement_set, agency=agency, details={"set": requirement_set.pk, **details}
    )


@transaction.atomic
def requirement_set_create(*, owner_agency: Agency | None, fields: SetFields, actor: Actor) -> RequirementSet:
    """A new set: a state's (no owner; operators only) or an agency's own (its admins)."""
    if owner_agency is None:
        if not actor_allowed(actor, can_create_state_set):
            raise NotAllowedError("Only a platform operator loads a state's requirements.")
    elif not actor_allowed(
        actor, lambda person: person.is_staff or owner_agency.pk in requirement_set_owners(user=person)
    ):
        raise NotAllowedError("Only the agency's admins create its requirement sets.")
    clean = _clean_fields(fields)
    requirement_set = RequirementSet.objects.create(
        owner_agency=owner_agency,
        name=clean.name,
        jurisdiction=clean.jurisdiction,
        year_start_month=clean.year_start_month,
        year_start_day=clean.year_start_day,
        terms_per_year=clean.terms_per_year,
        created_by=actor if isinstance(actor, User) else None,
    )
    _audit(requirement_set, actor, AuditAction.DRILL_REQUIREMENTS_CREATE, name=clean.name)
    return requirement_set


def _locked(requirement_set: RequirementSet, actor: Actor) -> RequirementSet:
    locked = RequirementSet.objects.select_for_update().get(pk=requirement_set.pk)
    if not actor_allowed(actor, lambda person: can_edit_requirement_set(person, locked)):
        raise NotAllowedError("Only its agency's admins (a platform operator, for a state's set) change it.")
    return locked


@transaction.atomic
def requirement_set_update(*, requirement_set: RequirementSet, fields: SetFields, actor: Actor) -> RequirementSet:
    """Change a set's name, jurisdiction, school year start or terms."""
    locked = _locked(requirement_set, actor)
    clean = _clean_fields(fields)
    locked.name, locked.jurisdiction = clean.name, clean.jurisdiction
    locked.year_start_month, locked.year_start_day = clean.year_start_month, clean.year_start_day
    locked.terms_per_year = clean.terms_per_year
    locked.save()
    _audit(locked, actor, AuditAction.DRILL_REQUIREMENTS_CHANGE, change="fields", name=clean.name)
    return locked


@transaction.atomic
def requirement_line_add(
    *,
    requirement_set: RequirementSet,
    exercise_kind: str,
    count: int,
    period: str,
    facility_kinds: Sequence[str],
    actor: Actor,
) -> RequirementLine:
    """Add a line: `count` exercises of `exercise_kind` per school year or per term, at buildings of those kinds."""
    locked = _locked(requirement_set, actor)
    if exercise_kind not in ExerciseKind.values:
        raise InvalidInputError("Choose a kind of exercise.", field="exercise_kind")
    if not 1 <= count <= 100:
        raise InvalidInputError("A count is from 1 to 100.", field="count")
    if period not in RequirementPeriod.values:
        raise InvalidInputError("Per school year or per term.", field="period")
    kinds = sorted(set(facility_kinds))
    if any(kind not in FacilityKind.values for kind in kinds):
        raise InvalidInputError("A building kind is not one Concord knows.", field="facility_kinds")
    if locked.lines.count() >= MAX_LINES:
        raise ConflictError(f"A requirement set has at most {MAX_LINES} lines.")
    line = RequirementLine.objects.create(
        requirement_set=locked, exercise_kind=exercise_kind, count=count, period=period, facility_kinds=kinds
    )
    _audit(
        locked,
        actor,
        AuditAction.DRILL_REQUIREMENTS_CHANGE,
        change="line_add",
        line=line.pk,
        exercise_kind=exercise_kind,
        count=count,
        period=period,
        facility_kinds=kinds,
    )
    return line


@transaction.atomic
def requirement_line_remove(*, line: RequirementLine, actor: Actor) -> None:
    """Take a line off its set."""
    locked = _locked(line.requirement_set, actor)
    _audit(
        locked,
        actor,
        AuditAction.DRILL_REQUIREMENTS_CHANGE,
        change="line_remove",
        line=line.pk,
        exercise_kind=line.exercise_kind,
        count=line.count,
        period=line.period,
    )
    RequirementLine.objects.filter(pk=line.pk).delete()


def _assignment_audit(facility: Facility, requirement_set: RequirementSet, actor: Actor, action: AuditAction) -> None:
    audit_event_record(
        actor=actor,
        action=action,
        obj=facility,
        agency=Agency(pk=facility.owner_agency_id),
        details={"facility": facility.pk, "set": requirement_set.pk, "set_name": requirement_set.name},
    )


@transaction.atomic
def requirement_assign(*, facility: Facility, requirement_set: RequirementSet, actor: Actor) -> RequirementAssignment:
    """Make a set apply to a building (one the building's owner agency reads: a state's or its own)."""
    if not actor_allowed(actor, lambda person: can_assign_requirements(person, facility)):
        raise NotAllowedError("Only the building owner's admins choose its drill requirements.")
    if (
        not requirement_sets_readable_by_agency(agency_id=facility.owner_agency_id)
        .filter(pk=requirement_set.pk)
        .exists()
    ):
        raise InvalidInputError("Choose a state's set or one of the building owner's own.", field="requirement_set")
    try:
        with transaction.atomic():
            assignment = RequirementAssignment.objects.create(
                facility=facility,
                requirement_set=requirement_set,
                assigned_by=actor if isinstance(actor, User) else None,
            )
    except IntegrityError:
        raise ConflictError("That requirement set already applies to the building.") from None
    _assignment_audit(facility, requirement_set, actor, AuditAction.DRILL_REQUIREMENTS_ASSIGN)
    return assignment


@transaction.atomic
def requirement_unassign(*, facility: Facility, requirement_set: RequirementSet, actor: Actor) -> None:
    """Take a set off a building (its exercises stay; only the count against the set goes)."""
    if not actor_allowed(actor, lambda person: can_assign_requirements(person, facility)):
        raise NotAllowedError("Only the building owner's admins choose its drill requirements.")
    deleted, _ = RequirementAssignment.objects.filter(facility=facility, requirement_set=requirement_set).delete()
    if not deleted:
        raise ConflictError("That requirement set does not apply to the building.")
    _assignment_audit(facility, requirement_set, actor, AuditAction.DRILL_REQUIREMENTS_UNASSIGN)

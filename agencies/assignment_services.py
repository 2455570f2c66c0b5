"""Assigning an agency's people to buildings (a school's School Resource Officer) and ending assignments.

An assignment is never deleted by these: ending it sets its end date, so a school's SRO history stays. A change
of a school's SRO alerts the agencies that see the building's plans (one outbox event per change).
"""

import datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from access.actors import SystemActor, actor_allowed
from access.agencies import Actor
from access.facilities import can_assign_people_to_facility
from agencies.models import Agency, AssignmentRole, Facility, Membership, PersonnelAssignment
from audit.models import AuditAction
from audit.services import audit_event_record
from notifications.models import EventType
from notifications.services import outbox_event_record
from portal.errors import InvalidInputError, NotAllowedError


def _refuse_unless_admin(actor: Actor | SystemActor, agency: Agency) -> None:
    if not actor_allowed(actor, lambda person: can_assign_people_to_facility(person, agency.pk)):
        raise NotAllowedError(f"Only admins of {agency} may assign its people to buildings.")


def _sro_changed(*, assignment: PersonnelAssignment, change: str, actor: Actor | SystemActor) -> None:
    """Tell the agencies that see the building's plans that its SRO changed; once per assignment and change."""
    if assignment.role != AssignmentRole.SCHOOL_RESOURCE_OFFICER:
        return
    officer = assignment.user
    outbox_event_record(
        event_type=EventType.FACILITY_SRO_CHANGED,
        plan=None,
        payload={
            "actor": actor.pk if isinstance(actor, User) else None,
            "facility": assignment.facility_id,
            "facility_name": assignment.facility.name,
            "agency": assignment.agency_id,
            "agency_name": assignment.agency.name,
            "officer_name": officer.get_full_name() or officer.get_username(),
            "change": change,
            "on": (assignment.ended_on or assignment.started_on).isoformat(),
        },
        dedupe_key=f"sro-changed:{assignment.pk}:{change}",
    )


@transaction.atomic
def personnel_assignment_create(
    *,
    user: User,
    agency: Agency,
    facility: Facility,
    role: str,
    actor: Actor | SystemActor,
    started_on: datetime.date | None = None,
    announce: bool = True,
    ip_address: str | None = None,
) -> PersonnelAssignment:
    """Assign a member of an agency to a building (e.g. as its School Resource Officer) from `started_on`
    (today by default); the agency's admins do. Assigning someone already assigned changes nothing. With
    `announce=False` (a building registered as it stands, by seeding) no alert goes out."""
    _refuse_unless_admin(actor, agency)
    if role not in AssignmentRole.values:
        raise InvalidInputError("Choose one of the listed roles.", field="role")
    if not Membership.objects.filter(user=user, agency=agency).exists():
        raise InvalidInputError(f"{user.get_username()} is not a member of {agency}.", field="user")
    today = timezone.localdate()
    started_on = started_on or today
    if started_on > today + datetime.timedelta(days=366):
        raise InvalidInputError("Give a start date within the next year.", field="started_on")
    current = PersonnelAssignment.objects.filter(user=user, facility=facility, role=role, ended_on__isnull=True)
    existing = current.select_related("user", "agency", "facility").first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            assignment = PersonnelAssignment.objects.create(
                user=user, agency=agency, facility=facility, role=role, started_on=started_on
            )
    except IntegrityError:  # the same assignment made at the same moment by another request
        return current.get()
    audit_event_record(
        actor=actor,
        action=AuditAction.ASSIGNMENT_ADD,
        obj=assignment,
        agency=agency,
        ip_address=ip_address,
        details={"user": user.pk, "facility": facility.pk, "role": role, "started_on": started_on.isoformat()},
    )
    if announce:
        _sro_changed(assignment=assignment, change="assigned", actor=actor)
    return assignment


@transaction.atomic
def personnel_assignment_end(
    *,
    assignment: PersonnelAssignment,
    actor: Actor | SystemActor,
    ended_on: datetime.date | None = None,
    ip_address: str | None = None,
) -> PersonnelAssignment:
    """End an assignment on `ended_on` (today by default); it stays in the building's history. Audited."""
    _refuse_unless_admin(actor, assignment.agency)
    assignment = (
        PersonnelAssignment.objects.select_for_update(of=("self",))
        .select_related("user", "agency", "facility")
        .get(pk=assignment.pk)
    )
    if assignment.ended_on is not None:
        return assignment  # ended already: nothing changes, nobody is told twice
    ended_on = ended_on or timezone.localdate()
    if ended_on < assignment.started_on:
        raise InvalidInputError("The end date cannot be before the assignment started.", field="ended_on")
    if ended_on > timezone.localdate():
        raise InvalidInputError("Give today's date or an earlier one.", field="ended_on")
    assignment.ended_on = ended_on
    assignment.save(update_fields=["ended_on"])
    audit_event_record(
        actor=actor,
        action=AuditAction.ASSIGNMENT_REMOVE,
        obj=assignment,
        agency=assignment.agency,
        ip_address=ip_address,
        details={
            "user": assignment.user_id,
            "facility": assignment.facility_id,
            "role": assignment.role,
            "ended_on": ended_on.isoformat(),
        },
    )
    _sro_changed(assignment=assignment, change="ended", actor=actor)
    return assignment


def personnel_assignment_remove(
    *, assignment: PersonnelAssignment, actor: Actor | SystemActor, ip_address: str | None = None
) -> None:
    """Take a person off a building today (the Django admin's delete): the assignment ends and stays as history."""
    personnel_assignment_end(assignment=assignment, actor=actor, ip_address=ip_address)

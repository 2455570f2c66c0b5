"""Writes of an agency's required reading: its groups of people, their members and supervisors, its requirements.

Each service is one transaction that asks the gate itself (`can_manage_reading_of`: the agency's admins and
liaisons; SYSTEM for seeding), writes its audit row, and brings the obligations it moves up to date with the
narrowest `reading.sync` call that covers them. Bad input is an InvalidInputError (400, naming the field); a
duplicate (a group's name, a person already in the group, the same requirement twice) a ConflictError (409).
"""

from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from access.actors import SystemActor, actor_allowed
from access.audience import active_members
from access.reading import Actor, agency_may_require_plan, can_manage_reading_of
from agencies.models import Agency, Role
from audit.models import AuditAction
from audit.services import audit_event_record
from plans.models import Plan
from portal.errors import ConflictError, InvalidInputError, NotAllowedError
from portal.unset import UNSET, Unset
from reading.models import Audience, ReadingGroup, ReadingGroupMember, ReadingRequirement
from reading.sync import obligations_sync, obligations_sync_for_person

MIN_DUE_DAYS, MAX_DUE_DAYS = 1, 365
DUPLICATE_GROUP = "This agency already has a group of that name."
DUPLICATE_REQUIREMENT = "This plan is already required of these people; change that requirement instead."


def _refuse_unless_manager(actor: Actor | SystemActor, agency_id: int) -> None:
    if not actor_allowed(actor, lambda person: can_manage_reading_of(person, agency_id)):
        raise NotAllowedError("Only this agency's admins and liaisons may set its required reading.")


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidInputError("Give the group a name.", field="name")
    if len(name) > ReadingGroup._meta.get_field("name").max_length:  # type: ignore[operator]
        raise InvalidInputError("Keep the name to 100 characters.", field="name")
    return name


def _name_free(agency_id: int, name: str, *, exclude: int | None = None) -> None:
    taken = ReadingGroup.objects.filter(agency_id=agency_id, name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ConflictError(DUPLICATE_GROUP, field="name")


def _record(
    actor: Actor | SystemActor, action: AuditAction, obj: Any, agency_id: int, ip: str | None, **details: Any
) -> None:
    audit_event_record(actor=actor, action=action, obj=obj, agency=Agency(pk=agency_id), ip_address=ip, details=details)


# --- Groups -----------------------------------------------------------------------------------------------------


def reading_group_create(
    *, agency: Agency, name: str, description: str = "", actor: Actor | SystemActor, ip_address: str | None = None
) -> ReadingGroup:
    """A named group of the agency's people, to require reading of ("School Resource Officers")."""
    name = _clean_name(name)
    with transaction.atomic():
        _refuse_unless_manager(actor, agency.pk)
        _name_free(agency.pk, name)
        group = ReadingGroup.objects.create(agency=agency, name=name, description=description.strip())
        _record(actor, AuditAction.READING_GROUP_CREATE, group, agency.pk, ip_address, name=name)
    return group


def reading_group_update(
    *,
    group: ReadingGroup,
    actor: Actor | SystemActor,
    name: str | Unset = UNSET,
    description: str | Unset = UNSET,
    ip_address: str | None = None,
) -> ReadingGroup:
    """Rename a group or change its description; who is in it and what it must read stay."""
    with transaction.atomic():
        _refuse_unless_manager(actor, group.agency_id)
        changed: dict[str, str] = {}
        if not isinstance(name, Unset):
            name = _clean_name(name)
            _name_free(group.agency_id, name, exclude=group.pk)
            changed["name"] = group.name = name
        if not isinstance(description, Unset):
            changed["description"] = group.description = description.strip()
        group.save(update_fields=list(changed) or None)
        _record(actor, AuditAction.READING_GROUP_UPDATE, group, group.agency_id, ip_address, **changed)
    return group


def reading_group_delete(*, group: ReadingGroup, actor: Actor | SystemActor, ip_address: str | None = None) -> None:
    """Remove a group, its members and the requirements set for it; its people owe what those required no more."""
    with transaction.atomic():
        _refuse_unless_manager(actor, group.agency_id)
        people = list(group.members.values_list("user_id", flat=True))
        plans = list(group.requirements.values_list("plan_id", flat=True))
        _record(actor, AuditAction.READING_GROUP_DELETE, group, group.agency_id, ip_address, name=group.name)
        agency_id = group.agency_id
        group.delete()
        obligations_sync(agency_ids=[agency_id], user_ids=people, plan_ids=plans)


def _group_member(group: ReadingGroup, user: User) -> ReadingGroupMember:
    member = ReadingGroupMember.objects.filter(group=group, user=user).first()
    if member is None:
        raise InvalidInputError(f"{_name(user)} is not in {group.name}.", field="user")
    return member


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def reading_group_member_add(
    *,
    group: ReadingGroup,
    user: User,
    is_supervisor: bool = False,
    actor: Actor | SystemActor,
    ip_address: str | None = None,
) -> ReadingGroupMember:
    """Put one of the agency's active people in a group; they owe its required reading from today."""
    with transaction.atomic():
        _refuse_unless_manager(actor, group.agency_id)
        if not active_members(agency_ids=[group.agency_id]).filter(user=user).exists():
            raise InvalidInputError("Only active members of this agency can be put in its groups.", field="user")
        try:
            with transaction.atomic():
                member = ReadingGroupMember.objects.create(group=group, user=user, is_supervisor=is_supervisor)
        except IntegrityError:
            raise ConflictError(f"{_name(user)} is already in {group.name}.", field="user") from None
        _record(
            actor,
            AuditAction.READING_GROUP_MEMBER_ADD,
            group,
            group.agency_id,
            ip_address,
            user=user.get_username(),
            supervisor=is_supervisor,
        )
        obligations_sync_for_person(user, agency_id=group.agency_id)
    return member


def reading_group_member_remove(
    *, group: ReadingGroup, user: User, actor: Actor | SystemActor, ip_address: str | None = None
) -> None:
    """Take a person out of a group; what only the group required of them ends."""
    with transaction.atomic():
        _refuse_unless_manager(actor, group.agency_id)
        _group_member(group, user).delete()
        _record(
            actor, AuditAction.READING_GROUP_MEMBER_REMOVE, group, group.agency_id, ip_address, user=user.get_username()
        )
        obligations_sync_for_person(user, agency_id=group.agency_id)


def reading_group_member_set_supervisor(
    *, group: ReadingGroup, user: User, is_supervisor: bool, actor: Actor | SystemActor, ip_address: str | None = None
) -> ReadingGroupMember:
    """Make a group's member its supervisor (sees the group's reading, is told who is overdue) or not."""
    with transaction.atomic():
        _refuse_unless_manager(actor, group.agency_id)
        member = _group_member(group, user)
        if member.is_supervisor != is_supervisor:
            member.is_supervisor = is_supervisor
            member.save(update_fields=["is_supervisor"])
            _record(
                actor,
                AuditAction.READING_GROUP_SUPERVISOR,
                group,
                group.agency_id,
                ip_address,
                user=user.get_username(),
                supervisor=is_supervisor,
            )
    return member


# --- Requirements -----------------------------------------------------------------------------------------------


def _checked_audience(
    agency_id: int, audience: str, role: str, group: ReadingGroup | None
) -> tuple[str, str, ReadingGroup | None]:
    """The audience's fields as the model stores them; a role or group given for another audience is dropped."""
    if audience == Audience.EVERYONE:
        return audience, "", None
    if audience == Audience.ROLE:
        if role not in Role.values:
            raise InvalidInputError("Choose the role whose people must read the plan.", field="role")
        return audience, role, None
    if audience == Audience.GROUP:
        if group is None:
            raise InvalidInputError("Choose the group whose people must read the plan.", field="group")
        if group.agency_id != agency_id:
            raise InvalidInputError("Choose one of this agency's own groups.", field="group")
        return audience, "", group
    raise InvalidInputError("Choose everyone, a role or a group.", field="audience")


def _checked_plan(agency_id: int, plan: Plan) -> Plan:
    if not agency_may_require_plan(agency_id=agency_id, plan_id=plan.pk):
        raise InvalidInputError("Choose a plan your agency may read: its own, or one shared with it.", field="plan")
    return plan


def _checked_due_days(due_days: int) -> int:
    if not MIN_DUE_DAYS <= due_days <= MAX_DUE_DAYS:
        raise InvalidInputError(f"Give between {MIN_DUE_DAYS} and {MAX_DUE_DAYS} days.", field="due_days")
    return due_days


def _save_requirement(requirement: ReadingRequirement) -> None:
    taken = ReadingRequirement.objects.filter(
        agency_id=requirement.agency_id,
        plan_id=requirement.plan_id,
        audience=requirement.audience,
        role=requirement.role,
        group=requirement.group,
    ).exclude(pk=requirement.pk)
    if taken.exists():
        raise ConflictError(DUPLICATE_REQUIREMENT, field="plan")
    try:
        with transaction.atomic():
            requirement.save()
    except IntegrityError:  # the same requirement saved meanwhile by someone else
        raise ConflictError(DUPLICATE_REQUIREMENT, field="plan") from None


def _requirement_details(requirement: ReadingRequirement) -> dict[str, Any]:
    return {
        "plan": requirement.plan_id,
        "audience": requirement.audience,
        "role": requirement.role,
        "group": requirement.group.name if requirement.group else "",
        "due_days": requirement.due_days,
    }


def reading_requirement_create(
    *,
    agency: Agency,
    plan: Plan,
    audience: str = Audience.EVERYONE,
    role: str = "",
    group: ReadingGroup | None = None,
    due_days: int = 14,
    actor: Actor | SystemActor,
    ip_address: str | None = None,
) -> ReadingRequirement:
    """Require some of the agency's people to acknowledge each new version of a plan within `due_days`."""
    with transaction.atomic():
        _refuse_unless_manager(actor, agency.pk)
        audience, role, group = _checked_audience(agency.pk, audience, role, group)
        requirement = ReadingRequirement(
            agency=agency,
            plan=_checked_plan(agency.pk, plan),
            audience=audience,
            role=role,
            group=group,
            due_days=_checked_due_days(due_days),
            created_by=actor if isinstance(actor, User) else None,
        )
        _save_requirement(requirement)
        _record(
            actor,
            AuditAction.READING_REQUIREMENT_CREATE,
            requirement,
            agency.pk,
            ip_address,
            **_requirement_details(requirement),
        )
        obligations_sync(agency_ids=[agency.pk], plan_ids=[plan.pk])
    return requirement


def reading_requirement_update(
    *,
    requirement: ReadingRequirement,
    actor: Actor | SystemActor,
    plan: Plan | Unset = UNSET,
    audience: str | Unset = UNSET,
    role: str | Unset = UNSET,
    group: ReadingGroup | Unset | None = UNSET,
    due_days: int | Unset = UNSET,
    ip_address: str | None = None,
) -> ReadingRequirement:
    """Change what a requirement asks (the plan, who, how soon); the obligations follow at once."""
    with transaction.atomic():
        _refuse_unless_manager(actor, requirement.agency_id)
        old_plan = requirement.plan_id
        if not isinstance(plan, Unset):
            requirement.plan = _checked_plan(requirement.agency_id, plan)
        if not isinstance(due_days, Unset):
            requirement.due_days = _checked_due_days(due_days)
        requirement.audience, requirement.role, requirement.group = _checked_audience(
            requirement.agency_id,
            requirement.audience if isinstance(audience, Unset) else audience,
            requirement.role if isinstance(role, Unset) else role,
            requirement.group if isinstance(group, Unset) else group,
        )
        _save_requirement(requirement)
        _record(
            actor,
            AuditAction.READING_REQUIREMENT_UPDATE,
            requirement,
            requirement.agency_id,
            ip_address,
            **_requirement_details(requirement),
        )
        obligations_sync(agency_ids=[requirement.agency_id], plan_ids={old_plan, requirement.plan_id})
    return requirement


def reading_requirement_delete(
    *, requirement: ReadingRequirement, actor: Actor | SystemActor, ip_address: str | None = None
) -> None:
    """Stop requiring a plan of these people; what nothing else requires of them ends."""
    with transaction.atomic():
        _refuse_unless_manager(actor, requirement.agency_id)
        agency_id, plan_id = requirement.agency_id, requirement.plan_id
        _record(
            actor,
            AuditAction.READING_REQUIREMENT_DELETE,
            requirement,
            agency_id,
            ip_address,
            **_requirement_details(requirement),
        )
        requirement.delete()
        obligations_sync(agency_ids=[agency_id], plan_ids=[plan_id])

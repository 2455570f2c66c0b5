"""Every change to agencies, members, facilities and assignments; each call is one transaction.

Each write takes the person acting and refuses them (NotAllowedError) unless the access layer allows it
(access/agencies.py). `actor=SYSTEM` (access/actors.py) is the system itself (seeding, data generators, test
fixtures), never a request: every view and the admin pass their user.
"""

import secrets
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from access.actors import SystemActor, actor_allowed
from access.agencies import (
    Actor,
    can_create_agencies,
    can_create_staff_accounts,
    can_create_users,
    can_edit_facilities_of,
    can_manage_agency,
)
from accounts.services import AccessEnded, sessions_and_tokens_end

# Assignments live in their own module; re-exported for the callers that know them from here.
from agencies.assignment_services import (
    personnel_assignment_create as personnel_assignment_create,
)
from agencies.assignment_services import (
    personnel_assignment_end as personnel_assignment_end,
)
from agencies.assignment_services import (
    personnel_assignment_remove as personnel_assignment_remove,
)
from agencies.models import (
    IDLE_MINUTES_MAX,
    IDLE_MINUTES_MIN,
    LIFETIME_HOURS_MAX,
    LIFETIME_HOURS_MIN,
    Agency,
    Facility,
    Membership,
    PersonnelAssignment,
    Role,
)
from audit.models import AuditAction
from audit.services import audit_event_record
from notifications.models import EventType
from notifications.services import outbox_event_record
from portal.errors import ConflictError, InvalidInputError, NotAllowedError
from portal.header_cache import header_counts_changed
from portal.unset import UNSET, Unset
from reading.models import ReadingGroupMember
from reading.sync import obligations_sync_for_person


def _refuse_unless(
    allowed: Callable[[Actor, int], bool], actor: Actor | SystemActor, agency_id: int, message: str
) -> None:
    """Refuse anyone the access layer does not allow; SYSTEM alone passes without asking it."""
    if not actor_allowed(actor, lambda person: allowed(person, agency_id)):
        raise NotAllowedError(message)


def _given(**fields: Any) -> dict[str, Any]:
    """The fields of an update the caller passed (the others are UNSET)."""
    return {name: value for name, value in fields.items() if value is not UNSET}


def _changes(obj: Any, given: dict[str, Any]) -> dict[str, list[Any]]:
    """Each given field whose value differs, as [before, after] (as text where JSON would not keep it)."""

    def plain(value: Any) -> Any:
        return str(value) if isinstance(value, Decimal) else value

    return {
        name: [plain(getattr(obj, name)), plain(value)] for name, value in given.items() if getattr(obj, name) != value
    }


@transaction.atomic
def agency_create(
    *,
    actor: Actor | SystemActor,
    name: str,
    slug: str,
    kind: str,
    jurisdiction: str = "",
    phone: str = "",
    email: str = "",
    require_mfa: bool = False,
    session_idle_minutes: int | None = None,
    session_max_hours: int | None = None,
    les_read_requires_mfa: bool = False,
    les_offline_copies: bool = False,
    ip_address: str | None = None,
) -> Agency:
    """Create an agency and the Django group its object permissions are granted to (platform staff). Audited."""
    if not actor_allowed(actor, can_create_agencies):
        raise NotAllowedError("Only platform operators (staff) may register agencies.")
    _check_session_policy({"session_idle_minutes": session_idle_minutes, "session_max_hours": session_max_hours})
    if Agency.objects.filter(slug=slug).exists():
        raise InvalidInputError(f"An agency with slug '{slug}' already exists.", field="slug")
    group_name = f"agency:{slug}"
    if Group.objects.filter(name=group_name).exists():
        # Never adopt a stray group: it could carry permissions granted to someone else.
        raise InvalidInputError(f"A group named '{group_name}' already exists; choose another slug.", field="slug")
    try:
        with transaction.atomic():
            group = Group.objects.create(name=group_name)
            agency = Agency.objects.create(
                name=name,
                slug=slug,
                kind=kind,
                jurisdiction=jurisdiction,
                phone=phone,
                email=email,
                require_mfa=require_mfa,
                session_idle_minutes=session_idle_minutes,
                session_max_hours=session_max_hours,
                les_read_requires_mfa=les_read_requires_mfa,
                les_offline_copies=les_offline_copies,
                group=group,
            )
    except IntegrityError as exc:  # another request took the slug between the check above and these inserts
        raise InvalidInputError(f"An agency with slug '{slug}' already exists.", field="slug") from exc
    audit_event_record(actor=actor, action=AuditAction.AGENCY_CREATE, obj=agency, agency=agency, ip_address=ip_address)
    return agency


@transaction.atomic
def agency_update(
    *,
    agency: Agency,
    actor: Actor | SystemActor,
    name: str | Unset = UNSET,
    slug: str | Unset = UNSET,
    kind: str | Unset = UNSET,
    jurisdiction: str | Unset = UNSET,
    phone: str | Unset = UNSET,
    email: str | Unset = UNSET,
    require_mfa: bool | Unset = UNSET,
    session_idle_minutes: int | Unset | None = UNSET,
    session_max_hours: int | Unset | None = UNSET,
    les_read_requires_mfa: bool | Unset = UNSET,
    les_offline_copies: bool | Unset = UNSET,
    ip_address: str | None = None,
) -> Agency:
    """Update an agency's card, MFA requirement and session policy (the fields given; None: the platform's
    default); the slug keeps its group name in step. Audited; its people's sessions follow a new policy
    within a minute."""
    _refuse_unless(can_manage_agency, actor, agency.pk, "Only this agency's admins may change its details.")
    given = _given(
        name=name,
        slug=slug,
        kind=kind,
        jurisdiction=jurisdiction,
        phone=phone,
        email=email,
        session_idle_minutes=session_idle_minutes,
        session_max_hours=session_max_hours,
        require_mfa=require_mfa,
        les_read_requires_mfa=les_read_requires_mfa,
        les_offline_copies=les_offline_copies,
    )
    _check_session_policy(given)
    # Compared with the stored row: the admin hands over an instance its form has already changed.
    changes = _changes(Agency.objects.select_for_update().get(pk=agency.pk), given)
    for field, value in given.items():
        setattr(agency, field, value)
    if "slug" in given:
        if Agency.objects.filter(slug=agency.slug).exclude(pk=agency.pk).exists():
            raise InvalidInputError(f"An agency with slug '{agency.slug}' already exists.", field="slug")
        agency.group.name = f"agency:{agency.slug}"
    try:
        with transaction.atomic():
            if "slug" in given:
                agency.group.save(update_fields=["name"])
            agency.save()
    except IntegrityError as exc:  # another request took the slug after the check above
        raise InvalidInputError(f"An agency with slug '{agency.slug}' already exists.", field="slug") from exc
    if "name" in changes:  # the header's agency switcher of its people names it
        header_counts_changed(Membership.objects.filter(agency_id=agency.pk).values_list("user_id", flat=True))
    if changes:
        audit_event_record(
            actor=actor,
            action=AuditAction.AGENCY_UPDATE,
            obj=agency,
            agency=agency,
            ip_address=ip_address,
            details={"changes": changes},
        )
    return agency


def _check_session_policy(given: dict[str, Any]) -> None:
    bounds = {
        "session_idle_minutes": (IDLE_MINUTES_MIN, IDLE_MINUTES_MAX, "minutes"),
        "session_max_hours": (LIFETIME_HOURS_MIN, LIFETIME_HOURS_MAX, "hours"),
    }
    for field, (low, high, unit) in bounds.items():
        value = given.get(field)
        if value is not None and not low <= value <= high:
            raise InvalidInputError(f"Choose from {low} to {high} {unit}, or leave it empty.", field=field)


@transaction.atomic
def user_create(
    *,
    actor: Actor | SystemActor,
    username: str,
    email: str,
    password: str,
    is_staff: bool = False,
    first_name: str = "",
    last_name: str = "",
    ip_address: str | None = None,
) -> User:
    """Create a sign-in account after Django's password validators accept the password (platform staff and
    agency admins; a staff account only by staff). Audited."""
    if not actor_allowed(actor, can_create_users):
        raise NotAllowedError("Only platform operators or agency admins may create users.")
    if is_staff and not actor_allowed(actor, can_create_staff_accounts):
        raise NotAllowedError("Only platform operators (staff) may create another operator's account.")
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInputError(f"The username '{username}' is taken.", field="username")
    candidate = User(username=username, email=email)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise InvalidInputError(" ".join(exc.messages), field="password") from exc
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username,
                email=email,
                password=password,
                is_staff=is_staff,
                first_name=first_name,
                last_name=last_name,
            )
    except IntegrityError as exc:  # the same username created by another request since the check above
        raise InvalidInputError(f"The username '{username}' is taken.", field="username") from exc
    audit_event_record(
        actor=actor, action=AuditAction.USER_CREATE, obj=user, ip_address=ip_address, details={"is_staff": is_staff}
    )
    return user


@transaction.atomic
def membership_add(
    *,
    agency: Agency,
    user: User,
    role: str,
    actor: Actor | SystemActor,
    ip_address: str | None = None,
) -> Membership:
    """Make a user a member of an agency with a role: they see what the agency is granted at once."""
    _refuse_unless(can_manage_agency, actor, agency.pk, "Only this agency's admins may add members.")
    try:
        with transaction.atomic():
            membership = Membership.objects.create(agency=agency, user=user, role=role)
    except IntegrityError as exc:
        raise ConflictError(
            f"{user.get_username()} is already a member of {agency}; change their role instead."
        ) from exc
    header_counts_changed([user.pk])  # the header's agency switcher (portal/header_cache.py)
    obligations_sync_for_person(user, agency_id=agency.pk)
    audit_event_record(
        actor=actor,
        action=AuditAction.MEMBERSHIP_ADD,
        obj=membership,
        agency=agency,
        ip_address=ip_address,
        details={"user": user.pk, "role": role},
    )
    return membership


@transaction.atomic
def member_invite(
    *,
    agency: Agency,
    username: str,
    email: str,
    role: str,
    actor: Actor | SystemActor,
    first_name: str = "",
    last_name: str = "",
    ip_address: str | None = None,
) -> User:
    """Create an account for a new person, add them to the agency, and queue their invitation e-mail.

    The mail (with the link to choose a password, as nobody knows the account's) goes through the outbox
    and the e-mail worker (`member.invited`), so a slow or unreachable mail server never holds the request.
    """
    _refuse_unless(can_manage_agency, actor, agency.pk, "Only this agency's admins may invite members.")
    user = user_create(
        actor=actor,
        username=username,
        email=email,
        password=secrets.token_urlsafe(32),
        first_name=first_name,
        last_name=last_name,
        ip_address=ip_address,
    )
    membership = membership_add(agency=agency, user=user, role=role, actor=actor, ip_address=ip_address)
    audit_event_record(
        actor=actor,
        action=AuditAction.MEMBERSHIP_INVITE,
        obj=user,
        agency=agency,
        ip_address=ip_address,
        details={"user": user.pk, "email": email, "role": role},
    )
    _invitation_send(membership=membership, actor=actor)
    return user


def _invitation_send(*, membership: Membership, actor: Actor | SystemActor) -> None:
    """Note when the invitation went out and queue its e-mail (the link in it is made when it is sent)."""
    membership.invited_at = timezone.now()
    membership.save(update_fields=["invited_at"])
    inviter = actor if actor.is_authenticated else None
    outbox_event_record(
        event_type=EventType.MEMBER_INVITED,
        plan=None,
        payload={
            "actor": inviter.pk if inviter is not None else None,
            "inviter_name": (inviter.get_full_name() or inviter.get_username()) if inviter else "Concord's operators",
            "agency": membership.agency_id,
            "agency_name": membership.agency.name,
            "user": membership.user_id,
            "role": membership.role,
            "role_label": Role(membership.role).label,
        },
    )


@transaction.atomic
def member_invitation_resend(
    *, membership: Membership, actor: Actor | SystemActor, ip_address: str | None = None
) -> Membership:
    """Send a member who has never signed in a new invitation, with a fresh link (the old one keeps its expiry).

    Refused (409) once they have signed in or chosen a password: they use "Forgot your password?" then.
    """
    _refuse_unless(can_manage_agency, actor, membership.agency_id, "Only this agency's admins may invite members.")
    membership = Membership.objects.select_for_update().select_related("agency", "user").get(pk=membership.pk)
    user = membership.user
    if not user.is_active:
        raise ConflictError(f"{user.get_username()}'s account is deactivated; it cannot be invited again.")
    if user.last_login is not None:
        raise ConflictError(
            f"{user.get_username()} has signed in already; if they forgot their password, "
            "they use “Forgot your password?” on the sign-in page."
        )
    if not user.email:
        raise ConflictError(f"{user.get_username()} has no e-mail address to send an invitation to.")
    _invitation_send(membership=membership, actor=actor)
    audit_event_record(
        actor=actor,
        action=AuditAction.MEMBERSHIP_INVITE_RESEND,
        obj=user,
        agency=membership.agency,
        ip_address=ip_address,
        details={"user": user.pk, "email": user.email},
    )
    return membership


def _refuse_losing_last_admin(membership: Membership) -> None:
    if membership.role != Role.ADMIN:
        return
    other_admins = Membership.objects.filter(agency_id=membership.agency_id, role=Role.ADMIN).exclude(pk=membership.pk)
    if not other_admins.exists():
        raise ConflictError(f"{membership.agency} must keep at least one admin; make someone else admin first.")


@transaction.atomic
def membership_change_role(
    *, membership: Membership, role: str, actor: Actor | SystemActor, ip_address: str | None = None
) -> Membership:
    """Change a member's role within their agency."""
    _refuse_unless(can_manage_agency, actor, membership.agency_id, "Only this agency's admins may change its members.")
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role == membership.role:
        return membership
    if role != Role.ADMIN:
        _refuse_losing_last_admin(membership)
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    header_counts_changed([membership.user_id])  # the header's agency switcher shows the role
    obligations_sync_for_person(membership.user_id, agency_id=membership.agency_id)
    audit_event_record(
        actor=actor,
        action=AuditAction.MEMBERSHIP_CHANGE,
        obj=membership,
        agency=membership.agency,
        ip_address=ip_address,
        details={"user": membership.user_id, "from": previous, "to": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Actor | SystemActor, ip_address: str | None = None) -> None:
    """Remove a member; they lose the agency's access at once."""
    _refuse_unless(can_manage_agency, actor, membership.agency_id, "Only this agency's admins may change its members.")
    membership = Membership.objects.select_for_update().select_related("agency", "user").get(pk=membership.pk)
    _refuse_losing_last_admin(membership)
    audit_event_record(
        actor=actor,
        action=AuditAction.MEMBERSHIP_REMOVE,
        obj=membership,
        agency=membership.agency,
        ip_address=ip_address,
        details={"user": membership.user_id, "role": membership.role},
    )
    # Their current assignments end (kept as the buildings' history).
    PersonnelAssignment.objects.filter(user=membership.user, agency=membership.agency, ended_on__isnull=True).update(
        ended_on=timezone.localdate()
    )
    ReadingGroupMember.objects.filter(user=membership.user, group__agency=membership.agency).delete()
    membership.delete()
    header_counts_changed([membership.user_id])  # the header's agency switcher
    obligations_sync_for_person(membership.user_id, agency_id=membership.agency_id)
    if not Membership.objects.filter(user_id=membership.user_id).exists():
        _leave_last_agency(user=membership.user, agency=membership.agency, actor=actor, ip_address=ip_address)


def _leave_last_agency(*, user: User, agency: Agency, actor: Actor | SystemActor, ip_address: str | None) -> None:
    """Someone who belongs to no agency any more keeps no way in: their sessions and API tokens end, and the
    account is deactivated (platform staff keep theirs: they work without an agency)."""
    reason = f"left their last agency, {agency}"
    sessions_and_tokens_end(user=user, actor=actor, reason=reason, agency=agency, ip_address=ip_address)
    if user.is_staff or not user.is_active:
        return
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_event_record(
        actor=actor,
        action=AuditAction.USER_DEACTIVATE,
        obj=user,
        agency=agency,
        ip_address=ip_address,
        details={"user": user.pk, "reason": reason},
    )


@transaction.atomic
def member_sessions_end(
    *, membership: Membership, actor: Actor | SystemActor, ip_address: str | None = None
) -> AccessEnded:
    """A lost phone: end every browser session and API token of a member of the agency at once (its admins).
    The member stays a member and signs in again with their password. Audited."""
    _refuse_unless(can_manage_agency, actor, membership.agency_id, "Only this agency's admins may do this.")
    return sessions_and_tokens_end(
        user=membership.user,
        actor=actor,
        reason=f"ended by an admin of {membership.agency}",
        agency=membership.agency,
        ip_address=ip_address,
    )


@transaction.atomic
def facility_create(
    *,
    name: str,
    kind: str,
    owner_agency: Agency,
    actor: Actor | SystemActor,
    address: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    ip_address: str | None = None,
) -> Facility:
    """Register a building an agency owns (its admins and planners, or staff). Audited."""
    _refuse_unless(
        can_edit_facilities_of,
        actor,
        owner_agency.pk,
        f"Only admins and planners of {owner_agency} may add its buildings.",
    )
    facility = Facility.objects.create(
        name=name,
        kind=kind,
        owner_agency=owner_agency,
        address=address,
        latitude=latitude,
        longitude=longitude,
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.FACILITY_CREATE,
        obj=facility,
        agency=owner_agency,
        ip_address=ip_address,
        details={"name": name, "kind": kind},
    )
    return facility


@transaction.atomic
def facility_update(
    *,
    facility: Facility,
    actor: Actor | SystemActor,
    name: str | Unset = UNSET,
    kind: str | Unset = UNSET,
    address: str | Unset = UNSET,
    latitude: Decimal | Unset | None = UNSET,
    longitude: Decimal | Unset | None = UNSET,
    ip_address: str | None = None,
) -> Facility:
    """Update a building's details (the fields given; its owner does not change here). Audited."""
    _refuse_unless(
        can_edit_facilities_of,
        actor,
        facility.owner_agency_id,
        "Only admins and planners of the owner agency may change this building.",
    )
    given = _given(name=name, kind=kind, address=address, latitude=latitude, longitude=longitude)
    # Compared with the stored row: the admin hands over an instance its form has already changed.
    changes = _changes(Facility.objects.select_for_update().get(pk=facility.pk), given)
    for field, value in given.items():
        setattr(facility, field, value)
    facility.save()
    if changes:
        audit_event_record(
            actor=actor,
            action=AuditAction.FACILITY_UPDATE,
            obj=facility,
            agency=facility.owner_agency,
            ip_address=ip_address,
            details={"changes": changes},
        )
    return facility

"""Every change to agencies, members, facilities and assignments; each call is one transaction."""

from typing import Any

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.services import api_tokens_revoke_all
from agencies.models import Agency, Facility, Membership, PersonnelAssignment, Role
from audit.models import AuditAction
from audit.services import audit_event_record
from portal.errors import ConflictError, InvalidInputError


@transaction.atomic
def agency_create(
    *,
    name: str,
    slug: str,
    kind: str,
    jurisdiction: str = "",
    phone: str = "",
    email: str = "",
) -> Agency:
    """Create an agency and the Django group its object permissions are granted to."""
    if Agency.objects.filter(slug=slug).exists():
        raise InvalidInputError(f"An agency with slug '{slug}' already exists.", field="slug")
    group_name = f"agency:{slug}"
    if Group.objects.filter(name=group_name).exists():
        # Never adopt a stray group: it could carry permissions granted to someone else.
        raise InvalidInputError(f"A group named '{group_name}' already exists; choose another slug.", field="slug")
    try:
        with transaction.atomic():
            group = Group.objects.create(name=group_name)
            return Agency.objects.create(
                name=name, slug=slug, kind=kind, jurisdiction=jurisdiction, phone=phone, email=email, group=group
            )
    except IntegrityError as exc:  # another request took the slug between the check above and these inserts
        raise InvalidInputError(f"An agency with slug '{slug}' already exists.", field="slug") from exc


@transaction.atomic
def agency_update(*, agency: Agency, data: dict[str, Any]) -> Agency:
    """Update an agency's card; the slug keeps its group name in step."""
    for field, value in data.items():
        setattr(agency, field, value)
    if "slug" in data:
        if Agency.objects.filter(slug=agency.slug).exclude(pk=agency.pk).exists():
            raise InvalidInputError(f"An agency with slug '{agency.slug}' already exists.", field="slug")
        agency.group.name = f"agency:{agency.slug}"
    try:
        with transaction.atomic():
            if "slug" in data:
                agency.group.save(update_fields=["name"])
            agency.save()
    except IntegrityError as exc:  # another request took the slug after the check above
        raise InvalidInputError(f"An agency with slug '{agency.slug}' already exists.", field="slug") from exc
    return agency


@transaction.atomic
def user_create(*, username: str, email: str, password: str, is_staff: bool = False) -> User:
    """Create a sign-in account after Django's password validators accept the password."""
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInputError(f"The username '{username}' is taken.", field="username")
    candidate = User(username=username, email=email)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise InvalidInputError(" ".join(exc.messages), field="password") from exc
    try:
        with transaction.atomic():
            return User.objects.create_user(username=username, email=email, password=password, is_staff=is_staff)
    except IntegrityError as exc:  # the same username created by another request since the check above
        raise InvalidInputError(f"The username '{username}' is taken.", field="username") from exc


@transaction.atomic
def membership_add(
    *,
    agency: Agency,
    user: User,
    role: str,
    actor: User | None,
    ip_address: str | None = None,
) -> Membership:
    """Make a user a member of an agency with a role, joining the agency's group."""
    try:
        with transaction.atomic():
            membership = Membership.objects.create(agency=agency, user=user, role=role)
    except IntegrityError as exc:
        raise ConflictError(
            f"{user.get_username()} is already a member of {agency}; change their role instead."
        ) from exc
    user.groups.add(agency.group)
    audit_event_record(
        actor=actor,
        action=AuditAction.MEMBERSHIP_ADD,
        obj=membership,
        agency=agency,
        ip_address=ip_address,
        details={"user": user.pk, "role": role},
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
    *, membership: Membership, role: str, actor: User | None, ip_address: str | None = None
) -> Membership:
    """Change a member's role within their agency."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role == membership.role:
        return membership
    if role != Role.ADMIN:
        _refuse_losing_last_admin(membership)
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
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
def membership_remove(*, membership: Membership, actor: User | None, ip_address: str | None = None) -> None:
    """Remove a member; they lose the agency's access at once."""
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
    membership.user.groups.remove(membership.agency.group)
    PersonnelAssignment.objects.filter(user=membership.user, agency=membership.agency).delete()
    membership.delete()
    if not Membership.objects.filter(user_id=membership.user_id).exists():
        # Someone who belongs to no agency any more keeps no API access either.
        api_tokens_revoke_all(user=membership.user, reason=f"left their last agency, {membership.agency}")


@transaction.atomic
def facility_create(
    *,
    name: str,
    kind: str,
    owner_agency: Agency,
    address: str = "",
    latitude: Any = None,
    longitude: Any = None,
) -> Facility:
    """Register a building an agency owns."""
    return Facility.objects.create(
        name=name,
        kind=kind,
        owner_agency=owner_agency,
        address=address,
        latitude=latitude,
        longitude=longitude,
    )


@transaction.atomic
def facility_update(*, facility: Facility, data: dict[str, Any]) -> Facility:
    """Update a building's details (its owner does not change here)."""
    for field, value in data.items():
        setattr(facility, field, value)
    facility.save()
    return facility


@transaction.atomic
def personnel_assignment_create(*, user: User, agency: Agency, facility: Facility, role: str) -> PersonnelAssignment:
    """Assign a member of an agency to a building (e.g. as its School Resource Officer)."""
    if not Membership.objects.filter(user=user, agency=agency).exists():
        raise InvalidInputError(f"{user.get_username()} is not a member of {agency}.", field="user")
    assignment, _ = PersonnelAssignment.objects.get_or_create(user=user, agency=agency, facility=facility, role=role)
    return assignment

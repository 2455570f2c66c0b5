"""Onboarding an agency without the operator's hands in the Django admin: the operator registers it and invites
its first admin; that admin imports the roster and sets the partners new plans are shared with. Each call is one
transaction, audited, and reuses the agencies' own services (agency_create, member_invite, membership_add)."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from access.actors import SystemActor, actor_allowed
from access.agencies import Actor
from access.coordination import can_onboard_agencies, can_set_up_agency
from agencies.models import Agency, Role
from agencies.services import agency_create, member_invite, membership_add
from audit.models import AuditAction
from audit.services import audit_event_record
from onboarding.models import SharingDefault, StateCoordinator
from onboarding.roster import ADD, ERROR, INVITE, RosterPreview, RosterRow, roster_preview
from portal.errors import ConflictError, DomainError, InvalidInputError, NotAllowedError

SLUG_LENGTH = 80


def _unique_slug(name: str) -> str:
    """The agency's name as a slug, numbered when another agency has it (one query)."""
    base = (slugify(name) or "agency")[: SLUG_LENGTH - 4].strip("-")
    taken = set(Agency.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


@dataclass(frozen=True)
class AgencyOnboarded:
    agency: Agency
    admin: User


@transaction.atomic
def agency_onboard(
    *,
    actor: Actor | SystemActor,
    name: str,
    kind: str,
    jurisdiction: str,
    admin_email: str,
    admin_first_name: str = "",
    admin_last_name: str = "",
    require_mfa: bool = False,
    ip_address: str | None = None,
) -> AgencyOnboarded:
    """Register an agency and invite its first admin by e-mail (platform operators): the invitation goes out
    through the outbox, and the person becomes the agency's admin once they choose their password. Audited as
    the agency's creation and the invitation."""
    if not actor_allowed(actor, can_onboard_agencies):
        raise NotAllowedError("Only platform operators may register agencies.")
    email = admin_email.strip().lower()
    if User.objects.filter(username__iexact=email).exists():
        raise InvalidInputError(
            f"{email} already has an account: register the agency, then add them on its page.", field="admin_email"
        )
    agency = agency_create(
        actor=actor,
        name=name,
        slug=_unique_slug(name),
        kind=kind,
        jurisdiction=jurisdiction,
        require_mfa=require_mfa,
        ip_address=ip_address,
    )
    admin = member_invite(
        agency=agency,
        username=email,
        email=email,
        role=Role.ADMIN,
        actor=actor,
        first_name=admin_first_name,
        last_name=admin_last_name,
        ip_address=ip_address,
    )
    return AgencyOnboarded(agency=agency, admin=admin)


@dataclass(frozen=True)
class RosterImported:
    """What the import did: every row, with those that failed since the preview marked as errors."""

    preview: RosterPreview
    invited: int
    added: int


@transaction.atomic
def roster_import(
    *, agency: Agency, actor: Actor | SystemActor, text: str, ip_address: str | None = None
) -> RosterImported:
    """Invite every new person of a roster and add those who have an account (the agency's admins): each through
    member_invite or membership_add (their audit rows and invitation e-mails), with one summary row in the trail.
    Rows with errors, and people already members, are left out; a row that fails now (taken since the preview)
    is reported as an error and the others go on."""
    if not actor_allowed(actor, lambda person: can_set_up_agency(person, agency.pk)):
        raise NotAllowedError("Only this agency's admins may import its roster.")
    preview = roster_preview(agency=agency, text=text)
    users = {user.pk: user for user in User.objects.filter(pk__in=[r.user_id for r in preview.rows if r.user_id])}
    invited = added = 0
    for row in preview.rows:
        if row.status not in (INVITE, ADD):
            continue
        try:
            with transaction.atomic():
                _import_row(agency=agency, actor=actor, row=row, users=users, ip_address=ip_address)
        except DomainError as exc:
            row.refuse(exc.message)
        else:
            invited, added = (invited + 1, added) if row.status == INVITE else (invited, added + 1)
    if invited or added:
        audit_event_record(
            actor=actor,
            action=AuditAction.ROSTER_IMPORT,
            obj=agency,
            agency=agency,
            ip_address=ip_address,
            details={
                "invited": invited,
                "added": added,
                "already_members": preview.count("member"),
                "errors": preview.count(ERROR),
            },
        )
    return RosterImported(preview=preview, invited=invited, added=added)


def _import_row(
    *, agency: Agency, actor: Actor | SystemActor, row: RosterRow, users: dict[int, User], ip_address: str | None
) -> None:
    if row.status == ADD and row.user_id is not None:
        membership_add(agency=agency, user=users[row.user_id], role=row.role, actor=actor, ip_address=ip_address)
        return
    member_invite(
        agency=agency,
        username=row.username,
        email=row.email,
        role=row.role,
        first_name=row.first_name,
        last_name=row.last_name,
        actor=actor,
        ip_address=ip_address,
    )


@transaction.atomic
def sharing_default_add(
    *, agency: Agency, partner: Agency, level: str, actor: Actor | SystemActor, ip_address: str | None = None
) -> SharingDefault:
    """Share the agency's new plans with a partner by default (its admins); a partner already there changes level.
    Plans that exist are not shared by this: their admins share them on each plan's page."""
    if not actor_allowed(actor, lambda person: can_set_up_agency(person, agency.pk)):
        raise NotAllowedError("Only this agency's admins may set its sharing defaults.")
    if partner.pk == agency.pk:
        raise InvalidInputError("An agency always sees its own plans; choose a partner agency.", field="partner")
    try:
        with transaction.atomic():
            default, created = SharingDefault.objects.update_or_create(
                agency=agency, partner=partner, defaults={"level": level}
            )
    except IntegrityError as exc:  # the same partner added by another request at the same moment
        raise ConflictError(f"{partner} was just added by someone else; reload the page.") from exc
    audit_event_record(
        actor=actor,
        action=AuditAction.SHARING_DEFAULT_ADD,
        obj=default,
        agency=agency,
        ip_address=ip_address,
        details={"partner": partner.pk, "level": level, "changed": not created},
    )
    return default


@transaction.atomic
def sharing_default_remove(
    *, default: SharingDefault, actor: Actor | SystemActor, ip_address: str | None = None
) -> None:
    """Stop sharing the agency's new plans with a partner by default (plans already shared stay shared)."""
    if not actor_allowed(actor, lambda person: can_set_up_agency(person, default.agency_id)):
        raise NotAllowedError("Only this agency's admins may set its sharing defaults.")
    audit_event_record(
        actor=actor,
        action=AuditAction.SHARING_DEFAULT_REMOVE,
        obj=default,
        agency=default.agency,
        ip_address=ip_address,
        details={"partner": default.partner_id, "level": default.level},
    )
    default.delete()


@transaction.atomic
def state_coordinator_grant(
    *, user: User, actor: Actor | SystemActor, ip_address: str | None = None
) -> StateCoordinator:
    """Make a person a state coordinator (platform operators): they see every agency's completeness, no plan."""
    if not actor_allowed(actor, can_onboard_agencies):
        raise NotAllowedError("Only platform operators may appoint state coordinators.")
    granted_by = actor if isinstance(actor, User) else None
    coordinator, created = StateCoordinator.objects.get_or_create(user=user, defaults={"granted_by": granted_by})
    if created:
        audit_event_record(
            actor=actor,
            action=AuditAction.COORDINATOR_GRANT,
            obj=user,
            ip_address=ip_address,
            details={"user": user.pk},
        )
    return coordinator

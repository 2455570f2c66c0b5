"""Creating, changing and deleting plans (their metadata, not their content); each service checks its actor."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from access.agencies import can_create_plans_for
from access.grants import grant_owner
from access.plans import RELEASED_STATES, plan_access
from agencies.models import Agency, Facility
from audit.models import AuditAction
from audit.services import audit_event_record
from consistency.conflict_services import facility_conflicts_refresh
from notifications.models import EventType
from notifications.services import outbox_event_record
from plans.models import (
    Attachment,
    Classification,
    Plan,
    PlanVersion,
    VersionState,
    classification_lowers,
)
from plans.services.annual_reviews import review_clock_start
from plans.services.common import event_payload, search_refresh
from plans.services.sharing import plan_share_defaults_apply
from plans.services.versions import SectionData, _draft_create
from portal.errors import ConflictError, NotAllowedError
from portal.unset import UNSET, Unset
from reading.queue_cache import plan_title_changed
from reading.sync import obligations_sync_for_plan


def _plan_create(
    *,
    actor: User,
    title: str,
    kind: str,
    owner_agency: Agency,
    facilities: Iterable[Facility],
    classification: str,
    review_interval_days: int,
    hazards: list[str] | None,
    creation_key: UUID | None = None,
    ip_address: str | None = None,
) -> Plan:
    plan = Plan.objects.create(
        creation_key=creation_key,
        title=title,
        kind=kind,
        owner_agency=owner_agency,
        classification=classification,
        review_interval_days=review_interval_days,
        hazards=hazards or [],
        created_by=actor,
    )
    plan.facilities.set(facilities)
    grant_owner(plan=plan)
    search_refresh(plan)
    audit_event_record(
        actor=actor, action=AuditAction.PLAN_CREATE, obj=plan, agency=owner_agency, ip_address=ip_address
    )
    plan_share_defaults_apply(plan=plan, actor=actor, ip_address=ip_address)
    return plan


def _require_plan_creator(actor: User, owner_agency: Agency) -> None:
    if not can_create_plans_for(actor, owner_agency.pk):
        raise NotAllowedError(f"Only admins and planners of {owner_agency} may create its plans.")


@transaction.atomic
def plan_create(
    *,
    actor: User,
    title: str,
    kind: str,
    owner_agency: Agency,
    facilities: Iterable[Facility],
    classification: str = Classification.PARTNER,
    review_interval_days: int = 365,
    hazards: list[str] | None = None,
) -> Plan:
    """Create a plan (admins and planners of its owner agency); the owner's group receives every permission."""
    _require_plan_creator(actor, owner_agency)
    return _plan_create(
        actor=actor,
        title=title,
        kind=kind,
        owner_agency=owner_agency,
        facilities=facilities,
        classification=classification,
        review_interval_days=review_interval_days,
        hazards=hazards,
    )


@dataclass(frozen=True)
class PlanCreated:
    """What plan_create_once made, or found for a key already used: the plan, its draft, whether it is new."""

    plan: Plan
    draft: PlanVersion | None
    created: bool


@transaction.atomic
def plan_create_once(
    *,
    actor: User,
    creation_key: UUID | None,
    title: str,
    kind: str,
    owner_agency: Agency,
    facilities: Iterable[Facility],
    classification: str = Classification.PARTNER,
    review_interval_days: int = 365,
    hazards: list[str] | None = None,
    first_draft: list[SectionData] | None = None,
    ip_address: str | None = None,
) -> PlanCreated:
    """A new plan as the New plan page and POST /plans/ make it, with its first draft when given its sections
    (the page always gives them; API clients start drafts with POST …/versions/), plan and draft or neither.

    Once per key: the same key again (a double-click, a retried API call, even at the same moment) returns the
    plan it created with its newest open draft, and created=False.
    """
    _require_plan_creator(actor, owner_agency)
    fields: dict[str, Any] = {
        "title": title,
        "kind": kind,
        "owner_agency": owner_agency,
        "facilities": facilities,
        "classification": classification,
        "review_interval_days": review_interval_days,
        "hazards": hazards,
    }
    try:
        with transaction.atomic():
            plan = _plan_create(actor=actor, creation_key=creation_key, ip_address=ip_address, **fields)
    except IntegrityError:
        # The unique key: an earlier or concurrent request with this key committed its plan first.
        existing = Plan.objects.filter(creation_key=creation_key).first() if creation_key is not None else None
        if existing is None:
            raise
    else:
        draft = (
            _draft_create(plan=plan, actor=actor, sections=first_draft, ip_address=ip_address)
            if first_draft is not None
            else None
        )
        return PlanCreated(plan=plan, draft=draft, created=True)
    if existing.created_by_id != actor.pk or (existing.owner_agency_id, existing.title) != (owner_agency.pk, title):
        raise ConflictError(
            "This key was already used to create another plan; send a new key for a new plan.",
            field="creation_key",
        )
    draft = existing.versions.filter(state=VersionState.DRAFT).order_by("-number").first()
    return PlanCreated(plan=existing, draft=draft, created=False)


@transaction.atomic
def plan_update(
    *,
    plan: Plan,
    actor: User,
    title: str | Unset = UNSET,
    kind: str | Unset = UNSET,
    facilities: Iterable[Facility] | Unset = UNSET,
    hazards: list[str] | Unset = UNSET,
    classification: str | Unset = UNSET,
    review_interval_days: int | Unset = UNSET,
    ip_address: str | None = None,
) -> Plan:
    """Change a plan's metadata (only the fields given); a new review interval moves the next review date.

    Changing the classification is an owner-admin action (like sharing: it decides who may read the plan; an
    operator may only raise it); lowering it alerts the owner agency's admins through the outbox.
    """
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    access = plan_access(user=actor, plan=plan)
    if not access.can_correct:
        raise NotAllowedError("Only admins and planners of the owner agency may change this plan.")
    previous_classification = plan.classification
    reclassified = classification is not UNSET and classification != previous_classification
    lowered = reclassified and classification_lowers(old=previous_classification, new=str(classification))
    # A platform operator (the admin site) may make a plan more restrictive, never less.
    if reclassified and not access.can_reclassify(lowers=lowered):
        raise NotAllowedError(
            "Only admins of the owner agency may change a plan's classification.", field="classification"
        )
    changed = [
        name
        for name, given, current in (
            ("title", title, plan.title),
            ("kind", kind, plan.kind),
            ("hazards", hazards, plan.hazards),
            ("review_interval_days", review_interval_days, plan.review_interval_days),
        )
        if given is not UNSET and given != current
    ]
    if title is not UNSET:
        plan.title = title
    if kind is not UNSET:
        plan.kind = kind
    if hazards is not UNSET:
        plan.hazards = hazards
    if classification is not UNSET:
        plan.classification = classification
    if review_interval_days is not UNSET:
        plan.review_interval_days = review_interval_days
        # From the last restart of the clock: the current version's publication or a later "reviewed — no changes".
        clock_start = review_clock_start(plan=plan)
        if clock_start is not None:
            plan.next_review_due = (clock_start + timedelta(days=plan.review_interval_days)).date()
    plan.save()
    buildings = None if isinstance(facilities, Unset) else list(facilities)
    if buildings is not None or (plan.classification != previous_classification and plan.current_version_id):
        covered = set(plan.facilities.values_list("pk", flat=True))
        if buildings is not None:
            if {facility.pk for facility in buildings} != covered:
                changed.append("facilities")
            plan.facilities.set(buildings)
        # Also on a new classification: who may read the plan decides which plans it is compared with
        # (consistency/conflict_services.py).
        facility_conflicts_refresh(facilities=[*covered, *(buildings or [])])
    if title is not UNSET:
        search_refresh(plan)
    if "title" in changed:
        plan_title_changed(plan.pk)  # its readers' kept "To read" pages sort by it
    if changed:
        audit_event_record(
            actor=actor,
            action=AuditAction.PLAN_UPDATE,
            obj=plan,
            agency=plan.owner_agency,
            ip_address=ip_address,
            details={"fields": changed},
        )
    if reclassified:
        obligations_sync_for_plan(plan)  # to or from public changes which agencies may read it
        audit_event_record(
            actor=actor,
            action=AuditAction.PLAN_RECLASSIFY,
            obj=plan,
            agency=plan.owner_agency,
            ip_address=ip_address,
            details={"from": previous_classification, "to": plan.classification},
        )
        if lowered:
            outbox_event_record(
                event_type=EventType.PLAN_CLASSIFICATION_LOWERED,
                plan=plan,
                payload=event_payload(
                    plan,
                    actor=actor,
                    previous_classification=previous_classification,
                    classification=plan.classification,
                ),
            )
    return plan


@transaction.atomic
def plan_delete(*, plan: Plan, actor: User, ip_address: str | None = None) -> None:
    """Delete a plan that was never published (published plans are withdrawn, not deleted)."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not plan_access(user=actor, plan=plan).can_delete:
        raise NotAllowedError("Only admins of the owner agency may delete this plan.")
    if plan.versions.filter(state__in=RELEASED_STATES).exists():
        raise ConflictError("This plan has been published and partners may rely on it; withdraw its version instead.")
    audit_event_record(
        actor=actor, action=AuditAction.PLAN_DELETE, obj=plan, agency=plan.owner_agency, ip_address=ip_address
    )
    attachments = list(Attachment.objects.filter(version__plan=plan))
    # Drafts may be deleted; the model refuses deleting anything else.
    for version in plan.versions.all():
        version.sections.all().delete()
        version.attachments.all().delete()
    covered = list(plan.facilities.values_list("pk", flat=True))
    plan.versions.all().delete()
    plan.delete()
    facility_conflicts_refresh(facilities=covered)
    transaction.on_commit(lambda: _delete_files(attachments))


def _delete_files(attachments: list[Attachment]) -> None:
    """Remove stored files once the rows that pointed at them are gone for good."""
    for attachment in attachments:
        if attachment.file.name:  # always, for a stored file
            attachment.file.storage.delete(attachment.file.name)

"""Creating, changing and deleting plans (their metadata, not their content)."""

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

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
    classification_lowers,
)
from plans.services.common import event_payload, search_refresh
from portal.errors import ConflictError, NotAllowedError


@transaction.atomic
def plan_create(
    *,
    actor: User,
    title: str,
    kind: str,
    owner_agency: Agency,
    facilities: list[Facility],
    classification: str = Classification.PARTNER,
    review_interval_days: int = 365,
    hazards: list[str] | None = None,
    creation_key: UUID | None = None,
) -> Plan:
    """Create a plan; the owner agency's group receives every permission on it."""
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
    audit_event_record(actor=actor, action=AuditAction.PLAN_CREATE, obj=plan, agency=owner_agency)
    return plan


def plan_create_once(*, creation_key: UUID, actor: User, **fields: Any) -> tuple[Plan, bool]:
    """plan_create, once per key: the same key again (a double-click, a retried API call, even at the same
    moment) returns the plan it created, and False. Call inside the caller's transaction or on its own."""
    try:
        with transaction.atomic():
            return plan_create(actor=actor, creation_key=creation_key, **fields), True
    except IntegrityError:
        # The unique key: an earlier or concurrent request with this key committed its plan first.
        existing = Plan.objects.filter(creation_key=creation_key).first()
        if existing is None:
            raise
    if existing.created_by_id != actor.pk or (existing.owner_agency_id, existing.title) != (
        fields["owner_agency"].pk,
        fields["title"],
    ):
        raise ConflictError(
            "This key was already used to create another plan; send a new key for a new plan.",
            field="creation_key",
        )
    return existing, False


@transaction.atomic
def plan_update(*, plan: Plan, actor: User, data: dict[str, Any], ip_address: str | None = None) -> Plan:
    """Change a plan's metadata; a new review interval moves the next review date.

    Changing the classification is an owner-admin action (like sharing: it decides who may read the plan; an
    operator may only raise it); lowering it alerts the owner agency's admins through the outbox.
    """
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    facilities = data.pop("facilities", None)
    previous_classification = plan.classification
    reclassified = "classification" in data and data["classification"] != previous_classification
    lowered = reclassified and classification_lowers(old=previous_classification, new=data["classification"])
    # A platform operator (the admin site) may make a plan more restrictive, never less.
    if reclassified and not (plan_access(user=actor, plan=plan).is_owner_admin or (actor.is_staff and not lowered)):
        raise NotAllowedError(
            "Only admins of the owner agency may change a plan's classification.", field="classification"
        )
    for field, value in data.items():
        setattr(plan, field, value)
    current = plan.current_version if "review_interval_days" in data else None
    if current is not None and current.published_at is not None:
        plan.next_review_due = (current.published_at + timedelta(days=plan.review_interval_days)).date()
    plan.save()
    if facilities is not None or (plan.classification != previous_classification and plan.current_version_id):
        covered = set(plan.facilities.values_list("pk", flat=True))
        if facilities is not None:
            plan.facilities.set(facilities)
        # Also on a new classification: who may read the plan decides which plans it is compared with
        # (consistency/conflict_services.py).
        facility_conflicts_refresh(facilities=[*covered, *(facilities or [])])
    if "title" in data:
        search_refresh(plan)
    if reclassified:
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
def plan_delete(*, plan: Plan, actor: User) -> None:
    """Delete a plan that was never published (published plans are withdrawn, not deleted)."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.versions.filter(state__in=RELEASED_STATES).exists():
        raise ConflictError("This plan has been published and partners may rely on it; withdraw its version instead.")
    audit_event_record(actor=actor, action=AuditAction.PLAN_DELETE, obj=plan, agency=plan.owner_agency)
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

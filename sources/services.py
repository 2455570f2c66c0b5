"""Writes about a plan's sources: declaring and removing them, and deciding what a source's change means for the
plan (start a draft to fold it in, or record that no change is needed). Each is one transaction that checks its
actor with access/sources.py and writes its audit row."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from access.plans import plan_access
from access.sources import can_build_on, can_declare_sources, can_review_source_changes
from audit.models import AuditAction
from audit.services import audit_event_record
from plans.models import Plan, PlanVersion, Section
from plans.services import plan_draft_start
from portal.errors import ConflictError, InvalidInputError, NotAllowedError
from sources.models import OPEN_STATUSES, PlanSource, SourceChange, SourceChangeStatus

MAX_REASON_LENGTH = 2_000
DECLARE_REFUSED = "Only admins and planners of the owner agency may change a plan's sources."
REVIEW_REFUSED = "Only admins and planners of the owner agency may review a source's change."


def _plan_locked(plan: Plan) -> Plan:
    return Plan.objects.select_for_update(of=("self",)).select_related("owner_agency").get(pk=plan.pk)


def _section_keys(plan: Plan) -> set[str]:
    """The keys of the plan's sections in its newest version (a draft's included): what a source may be for."""
    newest = PlanVersion.objects.filter(plan=plan).order_by("-number").values("pk")[:1]
    return set(Section.objects.filter(version_id__in=newest).values_list("key", flat=True))


@transaction.atomic
def plan_source_add(
    *, plan: Plan, source_plan: Plan, actor: User, section_key: str = "", ip_address: str | None = None
) -> tuple[PlanSource, bool]:
    """Declare that `plan` (or its section `section_key`) builds on `source_plan`: its writers, for any plan
    they may see. Declaring it again returns the existing link and False."""
    plan = _plan_locked(plan)
    access = plan_access(user=actor, plan=plan)
    if not can_declare_sources(access):
        raise NotAllowedError(DECLARE_REFUSED)
    source_access = plan_access(user=actor, plan=source_plan)
    if not source_access.can_view:
        raise InvalidInputError("Choose a plan you can see.", field="source_plan")
    if not can_build_on(access=access, source_access=source_access):
        raise InvalidInputError("A plan cannot build on itself.", field="source_plan")
    section_key = section_key.strip()
    if section_key and section_key not in _section_keys(plan):
        raise InvalidInputError("Choose one of this plan's sections, or none for the whole plan.", field="section_key")
    link, created = PlanSource.objects.get_or_create(
        plan=plan,
        source_plan=source_plan,
        section_key=section_key,
        defaults={"added_by": actor, "added_at": timezone.now()},
    )
    if created:
        audit_event_record(
            actor=actor,
            action=AuditAction.SOURCE_ADD,
            obj=link,
            agency=plan.owner_agency,
            ip_address=ip_address,
            details={"plan": plan.pk, "source_plan": source_plan.pk, "section_key": section_key},
        )
    return link, created


@transaction.atomic
def plan_source_remove(*, link: PlanSource, actor: User, ip_address: str | None = None) -> None:
    """The plan no longer builds on the source (its writers; seeing the source is not needed to remove it).
    Open reviews of that source are closed as no longer relevant; versions keep what they were written against."""
    plan = _plan_locked(link.plan)
    if not can_declare_sources(plan_access(user=actor, plan=plan)):
        raise NotAllowedError(DECLARE_REFUSED)
    source_id, key = link.source_plan_id, link.section_key
    link.delete()
    if not PlanSource.objects.filter(plan=plan, source_plan_id=source_id).exists():
        SourceChange.objects.filter(plan=plan, source_plan_id=source_id, status__in=OPEN_STATUSES).update(
            status=SourceChangeStatus.NO_CHANGE,
            decided_by=actor,
            decided_at=timezone.now(),
            reason="The plan no longer builds on this source.",
        )
    audit_event_record(
        actor=actor,
        action=AuditAction.SOURCE_REMOVE,
        obj=plan,
        agency=plan.owner_agency,
        ip_address=ip_address,
        details={"plan": plan.pk, "source_plan": source_id, "section_key": key},
    )


def _open_change_locked(change: SourceChange, actor: User) -> SourceChange:
    """The change under its plan's lock, for a writer of the plan; 409 once it is decided."""
    plan = _plan_locked(change.plan)
    if not can_review_source_changes(plan_access(user=actor, plan=plan)):
        raise NotAllowedError(REVIEW_REFUSED)
    change = SourceChange.objects.select_for_update().get(pk=change.pk)
    change.plan = plan
    if not change.is_open:
        raise ConflictError(f"This source change was already decided ({change.get_status_display().lower()}).")
    return change


@transaction.atomic
def source_change_no_change(
    *, change: SourceChange, actor: User, reason: str, ip_address: str | None = None
) -> SourceChange:
    """Record that the source's change needs no change to the plan, and why (audited). Earlier open changes of
    the same source are settled with it: the newest one covers them."""
    change = _open_change_locked(change, actor)
    reason = reason.strip()
    if not reason:
        raise InvalidInputError("Say why no change is needed.", field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInputError(f"Keep the reason under {MAX_REASON_LENGTH:,} characters.", field="reason")
    now = timezone.now()
    settled = SourceChange.objects.filter(
        plan=change.plan,
        source_plan_id=change.source_plan_id,
        status__in=OPEN_STATUSES,
        created_at__lte=change.created_at,
    ).update(status=SourceChangeStatus.NO_CHANGE, decided_by=actor, decided_at=now, reason=reason)
    change.refresh_from_db()
    audit_event_record(
        actor=actor,
        action=AuditAction.SOURCE_NO_CHANGE,
        obj=change,
        agency=change.plan.owner_agency,
        ip_address=ip_address,
        details={
            "plan": change.plan_id,
            "source_plan": change.source_plan_id,
            "source_version": change.source_version_id,
            "settled": settled,
            "reason": reason,
        },
    )
    return change


@transaction.atomic
def source_change_draft_start(*, change: SourceChange, actor: User, ip_address: str | None = None) -> PlanVersion:
    """Start (or continue) the plan's draft to fold the source's change in: the change is shown in the editor
    beside its sections until that draft is published."""
    change = _open_change_locked(change, actor)
    draft, _ = plan_draft_start(plan=change.plan, actor=actor, ip_address=ip_address)
    SourceChange.objects.filter(
        plan=change.plan, status__in=OPEN_STATUSES, source_plan_id=change.source_plan_id
    ).update(status=SourceChangeStatus.DRAFTING, draft=draft)
    return draft

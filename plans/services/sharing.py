"""Sharing plans with partner agencies and revoking it."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from access.grants import grant_share, revoke_share
from access.plans import plan_access
from agencies.models import Agency
from audit.models import AuditAction
from audit.services import audit_event_record
from consistency.conflict_services import facility_conflicts_refresh
from notifications.models import EventType
from notifications.services import outbox_event_record
from onboarding.models import SharingDefault
from plans.models import (
    Plan,
    PlanShare,
)
from plans.services.common import event_payload
from portal.errors import InvalidInputError, NotAllowedError
from reading.sync import obligations_sync


@transaction.atomic
def plan_share(*, plan: Plan, agency: Agency, level: str, actor: User, ip_address: str | None = None) -> PlanShare:
    """Share a plan with a partner agency at a level (re-sharing changes the level); owner admins only."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not plan_access(user=actor, plan=plan).can_share:
        raise NotAllowedError("Only admins of the owner agency may share this plan.")
    return _share(plan=plan, agency=agency, level=level, actor=actor, ip_address=ip_address)


def plan_share_defaults_apply(*, plan: Plan, actor: User, ip_address: str | None = None) -> list[PlanShare]:
    """Share a new plan with the partners its owner's admins chose as sharing defaults (onboarding/), whoever
    of its admins or planners creates it: the admins' choice is the permission. In the plan's transaction."""
    defaults = SharingDefault.objects.filter(agency_id=plan.owner_agency_id).select_related("partner").order_by("pk")
    return [
        _share(plan=plan, agency=default.partner, level=default.level, actor=actor, ip_address=ip_address, default=True)
        for default in defaults
    ]


def _share(
    *, plan: Plan, agency: Agency, level: str, actor: User, ip_address: str | None, default: bool = False
) -> PlanShare:
    if agency.pk == plan.owner_agency_id:
        raise InvalidInputError("The owner agency already has full access to its own plan.", field="agency")
    share, created = PlanShare.objects.select_for_update().get_or_create(
        plan=plan, agency=agency, defaults={"level": level, "shared_at": timezone.now(), "shared_by": actor}
    )
    if not created:
        if share.level == level:
            return share
        share.level = level
        share.shared_at = timezone.now()
        share.shared_by = actor
        share.save(update_fields=["level", "shared_at", "shared_by"])
    grant_share(plan=plan, agency=agency, level=level)
    obligations_sync(plan_ids=[plan.pk], agency_ids=[agency.pk])
    if created and plan.current_version_id:
        # Conflicts are only found between plans whose owners read each other's: a new reader may make a pair.
        facility_conflicts_refresh(facilities=plan.facilities.values_list("pk", flat=True))
    details = {"partner": agency.pk, "level": level, "changed": not created}
    if default:
        details["sharing_default"] = True
    audit_event_record(
        actor=actor,
        action=AuditAction.PLAN_SHARE,
        obj=plan,
        agency=plan.owner_agency,
        ip_address=ip_address,
        details=details,
    )
    outbox_event_record(
        event_type=EventType.PLAN_SHARED,
        plan=plan,
        payload=event_payload(plan, actor=actor, partner=agency.pk, level=level),
    )
    return share


@transaction.atomic
def plan_unshare(*, plan: Plan, agency: Agency, actor: User, ip_address: str | None = None) -> None:
    """Revoke a partner's access at once (owner admins only)."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not plan_access(user=actor, plan=plan).can_share:
        raise NotAllowedError("Only admins of the owner agency may revoke a share.")
    deleted, _ = PlanShare.objects.filter(plan=plan, agency=agency).delete()
    if not deleted:
        raise InvalidInputError(f"{plan} is not shared with {agency}.", field="agency")
    revoke_share(plan=plan, agency=agency)
    obligations_sync(plan_ids=[plan.pk], agency_ids=[agency.pk])  # a partner that may not read it owes nothing
    if plan.current_version_id:
        # The partner may no longer read this plan: its conflicts with the partner's plans go
        # (consistency/conflict_services.py compares only plans whose owners read each other's).
        facility_conflicts_refresh(facilities=plan.facilities.values_list("pk", flat=True))
    audit_event_record(
        actor=actor,
        action=AuditAction.PLAN_UNSHARE,
        obj=plan,
        agency=plan.owner_agency,
        ip_address=ip_address,
        details={"partner": agency.pk},
    )
    outbox_event_record(
        event_type=EventType.PLAN_UNSHARED, plan=plan, payload=event_payload(plan, actor=actor, partner=agency.pk)
    )

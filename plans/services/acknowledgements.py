"""Acknowledging versions, personally and for an agency."""

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from access.plans import plan_access
from agencies.models import Agency
from audit.models import AuditAction
from audit.services import audit_event_record
from plans.models import (
    Acknowledgement,
    AgencyAcknowledgement,
    Plan,
    PlanVersion,
    VersionState,
)
from portal.errors import ConflictError, NotAllowedError
from reading.sync import obligations_acknowledge


@transaction.atomic
def plan_version_acknowledge(
    *, version: PlanVersion, actor: User, agency: Agency | None = None, ip_address: str | None = None
) -> dict[str, Any]:
    """A reader of the plan acknowledges a version; as admin or liaison, for their agency (or agencies) too."""
    plan = Plan.objects.select_related("owner_agency").get(pk=version.plan_id)
    access = plan_access(user=actor, plan=plan)
    if not access.can_view:
        raise NotAllowedError("Only people who may read this plan may acknowledge it.")
    if version.state != VersionState.PUBLISHED:
        raise ConflictError(
            f"Version {version.number} is {version.state}; only the current published version can be acknowledged."
        )
    eligible = access.agencies_acknowledging()
    if agency is not None:
        if agency.pk not in eligible:
            raise NotAllowedError(
                f"Only admins and liaisons of {agency} may acknowledge for it, and only when it may see the plan."
            )
        eligible = [agency.pk]
    now = timezone.now()
    personal, created = Acknowledgement.objects.get_or_create(
        version=version, user=actor, defaults={"acknowledged_at": now}
    )
    if created:
        obligations_acknowledge(user_id=actor.pk, version_id=version.pk, acknowledged_at=now)
    existing = set(
        AgencyAcknowledgement.objects.filter(version=version, agency_id__in=eligible).values_list(
            "agency_id", flat=True
        )
    )
    new_agencies = [agency_id for agency_id in eligible if agency_id not in existing]
    AgencyAcknowledgement.objects.bulk_create(
        [
            AgencyAcknowledgement(version=version, agency_id=agency_id, acknowledged_by=actor, acknowledged_at=now)
            for agency_id in new_agencies
        ],
        ignore_conflicts=True,
    )
    # One row per acknowledgement recorded now (none when all were there already); the plan's owner is the
    # agency of record, the acknowledging agency is in the details.
    details = {"plan": version.plan_id, "number": version.number}
    owner = plan.owner_agency
    if created:
        audit_event_record(
            actor=actor,
            action=AuditAction.VERSION_ACKNOWLEDGE,
            obj=version,
            agency=owner,
            ip_address=ip_address,
            details=details,
        )
    for agency_id in new_agencies:
        audit_event_record(
            actor=actor,
            action=AuditAction.VERSION_ACKNOWLEDGE_AGENCY,
            obj=version,
            agency=owner,
            ip_address=ip_address,
            details={**details, "for_agency": agency_id},
        )
    return {"version": version.number, "acknowledged_at": personal.acknowledged_at, "agencies": eligible}

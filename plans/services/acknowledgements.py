"""Acknowledging versions, and auditing reads of law-enforcement-sensitive plans."""

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency
from audit.models import AuditAction
from audit.services import audit_event_record
from plans.models import (
    Acknowledgement,
    AgencyAcknowledgement,
    Classification,
    Plan,
    PlanVersion,
    VersionState,
)
from plans.permissions import PlanAccess
from portal.errors import ConflictError, NotAllowedError


@transaction.atomic
def plan_version_acknowledge(
    *, version: PlanVersion, user: User, access: PlanAccess, agency: Agency | None = None
) -> dict[str, Any]:
    """The user acknowledges a version; as admin or liaison, for their agency (or agencies) too."""
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
    personal, _ = Acknowledgement.objects.get_or_create(version=version, user=user, defaults={"acknowledged_at": now})
    existing = set(
        AgencyAcknowledgement.objects.filter(version=version, agency_id__in=eligible).values_list(
            "agency_id", flat=True
        )
    )
    AgencyAcknowledgement.objects.bulk_create(
        [
            AgencyAcknowledgement(version=version, agency_id=agency_id, acknowledged_by=user, acknowledged_at=now)
            for agency_id in eligible
            if agency_id not in existing
        ],
        ignore_conflicts=True,
    )
    return {"version": version.number, "acknowledged_at": personal.acknowledged_at, "agencies": eligible}


def plan_sensitive_read_record(
    *,
    plan: Plan,
    actor: User,
    ip_address: str | None,
    what: str,
    obj: Any = None,
) -> None:
    """Audit a read or download of a law-enforcement-sensitive plan (no-op for other plans)."""
    if plan.classification != Classification.LAW_ENFORCEMENT_SENSITIVE:
        return
    action = AuditAction.ATTACHMENT_DOWNLOAD if what == "download" else AuditAction.PLAN_READ
    audit_event_record(
        actor=actor,
        action=action,
        obj=obj if obj is not None else plan,
        agency=plan.owner_agency,
        ip_address=ip_address,
        details={"plan": plan.pk, "what": what},
    )

"""Acknowledging versions, personally and for an agency."""

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from access.plans import PlanAccess
from agencies.models import Agency
from plans.models import (
    Acknowledgement,
    AgencyAcknowledgement,
    PlanVersion,
    VersionState,
)
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

"""Writing the key facts a draft states about the facilities its plan covers, and carrying them into new drafts."""

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from access.actors import SystemActor, actor_allowed
from access.plans import plan_access
from agencies.models import Facility
from audit.models import AuditAction
from audit.services import audit_event_record
from consistency.facts import facts_clean
from consistency.models import FacilityFact
from plans.models import PlanVersion
from portal.errors import ConflictError, InvalidInputError, NotAllowedError


@transaction.atomic
def facility_facts_set(
    *,
    version: PlanVersion,
    facility: Facility,
    facts: dict[str, Any],
    actor: User | SystemActor,
    ip_address: str | None = None,
) -> list[FacilityFact]:
    """Replace what a draft states about one covered facility; keys left out or empty are removed. Audited.

    `facts` maps a FactKey to its raw value as the API takes it (consistency/facts.py says which keys exist and
    which rules apply; an unknown key is refused, never stored). Only the owner's admins and planners
    (NotAllowedError; `actor=SYSTEM` is the system itself, e.g. fixtures, never a request); drafts only
    (ConflictError); the facility must be one the plan covers (InvalidInputError).
    """
    version = PlanVersion.objects.select_for_update().select_related("plan__owner_agency").get(pk=version.pk)
    if not actor_allowed(actor, lambda person: plan_access(user=person, plan=version.plan).can_edit):
        raise NotAllowedError("Only admins and planners of the owner agency may set key facts.")
    if not version.is_draft:
        raise ConflictError(
            f"Version {version.number} is {version.state}; its key facts cannot change. "
            "Start a new draft from the current version and edit the facts there."
        )
    if not version.plan.facilities.filter(pk=facility.pk).exists():
        raise InvalidInputError(
            f"{facility.name} is not covered by this plan; add it to the plan's buildings first.", field="facility"
        )
    cleaned = facts_clean(facts)
    FacilityFact.objects.filter(version=version, facility=facility).delete()
    audit_event_record(
        actor=actor,
        action=AuditAction.FACTS_SET,
        obj=version,
        agency=version.plan.owner_agency,
        ip_address=ip_address,
        details={"plan": version.plan_id, "number": version.number, "facility": facility.pk, "keys": sorted(cleaned)},
    )
    return FacilityFact.objects.bulk_create(
        FacilityFact(
            version=version,
            facility=facility,
            key=key,
            text=value.text,
            latitude=value.latitude,
            longitude=value.longitude,
        )
        for key, value in cleaned.items()
    )


def facility_facts_copy(*, source: PlanVersion, target: PlanVersion) -> int:
    """Copy a version's facts into a new draft, for the facilities the plan still covers (inside the caller's
    transaction, like the sections plan_version_create_draft copies). Returns how many were copied."""
    facts = FacilityFact.objects.filter(version=source, facility__in=target.plan.facilities.values("pk")).values_list(
        "facility_id", "key", "text", "latitude", "longitude"
    )
    created = FacilityFact.objects.bulk_create(
        FacilityFact(version=target, facility_id=facility_id, key=key, text=text, latitude=lat, longitude=lon)
        for facility_id, key, text, lat, lon in facts
    )
    return len(created)


def facility_facts_digest_rows(*, version: PlanVersion) -> list[list[str | None]]:
    """The version's facts as plain, ordered rows for its content digest (plans.services.versions)."""
    rows = FacilityFact.objects.filter(version=version).order_by("facility_id", "key")
    return [
        [str(facility_id), key, text, None if lat is None else str(lat), None if lon is None else str(lon)]
        for facility_id, key, text, lat, lon in rows.values_list("facility_id", "key", "text", "latitude", "longitude")
    ]

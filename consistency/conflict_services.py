"""Keeping FactConflict true: recomputed for the buildings a plan change touches, inside that change's transaction.

Only plans whose owners may each read the other's plan are compared (README, "Conflicts never reveal a hidden
fact"): whatever a comparison writes (rows, alerts, their ids, the time it takes) then depends only on facts
that both owners, and so whoever could have caused the comparison, may already read.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from django.db import transaction
from django.utils import timezone

from access.audience import plan_readers
from agencies.models import Facility
from consistency.compare import FactValue, Finding, contradictions, differences
from consistency.models import FacilityFact, FactConflict, FactKey
from notifications.models import EventType
from notifications.services import outbox_event_record
from plans.models import Plan

# The unique key of a conflict row: (facility, first_version, first_key, second_version, second_key).
RowKey = tuple[int, int, str, int, str]
# What owners were alerted about: the same plans disagreeing the same way, whichever versions they are at.
Signature = tuple[int, str, int, str, int, str]


@dataclass(frozen=True)
class _Side:
    """A plan's current version as it stands at one facility it covers."""

    plan_id: int
    plan_title: str
    version_id: int
    version_number: int
    agency_id: int
    agency_name: str
    classification: str
    facts: dict[str, FactValue]


def _facility_ids(facilities: Iterable[Facility | int]) -> list[int]:
    return sorted({item if isinstance(item, int) else item.pk for item in facilities})


def _sides_by_facility(facility_ids: list[int]) -> dict[int, list[_Side]]:
    """Every plan with a current version covering each facility, with its facts there (two queries)."""
    covers = list(
        Plan.facilities.through.objects.filter(facility_id__in=facility_ids, plan__current_version__isnull=False)
        .order_by("facility_id", "plan_id")
        .values_list(
            "facility_id",
            "plan_id",
            "plan__title",
            "plan__current_version_id",
            "plan__current_version__number",
            "plan__owner_agency_id",
            "plan__owner_agency__name",
            "plan__classification",
        )
    )
    facts: dict[tuple[int, int], dict[str, FactValue]] = defaultdict(dict)
    rows = FacilityFact.objects.filter(
        facility_id__in=facility_ids, version_id__in={row[3] for row in covers}
    ).values_list("version_id", "facility_id", "key", "text", "latitude", "longitude")
    for version_id, facility_id, key, text, latitude, longitude in rows:
        facts[version_id, facility_id][key] = FactValue(text=text, latitude=latitude, longitude=longitude)
    sides: dict[int, list[_Side]] = defaultdict(list)
    for facility_id, plan_id, title, version_id, number, agency_id, agency_name, classification in covers:
        stated = facts.get((version_id, facility_id))
        if stated:
            sides[facility_id].append(
                _Side(plan_id, title, version_id, number, agency_id, agency_name, classification, stated)
            )
    return sides


def _readers(sides: Iterable[_Side]) -> set[tuple[int, int]]:
    """(plan, agency) pairs among these sides where the agency may read the plan (one query)."""
    sides = list(sides)
    return plan_readers(
        classifications={side.plan_id: side.classification for side in sides},
        agency_ids={side.agency_id for side in sides},
    )


def _see_each_other(one: _Side, two: _Side, readers: set[tuple[int, int]]) -> bool:
    """Whether each plan's owner may read the other plan."""
    return (one.plan_id, two.agency_id) in readers and (two.plan_id, one.agency_id) in readers


def _findings(first: _Side, second: _Side) -> list[tuple[_Side, _Side, Finding]]:
    """Disagreements between two agencies' plans, each oriented so that its first side holds its first key."""
    found = [(first, second, finding) for finding in differences(first.facts, second.facts)]
    found += [(first, second, finding) for finding in contradictions(first.facts, second.facts)]
    found += [(second, first, finding) for finding in contradictions(second.facts, first.facts)]
    return found


def _signature(conflict: FactConflict) -> Signature:
    return (
        conflict.facility_id,
        conflict.first_key,
        conflict.first_plan_id,
        conflict.second_key,
        conflict.second_plan_id,
        conflict.kind,
    )


def _row_key(conflict: FactConflict) -> RowKey:
    return (
        conflict.facility_id,
        conflict.first_version_id,
        conflict.first_key,
        conflict.second_version_id,
        conflict.second_key,
    )


def _alert_payload(
    conflict: FactConflict, facility_name: str, own: _Side, other: _Side, own_key: str, other_key: str
) -> dict[str, Any]:
    """What a side's owners are told: their own plan, the building, the facts and the other agency; never the
    other plan's title, version or wording (they may read it, but an e-mail or webhook is no place for it)."""
    return {
        "plan": own.plan_id,
        "plan_title": own.plan_title,
        "owner_agency": own.agency_id,
        "version": own.version_number,
        "facility": conflict.facility_id,
        "facility_name": facility_name,
        "fact": own_key,
        "fact_label": FactKey(own_key).label,
        "other_fact": other_key,
        "other_fact_label": FactKey(other_key).label,
        "kind": conflict.kind,
        "other_agency": other.agency_id,
        "other_agency_name": other.agency_name,
        # Only for choosing the recipients at delivery (they must still be able to read it); never sent on.
        "other_plan": other.plan_id,
        "conflict": conflict.pk,
    }


@transaction.atomic
def facility_conflicts_refresh(*, facilities: Iterable[Facility | int]) -> list[FactConflict]:
    """Recompute the conflicts at these buildings from the current versions covering them; returns (and
    alerts both owners about) the conflicts that did not exist just before. Query count does not grow with
    the number of buildings, plans or facts, only with the alerts recorded."""
    facility_ids = _facility_ids(facilities)
    if not facility_ids:
        return []
    # Lock the buildings so two publishes touching one building recompute it one after the other.
    names = dict(
        Facility.objects.select_for_update().filter(pk__in=facility_ids).order_by("pk").values_list("pk", "name")
    )
    sides = _sides_by_facility(facility_ids)
    readers = _readers(side for facility_sides in sides.values() for side in facility_sides)
    now = timezone.now()
    wanted: dict[RowKey, FactConflict] = {}
    side_of: dict[RowKey, tuple[_Side, _Side]] = {}
    for facility_id, facility_sides in sides.items():
        for one, two in combinations(facility_sides, 2):
            if one.agency_id == two.agency_id:
                continue  # one agency's own plans may differ; only agencies disagreeing is a conflict
            if not _see_each_other(one, two, readers):
                # Never even compared: a conflict, or its absence, would tell an owner about a fact it may not
                # read (a guessed radio channel that stops conflicting is a right guess).
                continue
            for first, second, finding in _findings(one, two):
                conflict = FactConflict(
                    facility_id=facility_id,
                    kind=finding.kind,
                    first_key=finding.first_key,
                    second_key=finding.second_key,
                    first_version_id=first.version_id,
                    second_version_id=second.version_id,
                    first_plan_id=first.plan_id,
                    second_plan_id=second.plan_id,
                    first_agency_id=first.agency_id,
                    second_agency_id=second.agency_id,
                    detected_at=now,
                )
                wanted[_row_key(conflict)] = conflict
                side_of[_row_key(conflict)] = (first, second)

    existing = {_row_key(row): row for row in FactConflict.objects.filter(facility_id__in=facility_ids)}
    stale = [row.pk for key, row in existing.items() if key not in wanted]
    if stale:
        FactConflict.objects.filter(pk__in=stale).delete()
    # A disagreement that only moved to a newer version keeps its first detection time and is not re-alerted.
    known_since = {_signature(row): row.detected_at for row in existing.values()}
    new_rows = [conflict for key, conflict in wanted.items() if key not in existing]
    for conflict in new_rows:
        conflict.detected_at = known_since.get(_signature(conflict), now)
    created = FactConflict.objects.bulk_create(new_rows)

    alerted = [conflict for conflict in created if _signature(conflict) not in known_since]
    for conflict in alerted:
        first, second = side_of[_row_key(conflict)]
        name = names.get(conflict.facility_id, "")
        for own, other, own_key, other_key in (
            (first, second, conflict.first_key, conflict.second_key),
            (second, first, conflict.second_key, conflict.first_key),
        ):
            outbox_event_record(
                event_type=EventType.FACILITY_CONFLICT,
                plan=Plan(pk=own.plan_id),
                payload=_alert_payload(conflict, name, own, other, own_key, other_key),
                dedupe_key=f"facility.conflict:{conflict.pk}:{own.plan_id}",
            )
    return alerted

"""The nightly full sync: every agency's obligations made equal to its requirements again, a bounded piece at a time.

`obligations_sync()` with no scope would hold every obligation of the state in memory at once. Here each call
covers one agency and as many of its plans as keep (people x plans) under `cell_limit`, each in its own
transaction, so memory stays bounded by the piece and a failure loses one piece, not the night's work.
Plans that only have obligations left (their requirement was removed) are included, so those are deleted.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count

from agencies.models import Membership
from reading.models import ReadingObligation, ReadingRequirement
from reading.sync import obligations_sync

CELL_LIMIT = 50_000


@dataclass(frozen=True)
class FullSyncResult:
    calls: int
    created: int
    updated: int
    deleted: int


def _plans_by_agency() -> dict[int, list[int]]:
    """Every (agency, plan) with a requirement or an obligation, as {agency: [plans]} (two queries)."""
    pairs = set(ReadingRequirement.objects.values_list("agency_id", "plan_id").distinct())
    pairs |= set(ReadingObligation.objects.values_list("agency_id", "plan_id").distinct().order_by())
    plans: dict[int, list[int]] = {}
    for agency_id, plan_id in sorted(pairs):
        plans.setdefault(agency_id, []).append(plan_id)
    return plans


def obligations_sync_all(
    *, cell_limit: int = CELL_LIMIT, progress: Callable[[int, int], None] | None = None
) -> FullSyncResult:
    """Sync every agency's obligations in pieces of at most `cell_limit` people x plans (one plan at least)."""
    plans = _plans_by_agency()
    people = dict(
        Membership.objects.filter(agency_id__in=plans.keys())
        .values("agency_id")
        .annotate(n=Count("id"))
        .values_list("agency_id", "n")
        .order_by()
    )
    calls = created = updated = deleted = 0
    for done, (agency_id, plan_ids) in enumerate(plans.items(), start=1):
        step = max(1, cell_limit // max(1, people.get(agency_id, 0)))
        for start in range(0, len(plan_ids), step):
            result = obligations_sync(agency_ids=[agency_id], plan_ids=plan_ids[start : start + step])
            calls += 1
            created, updated, deleted = created + result.created, updated + result.updated, deleted + result.deleted
        if progress is not None:
            progress(done, len(plans))
    return FullSyncResult(calls=calls, created=created, updated=updated, deleted=deleted)

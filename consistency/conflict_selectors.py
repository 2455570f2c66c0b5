"""Reads of conflicts between agencies' plans: only those whose two plans the asking user may both read.

A conflict says something about both sides' facts (that they differ, or that one plan's staging area is the
other's reunification site), so showing it to someone who may read only one side would tell them about a fact
they may not read. Such a user sees no trace of it: no row, no count, no contact line.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q

from access.plans import plans_visible_to
from agencies.models import Agency, Facility
from consistency.models import FacilityFact, FactConflict, FactKey
from plans.models import Plan
from portal.compiled_queries import CompiledQuery


@dataclass(frozen=True)
class SideFact:
    """A fact as a visible side states it."""

    text: str
    latitude: Decimal | None
    longitude: Decimal | None


@dataclass(frozen=True)
class ConflictSide:
    """One agency's side of a conflict: its plan, the version and what it states (the user may read them all)."""

    agency: Agency
    key: str
    plan_id: int
    plan_title: str
    version_number: int
    fact: SideFact | None = None

    @property
    def key_label(self) -> str:
        return FactKey(self.key).label


@dataclass(frozen=True)
class ConflictRow:
    """A conflict as one user sees it: the building, the kind, and both sides."""

    id: int
    kind: str
    kind_label: str
    facility: Facility
    fact: str
    other_fact: str
    detected_at: datetime
    sides: tuple[ConflictSide, ConflictSide]

    @property
    def plan_ids(self) -> set[int]:
        """The plans whose facts this conflict shows (both sides)."""
        return {side.plan_id for side in self.sides}

    @property
    def fact_label(self) -> str:
        return FactKey(self.fact).label

    @property
    def other_fact_label(self) -> str:
        return FactKey(self.other_fact).label


def _side(conflict: FactConflict, which: str, facts: dict) -> ConflictSide:
    plan: Plan = getattr(conflict, f"{which}_plan")
    key: str = getattr(conflict, f"{which}_key")
    return ConflictSide(
        agency=getattr(conflict, f"{which}_agency"),
        key=key,
        plan_id=plan.pk,
        plan_title=plan.title,
        version_number=getattr(conflict, f"{which}_version").number,
        fact=facts.get((getattr(conflict, f"{which}_version_id"), conflict.facility_id, key)),
    )


_PLAN_HAS_CONFLICT = CompiledQuery(
    lambda plan_id: (
        FactConflict.objects.filter(Q(first_plan_id=plan_id) | Q(second_plan_id=plan_id))
        .order_by()
        .values_list("pk")[:1]
    ),
    "plan_id",
)
_FACILITY_HAS_CONFLICT = CompiledQuery(
    lambda facility_id: FactConflict.objects.filter(facility_id=facility_id).order_by().values_list("pk")[:1],
    "facility_id",
)


def conflicts_visible_to(
    *,
    user: User | AnonymousUser,
    facility: Facility | None = None,
    plan: Plan | None = None,
    agency: Agency | None = None,
    limit: int | None = None,
) -> list[ConflictRow]:
    """Conflicts the user may see (they may read both sides' plans), narrowed to a building, a plan or an
    agency's side; at most three queries whatever the number of conflicts."""
    if not user.is_authenticated:
        return []
    # Most buildings and plans have no conflict: a plain look first spares the page building and running the
    # visibility rule twice (docs/benchmarks.md, "The facility page and a plan's page"); the plan page's and the
    # building page's looks by SQL compiled once per process.
    looked = False
    if plan is not None and facility is None and agency is None:
        if not _PLAN_HAS_CONFLICT(plan_id=plan.pk):
            return []
        looked = True
    elif facility is not None and plan is None and agency is None:
        if not _FACILITY_HAS_CONFLICT(facility_id=facility.pk):
            return []
        looked = True
    conflicts = FactConflict.objects.all()
    if facility is not None:
        conflicts = conflicts.filter(facility=facility)
    if plan is not None:
        conflicts = conflicts.filter(Q(first_plan=plan) | Q(second_plan=plan))
    if agency is not None:
        conflicts = conflicts.filter(Q(first_agency=agency) | Q(second_agency=agency))
    if not looked and (facility is not None or plan is not None) and not conflicts.exists():
        return []
    visible_plans = plans_visible_to(user=user).order_by().values("id")
    conflicts = (
        conflicts.filter(first_plan__in=visible_plans, second_plan__in=visible_plans)
        .select_related(
            "facility",
            "first_agency",
            "second_agency",
            "first_version",
            "second_version",
            "first_plan",
            "second_plan",
        )
        .only(
            *(
                f"{name}__{field}"
                for name in ("first_agency", "second_agency")
                for field in ("id", "name", "phone", "email")
            ),
            *(f"{name}__{field}" for name in ("first_plan", "second_plan") for field in ("id", "title")),
            *(f"{name}__{field}" for name in ("first_version", "second_version") for field in ("id", "number")),
            "facility__id",
            "facility__name",
            "kind",
            "first_key",
            "second_key",
            "detected_at",
        )
    )
    conflicts = conflicts.order_by("facility__name", "facility_id", "first_key", "id")
    rows = list(conflicts[:limit] if limit is not None else conflicts)
    if not rows:
        return []
    versions = {row.first_version_id for row in rows} | {row.second_version_id for row in rows}
    facts = {
        (fact.version_id, fact.facility_id, fact.key): SideFact(fact.text, fact.latitude, fact.longitude)
        for fact in FacilityFact.objects.filter(
            version_id__in=versions, facility_id__in={row.facility_id for row in rows}
        ).only("version_id", "facility_id", "key", "text", "latitude", "longitude")
    }
    return [
        ConflictRow(
            id=row.pk,
            kind=row.kind,
            kind_label=row.get_kind_display(),
            facility=row.facility,
            fact=row.first_key,
            other_fact=row.second_key,
            detected_at=row.detected_at,
            sides=(_side(row, "first", facts), _side(row, "second", facts)),
        )
        for row in rows
    ]

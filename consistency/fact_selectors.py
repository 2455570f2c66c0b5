"""Reads of facility key facts: what one version states, and what every visible plan states about a building.

The version-level reads take a version the caller has already found visible (plans.selectors); the building
read takes the user and goes through plans_visible_to, so a plan the user may not see never contributes.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.db import DEFAULT_DB_ALIAS, connections

from agencies.models import Facility
from consistency.facts import FACT_KEYS, label_of
from consistency.models import FacilityFact
from plans.models import Plan, PlanVersion
from plans.selectors import facility_current_plans
from portal.compiled_queries import CompiledQuery


@dataclass
class FacilityFacts:
    """The facts one version states about one facility, keyed and ordered as FACT_KEYS."""

    facility: Facility
    facts: dict[str, FacilityFact] = field(default_factory=dict)


@dataclass
class FactRow:
    """One fact across the plans compared on a building's page; a cell is None where a plan is silent."""

    key: str
    label: str
    cells: list[FacilityFact | None]


def _ordered(facts: dict[str, FacilityFact]) -> dict[str, FacilityFact]:
    return {key: facts[key] for key in FACT_KEYS if key in facts}


_VERSION_FACTS = CompiledQuery(
    lambda version_id: (
        FacilityFact.objects.filter(version_id=version_id)
        .select_related("facility")
        .order_by("facility__name", "facility_id", "key")
    ),
    "version_id",
)


def version_facts_by_facility(*, version: PlanVersion) -> list[FacilityFacts]:
    """Every facility the version states facts about, by name, with its facts (one query)."""
    grouped: dict[int, FacilityFacts] = {}
    for fact in _VERSION_FACTS(version_id=version.pk):
        grouped.setdefault(fact.facility_id, FacilityFacts(facility=fact.facility)).facts[fact.key] = fact
    for group in grouped.values():
        group.facts = _ordered(group.facts)
    return list(grouped.values())


def version_facts_for_facilities(*, version: PlanVersion, facilities: Iterable[Facility]) -> list[FacilityFacts]:
    """The given facilities (those a plan covers, for the editor), each with what the version states (one query)."""
    stated = {group.facility.pk: group.facts for group in version_facts_by_facility(version=version)}
    return [FacilityFacts(facility=facility, facts=stated.get(facility.pk, {})) for facility in facilities]


_FACT_FIELDS = tuple(field.attname for field in FacilityFact._meta.concrete_fields)
# Plain SQL: the versions are a list, which a compiled query cannot bind; one fact per version, building and key,
# so the order does not matter.
_FACTS_AT_SQL = f"""
    SELECT {", ".join(_FACT_FIELDS)} FROM {FacilityFact._meta.db_table} WHERE facility_id = %s AND version_id = ANY(%s)
"""  # noqa: S608 — table and column names from the model, values as parameters


def _facts_of_versions_at(*, facility_id: int, version_ids: list[int]) -> list[FacilityFact]:
    """`FacilityFact.objects.filter(facility_id=facility_id, version_id__in=version_ids)`, in one plain query."""
    if not version_ids:
        return []
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(_FACTS_AT_SQL, [facility_id, version_ids])
        rows = cursor.fetchall()
    return [FacilityFact.from_db(DEFAULT_DB_ALIAS, _FACT_FIELDS, row) for row in rows]


def facility_facts_compared(
    *,
    user: User | AnonymousUser,
    facility: Facility,
    plans: Sequence[Plan] | None = None,
) -> list[FactRow]:
    """Fact by plan for a building: what the current version of every visible plan covering it states.

    `plans` may be passed when the caller already holds them from facility_current_plans (same user and
    facility); rows come in FACT_KEYS order, only for facts at least one plan states (one query).
    """
    if plans is None:
        plans = list(facility_current_plans(user=user, facility=facility).order_by("owner_agency__name", "pk"))
    columns = {plan.current_version_id: index for index, plan in enumerate(plans)}
    cells: dict[str, list[FacilityFact | None]] = {}
    for fact in _facts_of_versions_at(facility_id=facility.pk, version_ids=[v for v in columns if v is not None]):
        cells.setdefault(fact.key, [None] * len(plans))[columns[fact.version_id]] = fact
    return [FactRow(key=key, label=label_of(key), cells=cells[key]) for key in FACT_KEYS if key in cells]


def plans_stating_facts(*, plans: Sequence[Plan], rows: list[FactRow]) -> list[Plan]:
    """The plans (columns of `rows`) that state at least one fact, e.g. to audit reads of sensitive ones."""
    return [plan for index, plan in enumerate(plans) if any(row.cells[index] is not None for row in rows)]


def facts_of_versions(*, version_ids: Iterable[int]) -> dict[int, list[FacilityFact]]:
    """What each of the given versions states, with the buildings' names (one query). The versions are ones the
    caller already found visible (plans.changes compares two of them)."""
    ids = list(version_ids)
    stated: dict[int, list[FacilityFact]] = {version_id: [] for version_id in ids}
    for fact in FacilityFact.objects.filter(version_id__in=ids).select_related("facility"):
        stated[fact.version_id].append(fact)
    return stated

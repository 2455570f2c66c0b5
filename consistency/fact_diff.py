"""Which key facts one version states differently from another: each fact added, removed or changed, per building.

A pure comparison of facts already read (consistency.fact_selectors.facts_of_versions); plans.changes puts it
first in "what changed", since a moved reunification site matters more than any reworded paragraph.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from consistency.facts import FACT_KEYS, label_of
from consistency.models import FacilityFact

FactChangeKind = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class FactChange:
    """One fact about one building that differs between two versions; `before`/`after` is None where unstated."""

    facility_id: int
    facility_name: str
    key: str
    label: str
    change: FactChangeKind
    before: FacilityFact | None
    after: FacilityFact | None


def _value(fact: FacilityFact) -> tuple[str, object, object]:
    return fact.text, fact.latitude, fact.longitude


def facts_diff(*, old: Iterable[FacilityFact], new: Iterable[FacilityFact]) -> list[FactChange]:
    """Every fact stated differently, by building name and then in the order facts are always shown (FACT_KEYS)."""
    before = {(fact.facility_id, fact.key): fact for fact in old}
    after = {(fact.facility_id, fact.key): fact for fact in new}
    order = {key: index for index, key in enumerate(FACT_KEYS)}
    changes = []
    for slot in before.keys() | after.keys():
        was, now = before.get(slot), after.get(slot)
        if was is not None and now is not None and _value(was) == _value(now):
            continue
        stated = now if now is not None else was
        if stated is None:  # never: the slot came from one side or the other
            continue
        kind: FactChangeKind = "added" if was is None else "removed" if now is None else "changed"
        changes.append(
            FactChange(
                facility_id=stated.facility_id,
                facility_name=stated.facility.name,
                key=stated.key,
                label=label_of(stated.key),
                change=kind,
                before=was,
                after=now,
            )
        )
    return sorted(changes, key=lambda c: (c.facility_name, c.facility_id, order.get(c.key, len(order)), c.key))

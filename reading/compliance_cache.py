"""The compliance page's per-plan rows and group filter, kept between requests under the agency's token.

A manager's unfiltered per-plan list is the agency's `ReadingSummary` rows (a few per plan: one per version and due
date) with the plans' titles and versions' numbers, and the filter lists the agency's groups; reading them, and
the access checks around them, was most of the page's queries (docs/benchmarks.md, "Required reading"). They are
kept per agency under a token in the database (reading.0005) that triggers replace when a writing transaction
commits: the summary's own writes (every statement that writes obligations, whichever service or cascade runs
it), a plan retitled, a group added, renamed, moved or deleted. A database token rather than versions bumped by
the services (portal/header_cache.py), because the summary is written by triggers from any statement, not only
by services, and the token changes in the writing transaction itself, so no window between commit and bump.

What is kept does not depend on the moment: the summary's rows by due date. Which of them are overdue — a due
time passing changes it without any write — is summed from them (`plan_rows`), a few hundred rows in Python, as
the ORM's aggregate would (`selectors_compliance._summed`); so nothing kept expires with time. The sums change only
when a due date passes, so this process keeps each list by the number of kept due dates already past (and a page's
rows as HTML by that, the page, and each row's whole days overdue): a due time passing is a new key, not a stale one.

The token is read before the rows: a value is only ever stored under a token no newer than the data it was
computed from. A transaction with uncommitted changes of its own (`concord.compliance_dirty`), an agency without a
token yet (it gets one for the next request), and other databases compute every time. Keys carry the agency's
id; who may see the page (and whether the summary answers for their scope) is decided before, by access/.
"""

import bisect
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.db import connection
from django.utils.safestring import SafeString

from portal.process_cache import ProcessCache
from reading.models import ReadingGroup
from reading.selectors_compliance import PLAN_SORTS, ComplianceScope, State

CACHE_SECONDS = 3600
PROCESS_ENTRIES = 64

# (due_at, people, unread) of one summary row.
Due = tuple[datetime, int, int]


@dataclass(frozen=True)
class KeptPlan:
    """One plan's current version in the agency's summary: its title and number, and its rows by due date."""

    plan_id: int
    title: str
    number: int
    dues: tuple[Due, ...]


@dataclass(frozen=True)
class AgencyCompliance:
    """What the page keeps of an agency: its plans in title order (as the database collates) and its groups."""

    plans: tuple[KeptPlan, ...]
    groups: tuple[tuple[int, str], ...]
    # Every due date among the plans, in order: the rows at a moment depend only on how many have passed.
    moments: tuple[datetime, ...]

    def groups_for(self, scope: ComplianceScope) -> list[tuple[int, str]]:
        """`selectors_compliance.scope_groups`: all of them for the managers, their own for supervisors."""
        if scope.everyone:
            return list(self.groups)
        return [(pk, name) for pk, name in self.groups if pk in scope.group_ids]


_CURRENT_MARK_SQL = (
    "SELECT token::text, current_setting('concord.compliance_dirty', true) = 'on'"
    " FROM reading_compliance_token WHERE agency_id = %s"
)
_ADD_MARK_SQL = (
    "INSERT INTO reading_compliance_token (agency_id, token) VALUES (%s, gen_random_uuid())"
    " ON CONFLICT (agency_id) DO NOTHING"
)
_ROWS_SQL = """
    SELECT s.plan_id, p.title, v.number, s.due_at, s.people, s.unread
    FROM reading_readingsummary s
    JOIN plans_plan p ON p.id = s.plan_id
    JOIN plans_planversion v ON v.id = s.version_id
    WHERE s.agency_id = %s
    ORDER BY p.title, s.plan_id, v.number, s.due_at
"""


def _token(agency_id: int) -> str | None:
    """The agency's token; None where nothing may be kept (see above)."""
    with connection.cursor() as cursor:
        cursor.execute(_CURRENT_MARK_SQL, [agency_id])
        row = cursor.fetchone()
        if row is None:
            cursor.execute(_ADD_MARK_SQL, [agency_id])
            return None
    return None if row[1] else str(row[0])


def _computed(agency_id: int) -> AgencyCompliance:
    plans: list[KeptPlan] = []
    with connection.cursor() as cursor:
        cursor.execute(_ROWS_SQL, [agency_id])
        rows = cursor.fetchall()
    for plan_id, title, number, due_at, people, unread in rows:
        last = plans[-1] if plans else None
        if last is not None and last.plan_id == plan_id and last.number == number:
            plans[-1] = KeptPlan(plan_id, title, number, (*last.dues, (due_at, people, unread)))
        else:
            plans.append(KeptPlan(plan_id, title, number, ((due_at, people, unread),)))
    groups = ReadingGroup.objects.filter(agency_id=agency_id).order_by("name", "pk").values_list("pk", "name")
    moments = tuple(sorted({due_at for *_, due_at, _, _ in rows}))
    return AgencyCompliance(plans=tuple(plans), groups=tuple(groups), moments=moments)


_process: ProcessCache[str, AgencyCompliance] = ProcessCache(PROCESS_ENTRIES)


def agency_compliance(*, agency_id: int) -> AgencyCompliance | None:
    """The agency's kept rows and groups (computed on a miss, and whenever nothing may be kept); None on a
    database without the token (the selectors compute the page as before)."""
    if connection.vendor != "postgresql":
        return None
    token = _token(agency_id)
    if token is None:
        return _computed(agency_id)
    key = f"reading:compliance:{agency_id}:{token}"
    kept = _process.get(key)
    if kept is not None:
        return kept
    stored = cache.get(key)
    if isinstance(stored, AgencyCompliance):
        kept = stored
    else:
        kept = _computed(agency_id)
        cache.set(key, kept, CACHE_SECONDS)
    _process.put(key, kept)
    return kept


def _row(plan: KeptPlan, now: datetime) -> dict[str, Any]:
    """`plan_summaries`' row of one plan at this moment (`selectors_compliance._summed`)."""
    required = sum(people for _, people, _ in plan.dues)
    acknowledged = required - sum(unread for _, _, unread in plan.dues)
    overdue = [(due_at, unread) for due_at, _, unread in plan.dues if due_at < now]
    return {
        "plan_id": plan.plan_id,
        "plan__title": plan.title,
        "version__number": plan.number,
        "required": required,
        "acknowledged": acknowledged,
        "overdue": sum(unread for _, unread in overdue),
        "oldest_overdue": min((due_at for due_at, unread in overdue if unread > 0), default=None),
        "next_due": min((due_at for due_at, _, unread in plan.dues if unread > 0), default=None),
        "percent_read": acknowledged * 100.0 / required,
    }


def _kept_state(row: dict[str, Any], state: str | None) -> bool:
    """`selectors_compliance._having_state`."""
    if state == State.OVERDUE:
        return bool(row["overdue"] > 0)
    if state == State.DUE:
        return bool(row["required"] > row["acknowledged"] + row["overdue"])
    if state == State.ACKNOWLEDGED:
        return bool(row["acknowledged"] == row["required"])
    return True


def _summed(kept: AgencyCompliance, state: str | None, sort: str, now: datetime) -> list[dict[str, Any]]:
    key = sort.removeprefix("-")
    reverse = sort.startswith("-") and key in PLAN_SORTS
    sign = -1 if reverse else 1
    ranked = [(rank, _row(plan, now)) for rank, plan in enumerate(kept.plans)]
    chosen = [(rank, row) for rank, row in ranked if _kept_state(row, state)]

    def order(item: tuple[int, dict[str, Any]]) -> tuple[Any, ...]:
        rank, row = item
        if key == "overdue":
            return (-sign * row["overdue"], sign * rank)
        if key == "read":  # the same double precision division as the database's
            return (sign * row["percent_read"], sign * rank)
        return (sign * rank,)

    return [row for _, row in sorted(chosen, key=order)]


# What is derived from a kept value in this process (its summed lists, their pages' rows as HTML), by the kept
# value's id and what else it is a function of; each entry holds the value, so the id is never another's.
DERIVED_ENTRIES = 512
_derived: ProcessCache[tuple[int, Hashable], tuple[AgencyCompliance, Any]] = ProcessCache(DERIVED_ENTRIES)
T = TypeVar("T")


def _derived_of(kept: AgencyCompliance, key: Hashable, compute: Callable[[], T]) -> T:
    full = (id(kept), key)
    entry = _derived.get(full)
    if entry is not None and entry[0] is kept:
        return cast(T, entry[1])
    value = compute()
    _derived.put(full, (kept, value))
    return value


def _passed(kept: AgencyCompliance, now: datetime) -> int:
    """How many of the kept due dates are past: between two due dates, nothing summed from them changes."""
    return bisect.bisect_left(kept.moments, now)


def plan_rows(kept: AgencyCompliance, *, state: str | None, sort: str, now: datetime) -> list[dict[str, Any]]:
    """`plan_summaries`' rows for a manager's unfiltered list, from what was kept: the same values, filter and order
    (`PLAN_SORTS`; the title with the id tiebreak is the kept order, as the database collates titles).

    Summed once per kept value, state, sort and number of due dates passed. The rows are shared between requests:
    read them, never change them."""
    key = ("rows", _passed(kept, now), state, sort)
    return list(_derived_of(kept, key, lambda: _summed(kept, state, sort, now)))


def page_html(
    kept: AgencyCompliance,
    *,
    state: str | None,
    sort: str,
    now: datetime,
    number: int,
    days: tuple[int, ...],
    render: Callable[[], SafeString],
) -> SafeString:
    """`render()` of page `number` of `plan_rows(kept, state, sort, now)`, kept with the list: the rows' HTML is a
    function of the list, the page and each row's days overdue (`days`, the one part that moves with the clock)."""
    return _derived_of(kept, ("html", _passed(kept, now), state, sort, number, days), render)

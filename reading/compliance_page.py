"""The compliance page's per-plan counts, by the summary's SQL compiled once per sort and state filter.

A manager's unfiltered list (the page's default) reads `ReadingSummary` (`selectors_compliance.plan_summaries`).
Its SQL has the same shape for every agency and moment — only the agency's id and `now` differ — so, as the
queue's (reading/queue_page.py), it is compiled by the ORM once for stand-in values no row or other parameter
has, and each request binds its own in their places: compiling the aggregate, its filters and its order was a
third of the page's time. Any other list (a group, a role, a supervisor's scope) is counted by the ORM as before.
tests/reading/test_compliance_page_sql.py holds the rows equal to `plan_summaries` for every sort and state.
"""

import functools
from datetime import UTC, datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection

from agencies.models import Agency
from reading.selectors_compliance import ComplianceFilters, ComplianceScope, plan_summaries, summarised

# Stand-ins while compiling: no agency has a negative id, and no other parameter is this moment (both checked).
_AGENCY = -7_319_004_223
_NOW = datetime(1901, 2, 3, 4, 5, 6, 789_012, tzinfo=UTC)


# The SQL, its column names, its parameters, where the agency's id and `now` go among them, and the columns'
# converters (position, (functions, expression)).
Compiled = tuple[str, tuple[str, ...], tuple[Any, ...], tuple[int, ...], tuple[int, ...], tuple[Any, ...]]


@functools.lru_cache(maxsize=64)  # per (state, sort): the form allows a handful
def _compiled(state: str | None, sort: str) -> Compiled:
    """The manager's unfiltered per-plan counts for this state filter and sort, compiled (see `Compiled`)."""
    scope = ComplianceScope(agency=Agency(pk=_AGENCY), everyone=True, group_ids=frozenset())
    filters = ComplianceFilters(state=state, sort=sort)
    query = plan_summaries(scope=scope, filters=filters, now=_NOW).query
    compiler = query.get_compiler(using=DEFAULT_DB_ALIAS)
    sql, params = compiler.as_sql()
    # What the ORM converts each column with (the percentage's numeric to a float): kept to apply per row.
    converters = tuple(compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]]).items())
    agency_at = tuple(i for i, param in enumerate(params) if param == _AGENCY)
    now_at = tuple(i for i, param in enumerate(params) if param == _NOW)
    if not agency_at or not now_at:
        raise RuntimeError("The summary's SQL no longer names its agency and moment: compile it per request.")
    names = (*query.extra_select, *query.values_select, *query.annotation_select)
    return sql, names, tuple(params), agency_at, now_at, converters


def plan_summary_rows(*, scope: ComplianceScope, filters: ComplianceFilters, now: datetime) -> list[dict[str, Any]]:
    """`list(plan_summaries(scope=scope, filters=filters, now=now))`, the manager's unfiltered list by the
    compiled SQL."""
    if not summarised(scope, filters):
        return list(plan_summaries(scope=scope, filters=filters, now=now))
    sql, names, params, agency_at, now_at, converters = _compiled(filters.state, filters.sort)
    bound = list(params)
    for index in agency_at:
        bound[index] = scope.agency.pk
    for index in now_at:
        bound[index] = now
    with connection.cursor() as cursor:
        cursor.execute(sql, bound)
        rows = [list(row) for row in cursor.fetchall()]
    for row in rows:
        for position, (functions, expression) in converters:
            for function in functions:
                row[position] = function(row[position], expression, connection)
    return [dict(zip(names, row, strict=True)) for row in rows]

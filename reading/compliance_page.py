"""The compliance page's per-plan counts, by the summary's SQL compiled once per sort and state filter.

A manager's unfiltered list (the page's default) reads `ReadingSummary` (`selectors_compliance.plan_summaries`).
Its SQL has the same shape for every agency and moment — only the agency's id and `now` differ — so, as the
queue's (reading/queue_page.py), it is compiled by the ORM once for stand-in values no row or other parameter
has (portal/compiled_sql.py), and each request binds its own in their places: compiling the aggregate, its
filters and its order was a third of the page's time. Any other list (a group, a role, a supervisor's scope) is
counted by the ORM as before. tests/reading/test_compliance_page_sql.py holds the rows equal to `plan_summaries`
for every sort and state.
"""

import functools
from datetime import datetime
from typing import Any

from django.db import connection

from agencies.models import Agency
from portal.compiled_sql import CompiledSQL, compile_sql
from reading.selectors_compliance import ComplianceFilters, ComplianceScope, plan_summaries, summarised


@functools.lru_cache(maxsize=64)  # per (state, sort): the form allows a handful
def _compiled(state: str | None, sort: str) -> tuple[CompiledSQL, tuple[str, ...], tuple[Any, ...]]:
    """The manager's unfiltered per-plan counts for this state filter and sort: the statement, its column names,
    and what the ORM converts columns with (the percentage's numeric to a float), to apply per row."""
    filters = ComplianceFilters(state=state, sort=sort)

    def build(agency_id: int, now: datetime) -> Any:
        scope = ComplianceScope(agency=Agency(pk=agency_id), everyone=True, group_ids=frozenset())
        return plan_summaries(scope=scope, filters=filters, now=now)

    compiled = compile_sql(build, ids=("agency_id",), moments=("now",))
    compiler = compiled.compiler
    converters = tuple(compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]]).items())
    query = compiler.query
    return compiled, (*query.extra_select, *query.values_select, *query.annotation_select), converters


def plan_summary_rows(*, scope: ComplianceScope, filters: ComplianceFilters, now: datetime) -> list[dict[str, Any]]:
    """`list(plan_summaries(scope=scope, filters=filters, now=now))`, the manager's unfiltered list by the
    compiled SQL."""
    if not summarised(scope, filters):
        return list(plan_summaries(scope=scope, filters=filters, now=now))
    compiled, names, converters = _compiled(filters.state, filters.sort)
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, compiled.bind(agency_id=scope.agency.pk, now=now))
        rows = [list(row) for row in cursor.fetchall()]
    for row in rows:
        for position, (functions, expression) in converters:
            for function in functions:
                row[position] = function(row[position], expression, connection)
    return [dict(zip(names, row, strict=True)) for row in rows]

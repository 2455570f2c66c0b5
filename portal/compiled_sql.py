"""The ORM's SQL for a query, compiled once per process for stand-in values and bound to each call's values.

Compiling a query (its joins, subqueries, ordering) costs the ORM far more CPU than PostgreSQL takes to run a small
one; pages of a dozen such queries spent about half their time there (docs/benchmarks.md, "Plan page"). A query
whose SQL has the same shape for every call, only ids and one moment differing, is compiled once with stand-in
values that no row and no other parameter has; each call puts its own values in the stand-ins' places, so the
statement sent is the ORM's own. `CompiledQuery` (portal/compiled_queries.py, model rows), `PersonSubquery`
(access/compiled.py, a subquery for `__in=`) and the reading pages' statements are built on this.

Only for queries whose shape does not depend on the values: ids compared with `=`, never lists of ids or `None`.
Every other parameter must be a constant (a state, a role): a date or time would be frozen at compile time, so
compiling refuses one unless it is a named moment.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import QuerySet
from django.db.models.sql import Query
from django.db.models.sql.compiler import SQLCompiler

# Stand-ins: negative ids no row has, far from any constant a query compares with; moments before any record.
_ID_BASE = -7_319_004_000
_MOMENT_BASE = datetime(1901, 2, 3, 4, 5, 6, 789_000, tzinfo=UTC)
_CONSTANTS = (str, bool, int, float, type(None))


@dataclass(frozen=True)
class CompiledSQL:
    """A statement and its parameters, with the places of each named value among them."""

    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str], ...]  # (parameter index, name of the value bound there)
    compiler: SQLCompiler
    queryset: QuerySet[Any, Any] | None  # what `build` gave, when it gave a queryset

    def bind(self, **values: Any) -> list[Any]:
        """The parameters with these values in their stand-ins' places (ids as ints)."""
        bound = list(self.params)
        for index, name in self.slots:
            value = values[name]
            bound[index] = value if isinstance(value, datetime) else int(value)
        return bound

    def within(self, template: str) -> "CompiledSQL":
        """This statement inside a larger one (`{sql}` in `template`), whose own placeholders come after it."""
        return replace(self, sql=template.format(sql=self.sql))


def compile_sql(
    build: Callable[..., QuerySet[Any, Any] | Query], *, ids: tuple[str, ...] = (), moments: tuple[str, ...] = ()
) -> CompiledSQL:
    """`build(**stand_ins)`'s SQL, with the places of each named id and moment; refuses a query that does not
    name each of them, or that has any other parameter that is not a constant."""
    stand_ins: dict[str, Any] = {name: _ID_BASE - index for index, name in enumerate(ids)}
    stand_ins |= {name: _MOMENT_BASE + timedelta(seconds=index) for index, name in enumerate(moments)}
    built = build(**stand_ins)
    query = built.query if isinstance(built, QuerySet) else built
    compiler = query.get_compiler(using=DEFAULT_DB_ALIAS)
    sql, params = compiler.as_sql()
    by_value = {(type(value), value): name for name, value in stand_ins.items()}
    slots = tuple((i, by_value[(type(p), p)]) for i, p in enumerate(params) if (type(p), p) in by_value)
    where = getattr(build, "__qualname__", repr(build))
    if {name for _, name in slots} != set(stand_ins):
        raise RuntimeError(f"{where}'s SQL does not name each of {tuple(stand_ins)}: build it per call again.")
    named = {index for index, _ in slots}
    for index, param in enumerate(params):
        if index not in named and not isinstance(param, _CONSTANTS):
            raise RuntimeError(f"{where}'s SQL has a parameter that is not a constant: {param!r}")
    return CompiledSQL(sql, tuple(params), slots, compiler, built if isinstance(built, QuerySet) else None)

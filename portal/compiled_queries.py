"""Querysets whose SQL has the same shape for every request, compiled by the ORM once per process.

Compiling a small query (joins, select_related columns, ordering) costs the ORM far more than PostgreSQL takes to
run it; a page of a dozen such queries spent about half its time there (docs/benchmarks.md, "Plan page"). A
`CompiledQuery` builds its queryset once, with stand-in ids no row has (portal/compiled_sql.py), and each call binds
the real ids in the stand-ins' places and builds the same model instances (with their `select_related` objects) the
queryset would.

Only for querysets whose shape does not depend on the values: ids compared with `=`, never lists of ids or
`None`. Every other parameter must be a constant (a state, a role); a date or time would be frozen at compile
time, so compiling refuses one.
"""

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators

from portal.compiled_sql import CompiledSQL, compile_sql

M = TypeVar("M")


@dataclass(frozen=True)
class _Compiled:
    statement: CompiledSQL
    converters: dict[int, Any]
    models: bool  # model instances, else values_list() tuples


@dataclass(frozen=True)
class _Builder:
    """How a row becomes the model instance (with its `select_related` objects) the queryset would give."""

    model: Any
    start: int
    end: int
    init_list: tuple[str, ...]
    populators: tuple[Any, ...]
    annotations: tuple[tuple[str, int], ...]


class CompiledQuery(Generic[M]):
    """`build(**ids)`'s rows for these ids, from SQL the ORM compiled once for stand-in ids."""

    def __init__(self, build: Callable[..., QuerySet[Any, M]], *names: str) -> None:
        self.build = build
        self.names = names

    @functools.cached_property
    def _compiled(self) -> _Compiled:
        statement = compile_sql(self.build, ids=self.names)
        iterable = statement.queryset._iterable_class if statement.queryset is not None else None
        if iterable not in (ModelIterable, ValuesListIterable):
            raise RuntimeError(f"{self.build.__qualname__}: only model rows or values_list() tuples are compiled.")
        compiler = statement.compiler
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        return _Compiled(statement, compiler.get_converters(fields), iterable is ModelIterable)

    def _rows(self, ids: dict[str, int]) -> tuple[_Compiled, Iterator[Any]]:
        compiled = self._compiled
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(compiled.statement.sql, compiled.statement.bind(**ids))
            rows: Iterator[Any] = iter(cursor.fetchall())
        if compiled.converters:
            rows = compiled.statement.compiler.apply_converters(rows, compiled.converters)
        return compiled, rows

    @functools.cached_property
    def _builder(self) -> _Builder:
        compiler = self._compiled.statement.compiler
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return _Builder(
            model=klass_info["model"],
            start=start,
            end=end,
            init_list=tuple(column[0].target.attname for column in select[start:end]),
            # The related objects' builders hold no row: made once, as the columns they read never change.
            populators=tuple(get_related_populators(klass_info, select, DEFAULT_DB_ALIAS)),  # type: ignore[call-arg]  # 5.2's
            annotations=tuple((compiler.annotation_col_map or {}).items()),
        )

    def __call__(self, **ids: int) -> list[M]:
        """What iterating `build(**ids)` gives: model instances (without prefetches or known related objects), or
        tuples for a `values_list()` queryset."""
        compiled, rows = self._rows(ids)
        if not compiled.models:
            return [tuple(row) for row in rows]  # type: ignore[misc]
        builder = self._builder
        model, start, end, init_list = builder.model, builder.start, builder.end, list(builder.init_list)
        objects = []
        for row in rows:
            obj = model.from_db(DEFAULT_DB_ALIAS, init_list, row[start:end])
            for populator in builder.populators:
                populator.populate(row, obj)
            for name, position in builder.annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects

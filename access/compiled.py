"""Subqueries whose SQL differs between people only by their id: compiled by the ORM once per process.

The visibility subquery (`access.plans`) is the same SQL for every person but for their id, yet building and
compiling it through the ORM cost 1.3-1.9 ms of CPU, several times a page. `PersonSubquery` compiles the ORM
form once, for a stand-in id no row has, and binds each person's id in the stand-in's places, as the "To read"
queue does (reading/queue_page.py). What it gives is a `RawSQL` for `pk__in=`: callers compose it as they
composed the ORM subquery, and the SQL it sends is the ORM's own (tests/access/test_compiled_visibility.py).
"""

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.db import DEFAULT_DB_ALIAS
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

# The stand-in person's id while compiling: no user has a negative id, and no other parameter of these
# subqueries is this number.
STAND_IN = -7_319_004_223


class PersonSubquery:
    """The subquery `build(user)` for any person, from SQL the ORM compiled once."""

    def __init__(self, build: Callable[[User], QuerySet]) -> None:
        self.build = build

    @functools.cached_property
    def compiled(self) -> tuple[str, tuple[Any, ...], tuple[int, ...]]:
        """The SQL, its parameters, and which of those parameters are the person's id."""
        query = self.build(User(pk=STAND_IN)).query
        sql, params = query.get_compiler(using=DEFAULT_DB_ALIAS).as_sql()
        person_at = tuple(i for i, param in enumerate(params) if param == STAND_IN)
        if not person_at:
            raise RuntimeError("The subquery no longer names its person: build it through the ORM per call again.")
        return sql, tuple(params), person_at

    def bind(self, *, user: User) -> RawSQL:
        """The subquery for `user`: SQL for `pk__in=` (or `__in=` on any column holding plan ids)."""
        sql, params, person_at = self.compiled
        bound = list(params)
        for index in person_at:
            bound[index] = user.pk
        return RawSQL(sql, bound)  # noqa: S611 - the ORM's own SQL; values are bound parameters

"""Subqueries whose SQL differs between people only by their id: compiled by the ORM once per process.

The visibility subquery (`access.plans`) is the same SQL for every person but for their id, yet building and
compiling it through the ORM cost 1.3-1.9 ms of CPU, several times a page. `PersonSubquery` compiles the ORM
form once for a stand-in person (portal/compiled_sql.py) and binds each person's id in the stand-in's places.
What it gives is a `RawSQL` for `pk__in=`: callers compose it as they composed the ORM subquery, and the SQL it
sends is the ORM's own (tests/access/test_compiled_visibility.py).
"""

import functools
from collections.abc import Callable

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from portal.compiled_sql import CompiledSQL, compile_sql


class PersonSubquery:
    """The subquery `build(user)` for any person, from SQL the ORM compiled once."""

    def __init__(self, build: Callable[[User], QuerySet]) -> None:
        self.build = build

    @functools.cached_property
    def compiled(self) -> CompiledSQL:
        return compile_sql(lambda user_id: self.build(User(pk=user_id)), ids=("user_id",))

    def bind(self, *, user: User) -> RawSQL:
        """The subquery for `user`: SQL for `pk__in=` (or `__in=` on any column holding plan ids)."""
        compiled = self.compiled
        return RawSQL(compiled.sql, compiled.bind(user_id=user.pk))  # noqa: S611 - the ORM's own SQL, bound values

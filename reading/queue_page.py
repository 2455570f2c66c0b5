"""One page of the "To read" list, by the queue's SQL compiled once per process rather than once per request.

`to_read_values` (reading/selectors_queue.py) is the queue: the person's open obligations of plans the access
rule lets them read (`access.plans.visible_plan_filter`), one per plan, oldest due first, with the version they
last read. Its SQL has the same shape for every person — only their id differs — so it is compiled by the ORM
once, for a stand-in id no row has, and each request binds its person's id in the stand-in's places. Compiling
it (the visibility subquery, the window, the `last_read` subquery) was a large share of the page's time
(docs/benchmarks.md, "Required reading"). tests/reading/test_queue_page_sql.py holds the rows equal to the
ORM's for every kind of reader.
"""

import functools
from collections.abc import Iterator
from typing import Any, overload

from django.contrib.auth.models import User
from django.db import DEFAULT_DB_ALIAS, connection

from reading.selectors_queue import to_read_values

# The stand-in person's id while compiling: no user has a negative id, and no other parameter of the queue's
# SQL is this number (checked when compiling).
_STAND_IN = -7_319_004_221


@functools.cache
def _compiled() -> tuple[str, tuple[str, ...], tuple[Any, ...], tuple[int, ...]]:
    """The queue's SQL with LIMIT and OFFSET placeholders, its column names, parameters, and which of those
    parameters are the person's id."""
    query = to_read_values(user=User(pk=_STAND_IN)).query
    sql, params = query.get_compiler(using=DEFAULT_DB_ALIAS).as_sql()
    person_at = tuple(i for i, param in enumerate(params) if param == _STAND_IN)
    if not person_at:
        raise RuntimeError("The queue's SQL no longer names its person: compile it per request again.")
    names = (*query.extra_select, *query.values_select, *query.annotation_select)
    return f"{sql} LIMIT %s OFFSET %s", names, tuple(params), person_at


def queue_page(*, user: User, offset: int, limit: int) -> list[dict[str, Any]]:
    """`to_read_values(user=user)[offset:offset + limit]`, as the same dicts, in one query."""
    sql, names, params, person_at = _compiled()
    bound = list(params)
    for index in person_at:
        bound[index] = user.pk
    with connection.cursor() as cursor:
        cursor.execute(sql, [*bound, limit, offset])
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


class QueuePages:
    """The person's queue for `Paginator`: its length is the count already known (the header's), and a slice
    reads that page only."""

    def __init__(self, *, user: User, count: int) -> None:
        self.user = user
        self.total = count

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self[:])

    @overload
    def __getitem__(self, index: int, /) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice, /) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice, /) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, int):
            rows = queue_page(user=self.user, offset=index, limit=1)
            if not rows:
                raise IndexError(index)
            return rows[0]
        start, stop = index.start or 0, self.total if index.stop is None else index.stop
        return queue_page(user=self.user, offset=start, limit=stop - start) if stop > start else []

"""One page of the "To read" list, by the queue's SQL compiled once per process rather than once per request.

`to_read_values` (reading/selectors_queue.py) is the queue: the person's open obligations of plans the access
rule lets them read (`access.plans.visible_plan_filter`), one per plan, oldest due first, with the version they
last read. Its SQL has the same shape for every person — only their id differs — so it is compiled by the ORM
once, for a stand-in id no row has (portal/compiled_sql.py), and each request binds its person's id in its
places. Compiling it (the visibility subquery, the window, the `last_read` subquery) was a large share of the
page's time (docs/benchmarks.md, "Required reading").

The ORM's statement joined the owner agency and ran the `last_read` subquery for every item the person owes
(200 in the bench) before keeping the page's 50. Here the ORM's queue picks the page's ids (`to_read_ids`:
every check of the queue, no display column but the title it sorts by), and only those rows are joined to
what the list and `GET /api/v1/me/to-read/` show. tests/reading/test_queue_page_sql.py holds the rows equal to
`to_read_values` for every kind of reader.
"""

import functools
from collections.abc import Iterator
from typing import Any, overload

from django.contrib.auth.models import User
from django.db import connection

from portal.compiled_sql import CompiledSQL, compile_sql
from reading.queue_cache import StampedPage, kept_queue_page
from reading.selectors_queue import LIST_FIELDS, to_read_ids

# The page's rows, from its ids (the ORM's queue, ordered and sliced): what the list and the API show of each, in
# LIST_FIELDS order, with the newest older version the person acknowledged and when (`selectors_queue._last_read`).
_PAGE = """
SELECT o.plan_id, p.title, p.classification, a.name, a.les_read_requires_mfa, v.number, o.due_at,
    last_read.number, p.owner_agency_id, last_read.acknowledged_at, {stamps}
FROM ({sql} LIMIT %s OFFSET %s) page
INNER JOIN reading_readingobligation o ON o.id = page.id
INNER JOIN plans_plan p ON p.id = o.plan_id
INNER JOIN agencies_agency a ON a.id = p.owner_agency_id
INNER JOIN plans_planversion v ON v.id = o.version_id{stamp_joins}
LEFT JOIN LATERAL (
    SELECT rv.number, ack.acknowledged_at FROM plans_acknowledgement ack
    INNER JOIN plans_planversion rv ON ack.version_id = rv.id
    WHERE ack.user_id = o.user_id AND rv.plan_id = o.plan_id AND rv.number < v.number
    ORDER BY rv.number DESC LIMIT 1
) last_read ON true
ORDER BY o.due_at, p.title, o.id
"""
# Each row's plan and owner stamps (reading.0006), read in the same statement, so in the same snapshot as the rows.
_STAMPS = "COALESCE(ps.stamp, 0), COALESCE(ags.stamp, 0)"
_STAMP_JOINS = """
LEFT JOIN reading_queue_plan_stamp ps ON ps.plan_id = p.id
LEFT JOIN reading_queue_agency_stamp ags ON ags.agency_id = p.owner_agency_id"""


@functools.cache
def _compiled(vendor: str) -> CompiledSQL:
    """The page's SQL, the queue's ids within it, with LIMIT and OFFSET placeholders after them (stamps 0 where
    there are none: SQLite)."""
    stamped = vendor == "postgresql"
    template = _PAGE.replace("{stamps}", _STAMPS if stamped else "0, 0")
    template = template.replace("{stamp_joins}", _STAMP_JOINS if stamped else "")
    return compile_sql(lambda user_id: to_read_ids(user=User(pk=user_id)), ids=("user_id",)).within(template)


def stamped_queue_page(*, user: User, offset: int, limit: int) -> StampedPage:
    """`to_read_values(user=user)[offset:offset + limit]`, as the same dicts, with their plans' and owners' stamps,
    in one query."""
    compiled = _compiled(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, [*compiled.bind(user_id=user.pk), limit, offset])
        fetched = cursor.fetchall()
    rows = [dict(zip(LIST_FIELDS, row[:-2], strict=True)) for row in fetched]
    plans = {row["plan_id"]: stamp for row, (*_, stamp, _owner) in zip(rows, fetched, strict=True)}
    owners = {row["plan__owner_agency_id"]: stamp for row, (*_, stamp) in zip(rows, fetched, strict=True)}
    return StampedPage(rows=rows, plans=plans, owners=owners)


def queue_page(*, user: User, offset: int, limit: int) -> list[dict[str, Any]]:
    """`to_read_values(user=user)[offset:offset + limit]`, as the same dicts, in one query."""
    return stamped_queue_page(user=user, offset=offset, limit=limit).rows


def _kept(*, user: User, offset: int, limit: int) -> list[dict[str, Any]]:
    """`queue_page`, kept between requests (reading/queue_cache.py)."""
    return kept_queue_page(
        user_id=user.pk,
        offset=offset,
        limit=limit,
        compute=lambda: stamped_queue_page(user=user, offset=offset, limit=limit),
    )


class QueuePages:
    """The person's queue for `Paginator` (the list page and the API): its length is the count already known (the
    header's), and a slice reads that page only, kept between requests (reading/queue_cache.py)."""

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
            rows = _kept(user=self.user, offset=index, limit=1)
            if not rows:
                raise IndexError(index)
            return rows[0]
        start, stop = index.start or 0, self.total if index.stop is None else index.stop
        return _kept(user=self.user, offset=start, limit=stop - start) if stop > start else []

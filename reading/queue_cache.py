"""A person's page of the "To read" list kept between requests, under their header version, checked against the
stamps of the plans and owners it shows.

The page's rows (`reading.queue_page`: the queue's one statement, ~6 ms at best for a person owing 200 plans)
were most of `/to-read/`'s time, read again on every view though they rarely change. A kept page is:

- stored under the person's header version (portal/header_cache.py `person_key`), read before the rows are
  computed and replaced, at once and on commit, by every service that moves the person's own part: the
  obligations sync (run in the transaction of every requirement change, share, unshare, publish, withdrawal,
  reclassification and membership change), an acknowledgement, joining or leaving an agency;
- stored with the stamps (reading.0006) of each row's plan and owner agency, read by the page's own statement,
  in the same snapshot as the rows. Triggers give a plan a new stamp when its title, classification, owner or
  current version, one of its grants or one of its versions' state changes; an agency when its name or
  second-factor setting changes. A kept page is served only while every one of its plans and owners still has
  the stamp it was read with (one query, by primary key; a deleted plan or agency is missing, so a change).
  Stamps are compared for equality: a sequence value is taken at write time, so a later commit can carry a
  smaller one.

So a change anywhere else in the state (another plan published, shared or renamed, another agency renamed)
leaves the page kept. What the stamps do not see is a plan *off* the page coming onto it: a title sorts the
person's plans of one due date, so a new title can move a plan onto or off another page; `plan_title_changed`
(called by `plans.services.plan_update`) moves the version of everyone who owes the plan. What plain SQL does
without the services (a grant inserted, a classification made public, a title changed) to plans off the page, and
the later pages' shift past a plan that left its page by plain SQL, shows within the header's backstop
(`COUNTS_SECONDS`, 5 minutes). An
empty page has no plan to check: it is kept under the header version alone, so an obligation the access rule
hid that becomes readable through a plain-SQL grant shows only after that backstop; every service path runs the
sync, which moves the person's version.

Inside a transaction (`connection.in_atomic_block`) the page is computed and neither read nor stored: a page
computed from the transaction's own uncommitted changes is never kept. (Its stamps would differ from every
committed stamp, and the on-commit header bump orphans what a committing writer stored, but a rolled-back
obligation under the first, immediate bump would not be.) Requests run in autocommit, so they keep pages; so
does another database than PostgreSQL not (SQLite in `make run`: computed every time). Only display is kept:
the due state and its text and the second-factor "withheld" mark are made from the rows per request
(reading/queue_rows.py, reading/queue_api_items.py), and the access rule is the queue's own statement, run on
every miss.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection

from portal.header_cache import COUNTS_SECONDS, header_counts_changed, person_key
from reading.models import ReadingObligation


@dataclass(frozen=True)
class StampedPage:
    """A page of queue rows with the stamps of their plans and owner agencies, as read with them."""

    rows: list[dict[str, Any]]
    plans: dict[int, int] = field(default_factory=dict)
    owners: dict[int, int] = field(default_factory=dict)
    # Names this computed page wherever it is kept: what is made from it may be kept by it (reading/queue_rows.py).
    ident: str = field(default_factory=lambda: uuid.uuid4().hex)


class KeptRows(list[dict[str, Any]]):
    """A page's rows, with the `ident` of the kept page they are (None: computed for this request only)."""

    def __init__(self, rows: Iterable[dict[str, Any]], *, ident: str | None) -> None:
        super().__init__(rows)
        self.ident = ident


# The current stamps of some plans and agencies; a deleted one is absent (a missing stamp row is 0).
_CURRENT_SQL = """
SELECT true, p.id, COALESCE(s.stamp, 0) FROM plans_plan p
LEFT JOIN reading_queue_plan_stamp s ON s.plan_id = p.id WHERE p.id = ANY(%s)
UNION ALL
SELECT false, a.id, COALESCE(s.stamp, 0) FROM agencies_agency a
LEFT JOIN reading_queue_agency_stamp s ON s.agency_id = a.id WHERE a.id = ANY(%s)
"""


def still_current(page: StampedPage) -> bool:
    """Whether every plan and owner of the page still has the stamp it was read with (one query; none when empty)."""
    if not page.plans and not page.owners:
        return True
    with connection.cursor() as cursor:
        cursor.execute(_CURRENT_SQL, [list(page.plans), list(page.owners)])
        current = cursor.fetchall()
    plans = {row[1]: row[2] for row in current if row[0]}
    owners = {row[1]: row[2] for row in current if not row[0]}
    return plans == page.plans and owners == page.owners


def kept_queue_page(*, user_id: int, offset: int, limit: int, compute: Callable[[], StampedPage]) -> KeptRows:
    """The person's page of queue rows from the cache while its stamps stand, else `compute()` stored there (the
    person's version is read first)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return KeptRows(compute().rows, ident=None)
    key = person_key(user_id=user_id, name=f"queue-page:{offset}:{limit}")
    kept = cache.get(key)
    # A page kept before pages had an ident is computed again (it lacks the attribute).
    if isinstance(kept, StampedPage) and hasattr(kept, "ident") and still_current(kept):
        return KeptRows(kept.rows, ident=kept.ident)
    page = compute()
    cache.set(key, page, COUNTS_SECONDS)
    return KeptRows(page.rows, ident=page.ident)


def plan_title_changed(plan_id: int) -> None:
    """The plan's new title may move it onto or off another kept page of its readers (the queue sorts a due date's
    plans by title): everyone who still owes it gets a new header version, now and at commit."""
    owing = ReadingObligation.objects.filter(plan_id=plan_id, acknowledged_at__isnull=True)
    header_counts_changed(owing.values_list("user_id", flat=True).distinct())

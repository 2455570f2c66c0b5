"""A person's page of the "To read" list kept between requests, under their header version and a display token.

The page's rows (`reading.queue_page.queue_page`: the queue's one statement, ~6 ms at best for a person owing 200
plans) were most of `/to-read/`'s time, read again on every view though they rarely change. They are kept in the
cache under two marks, both read in this request before the rows are computed, so rows stored under them are
never older than either:

- the person's header version (portal/header_cache.py `cached_for_person`): replaced, at once and on commit,
  by every service that moves the person's own part — the obligations sync (which requirements, shares,
  unshares, publishes, withdrawals, reclassifications and membership changes all run in their own transaction),
  an acknowledgement, joining or leaving an agency;
- the display token (`reading_queue_display_token`, reading.0005): replaced at commit by triggers on what many
  people's rows share — grants, plans (title, classification, owner, current version, deletion), a version's
  state, agencies (name, second-factor setting, group, deletion). The sync already bumps the people whose
  obligations a share or a publish moves; the grants and the current version are in the token anyway, so a
  change that reaches the queue's access rule without moving an obligation is never served stale.

A transaction with uncommitted changes of its own to those tables computes the rows (the token is replaced only
at its commit); so does another database (SQLite in `make run`). Only display is kept: the due state and its
text and the second-factor "withheld" mark are made from the rows per request (reading/queue_rows.py,
reading/queue_api_items.py), and the access rule is the queue's own statement, run on every miss.

A token of its own rather than the plan list's choices token (plans.0010, 0011): that one also follows plans'
buildings and building names, which the queue does not show, and not titles, current versions or the
second-factor setting, which it does; one token for both would throw either cache away for the other's changes.
"""

from collections.abc import Callable
from typing import Any

from django.db import connection

from portal.header_cache import cached_for_person

# The token, and whether this transaction changed what the rows depend on and has not committed yet.
_CURRENT_MARK_SQL = (
    "SELECT token, current_setting('concord.queue_display_dirty', true) = 'on'"
    " FROM reading_queue_display_token WHERE id = 1"
)


def display_token() -> str | None:
    """The current token (one primary-key row); None where nothing may be kept: another database, or a
    transaction with changes of its own to the tables the rows depend on."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(_CURRENT_MARK_SQL)
        row = cursor.fetchone()
    return str(row[0]) if row and not row[1] else None


def kept_queue_page(
    *, user_id: int, offset: int, limit: int, compute: Callable[[], list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """The person's page of queue rows from the cache, else `compute()` stored there (the token is read first)."""
    token = display_token()
    if token is None:
        return compute()
    return cached_for_person(user_id=user_id, name=f"queue-page:{token}:{offset}:{limit}", compute=compute)

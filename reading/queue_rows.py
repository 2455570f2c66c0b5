"""The "To read" list's rows: plain dicts of what each line shows, built from `to_read_values` rows.

The list renders 50 of them per page. Built here rather than by the template engine from four model instances
per item (obligation, plan, owner agency, version) and a `{% url %}` per row, which cost more than the rows'
query, and rendered to HTML here too (`queue_rows_html`): the template engine's loop over 50 rows of a dozen
variables each was still the largest part of the page (docs/benchmarks.md, "Required reading"). The
dashboard's panel still lists `ToReadItem`s.

A page kept between requests (reading/queue_cache.py) gives the same rows again until one of its plans changes, so
its rows and HTML are kept in this process too (`kept_queue_rows`), by the kept page's `ident`, the person's
second-factor state and the time zone, until the first moment the page's due texts would read differently: an
item falling due or becoming overdue, or midnight (the days left).
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from access.second_factor import may_read_content_of
from portal.process_cache import ProcessCache
from portal.second_factor import second_factor_passed
from reading.queue_cache import KeptRows
from reading.selectors_queue import DUE_SOON_DAYS, due_state, due_tag_class, due_text

# Pages' rows and HTML kept in this process (most recently used): ~60 KB each for 50 rows, ~15 MB in all.
PROCESS_ENTRIES = 256


def _item_url_of() -> str:
    """The item page's URL with `{}` for the plan id (reversed once per page, not once per row)."""
    sample = reverse("to-read-item", kwargs={"plan_id": 0})
    head, tail = sample.rsplit("/0/", 1)
    return head + "/{}/" + tail


def queue_rows(values: Iterable[dict[str, Any]], *, user: User) -> list[dict[str, Any]]:
    """One dict per item: url, title, owner, version, due (a date), state, tag_class, when, last_read, withheld."""
    now = timezone.now()
    today = timezone.localdate(now)
    item_url = _item_url_of()
    days: dict[Any, tuple[str, int]] = {}  # per local due day: its text and the days left (a page has a few)
    rows = []
    for value in values:
        due_at = value["due_at"]
        state = due_state(due_at, now=now)
        local_day = timezone.localdate(due_at)
        if local_day not in days:
            days[local_day] = (date_format(local_day, "j M Y"), (local_day - today).days)
        due, days_left = days[local_day]
        rows.append(
            {
                "plan_id": value["plan_id"],
                "url": item_url.format(value["plan_id"]),
                "title": value["plan__title"],
                "owner": value["plan__owner_agency__name"],
                "version": value["version__number"],
                "due": due,
                "state": state,
                "tag_class": due_tag_class(state),
                "when": due_text(state, days_left),
                "last_read": value["last_read_number"],
                "withheld": not may_read_content_of(
                    classification=value["plan__classification"],
                    owner_requires_mfa=value["plan__owner_agency__les_read_requires_mfa"],
                    user=user,
                ),
            }
        )
    return rows


_ROW = (
    '    <li class="to-read__item to-read__item--{}">\n'
    '      <a class="to-read__title" href="{}">{}</a>\n'
    '      <span class="to-read__marks"><span class="tag {}">{}</span> <span class="tag tag--muted">v{}</span></span>\n'
    '      <span class="meta to-read__meta">{} · due {} · {}{}</span>\n'
    "    </li>"
)


def _read_before(row: dict[str, Any]) -> str:
    if row["last_read"]:
        return f"what changed since v{row['last_read']}, which you read"
    return "new to you: the whole plan"


def queue_rows_html(rows: list[dict[str, Any]]) -> SafeString:
    """The list's `<li>`s of `queue_rows`, as the template wrote them: every text escaped (the numbers are ints,
    the state and tag class this module's own words)."""
    html = "\n".join(
        _ROW.format(
            row["state"],
            escape(row["url"]),
            escape(row["title"]),
            row["tag_class"],
            escape(row["when"]),
            int(row["version"]),
            escape(row["owner"]),
            escape(row["due"]),
            _read_before(row),
            " · needs your second factor" if row["withheld"] else "",
        )
        for row in rows
    )
    return mark_safe(html)  # noqa: S308  # every text of it escaped above


# Per kept page, person, second factor and time zone: until when they read alike, the rows and their HTML.
_kept: ProcessCache[tuple[Any, ...], tuple[datetime, list[dict[str, Any]], SafeString]] = ProcessCache(PROCESS_ENTRIES)


def _reads_alike_until(values: Iterable[dict[str, Any]], now: datetime) -> datetime:
    """The first moment after `now` at which a row's due state or days left changes: a due time, the start of a
    due-soon window, or the next local midnight."""
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(now) + timedelta(days=1), datetime.min.time()))
    moments = [midnight]
    for value in values:
        for moment in (value["due_at"], value["due_at"] - timedelta(days=DUE_SOON_DAYS)):
            if moment >= now:
                moments.append(moment)
    return min(moments)


def kept_queue_rows(values: Iterable[dict[str, Any]], *, user: User) -> tuple[list[dict[str, Any]], SafeString]:
    """`queue_rows` and their `queue_rows_html`, kept in this process for a kept page (see above)."""
    ident = values.ident if isinstance(values, KeptRows) else None
    if ident is None:
        rows = queue_rows(values, user=user)
        return rows, queue_rows_html(rows)
    now = timezone.now()
    key = (ident, user.pk, second_factor_passed(user), timezone.get_current_timezone_name())
    kept = _kept.get(key)
    if kept is not None and now < kept[0]:
        return kept[1], kept[2]
    rows = queue_rows(values, user=user)
    html = queue_rows_html(rows)
    _kept.put(key, (_reads_alike_until(values, now), rows, html))
    return rows, html

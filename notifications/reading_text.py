"""What required-reading alerts say: the in-app title and the e-mail's lines, from the event's payload alone.

A person's reminder lists the plans they owe (title, version, due date); a supervisor's escalation lists their
people who are behind (name, how many plans overdue, since when). Links go to the person's "To read" queue and
the agency's compliance page when those pages are installed (their URL names are agreed: `to-read`,
`reading-compliance`); without them the mail simply has no link.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from notifications.models import EventType

# The most plans or people one mail lists; the rest are counted.
LINES_SHOWN = 25


def _day(value: Any) -> str:
    """A due date from the payload (ISO 8601) as people read it, in the site's time zone."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return format_date(moment, "j M Y")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _link(name: str, **kwargs: Any) -> str | None:
    try:
        return settings.SITE_URL + reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def reading_title(event_type: str, payload: Mapping[str, Any]) -> str:
    """The in-app title (and the e-mail's headline) of a required-reading alert."""
    items = payload.get("items") or []
    count = int(payload.get("count") or len(items))
    first = items[0] if items and isinstance(items[0], Mapping) else {}
    if event_type == EventType.READING_ESCALATION:
        people = int(payload.get("people_count") or len(payload.get("people") or []))
        agency = payload.get("agency_name") or "Your agency"
        return f"{agency}: {_plural(people, 'person')} behind on required reading".replace("persons", "people")
    if event_type == EventType.READING_OVERDUE:
        if count == 1:
            return (
                f"{first.get('plan_title', 'A plan')}: your required reading is overdue (due {_day(first.get('due'))})"
            )
        return f"Required reading: {count} plans overdue, the oldest due {_day(first.get('due'))}"
    if count == 1:
        return f"{first.get('plan_title', 'A plan')}: please read and acknowledge by {_day(first.get('due'))}"
    return f"Required reading: {count} plans to acknowledge, the first by {_day(first.get('due'))}"


def reading_email_extra(event_type: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The lines an e-mail lists and where it links, for the templates in email/events/reading_*."""
    if event_type == EventType.READING_ESCALATION:
        people = [p for p in payload.get("people") or [] if isinstance(p, Mapping)]
        total = int(payload.get("people_count") or len(people))
        lines = [
            {"name": p.get("name", ""), "overdue": p.get("overdue", 0), "since": _day(p.get("oldest_due"))}
            for p in people[:LINES_SHOWN]
        ]
        agency = payload.get("agency")
        url = _link("reading-compliance", agency_id=agency) if isinstance(agency, int) else None
        return {
            "people": lines,
            "more": max(0, total - len(lines)),
            "total": total,
            "supervisor": payload.get("route") == "supervisor",
            "url": url,
            "url_label": "See your agency's required reading",
        }
    items = [i for i in payload.get("items") or [] if isinstance(i, Mapping)]
    lines = [
        {"title": i.get("plan_title", ""), "version": i.get("version"), "due": _day(i.get("due"))}
        for i in items[:LINES_SHOWN]
    ]
    return {
        "plans": lines,
        "more": max(0, len(items) - len(lines)),
        "url": _link("to-read"),
        "url_label": "Open your reading list",
    }

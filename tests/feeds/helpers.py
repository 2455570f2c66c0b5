"""Reading the feeds as their consumers do: GeoJSON as JSON, the calendar with icalendar, CAP with ElementTree."""

from xml.etree import ElementTree as ET

from icalendar import Calendar

from feeds.cap import ATOM_NS, CAP_NS
from feeds.services import feed_token_create

CAP = f"{{{CAP_NS}}}"
ATOM = f"{{{ATOM_NS}}}"


def feed_path(user) -> str:
    """A new calendar-feed link of `user`, as a path."""
    return f"/api/v1/calendar/{feed_token_create(user=user, actor=user)[1]}.ics"


def summaries(body: bytes) -> list[str]:
    calendar = Calendar.from_ical(body)
    return [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]


def cap_alerts(body: bytes) -> list[ET.Element]:
    """The CAP `<alert>` elements of an Atom feed, each the single child of its entry's content."""
    feed = ET.fromstring(body)  # noqa: S314 - our own output, parsed in a test
    assert feed.tag == f"{ATOM}feed"
    alerts = []
    for entry in feed.findall(f"{ATOM}entry"):
        content = entry.find(f"{ATOM}content")
        assert content is not None
        assert content.get("type") == "application/cap+xml"
        (alert,) = list(content)
        alerts.append(alert)
    return alerts


def headlines(body: bytes) -> list[str]:
    return [alert.findtext(f"{CAP}info/{CAP}headline") or "" for alert in cap_alerts(body)]

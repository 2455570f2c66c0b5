"""A person's review and acknowledgement due dates as an RFC 5545 calendar (the `icalendar` package writes it).

Each kind of date is one function returning events; exercise dates (issue 17) add a third to `DATE_SOURCES`.
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from feeds.selectors import calendar_reading_obligations, calendar_review_plans

ICAL_MEDIA_TYPE = "text/calendar"
PRODID = "-//Concord//Response plan dates//EN"

Absolute = Callable[[str], str]


def _all_day(uid: str, day: date, summary: str, description: str, url: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # a due date, not a meeting: it does not make the person busy
    return event


def review_events(user: User, absolute: Absolute, stamp: datetime) -> Iterable[Event]:
    """A plan's next periodic review, for the plans the person's agencies own or partner on."""
    for plan in calendar_review_plans(user=user):
        if plan.next_review_due is None:  # filtered out by the selector; for the type checker
            continue
        yield _all_day(
            f"plan-{plan.pk}-review@concord",
            plan.next_review_due,
            f"Review due: {plan.title}",
            f"The periodic review of “{plan.title}” ({plan.owner_agency.name}) is due.",
            absolute(reverse("plans:detail", args=[plan.pk])),
            stamp,
        )


def reading_events(user: User, absolute: Absolute, stamp: datetime) -> Iterable[Event]:
    """The person's open required reading: acknowledge a plan's current version by its due date."""
    for obligation in calendar_reading_obligations(user=user):
        due = timezone.localtime(obligation.due_at).date()
        yield _all_day(
            f"reading-{obligation.pk}-v{obligation.version.number}@concord",
            due,
            f"Acknowledge: {obligation.plan.title} (version {obligation.version.number})",
            f"{obligation.agency.name} asks you to read and acknowledge version {obligation.version.number}.",
            absolute(reverse("plans:detail", args=[obligation.plan.pk])),
            stamp,
        )


# Issue 17 (exercises) appends its exercise-date source here; each source runs one query.
DATE_SOURCES: list[Callable[[User, Absolute, datetime], Iterable[Event]]] = [review_events, reading_events]


def person_calendar(user: User, absolute: Absolute) -> bytes:
    """Every date source for this person, read now (so a revoked share drops its plan at the next fetch)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Concord plan dates")
    stamp = timezone.now()
    for source in DATE_SOURCES:
        for event in source(user, absolute, stamp):
            calendar.add_component(event)
    return bytes(calendar.to_ical())

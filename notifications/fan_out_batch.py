"""Fan-out of many one-person events at once: a day's reading reminders, a batch per statement, not a person.

The per-event path (`services.outbox_event_fan_out`) costs a claim, an audience query, two inserts and a
commit for each event: ~40 ms, so the worst day's 180,000 reminders would take two hours on one worker. Here a
batch of events is claimed, read, and written in one transaction with one statement each: the claim (UPDATE …
SKIP LOCKED RETURNING), the people's memberships, their preferences, the notifications, the deliveries.

The outbox's guarantees hold per batch as they do per event: an event is claimed by one worker only, its mark
commits with its notifications and deliveries or not at all (a failed batch leaves every event pending for the
retry and the sweep), and the unique keys make a repeated run create nothing. If a batch fails, its events are
fanned out one by one, so one bad event cannot hold back the others' alerts.
"""

import logging
from collections.abc import Iterable
from datetime import datetime

from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from access.audience import active_members
from notifications.dispatch import SEND_EVENTS_EMAILS, enqueue_on_commit
from notifications.models import (
    Channel,
    Delivery,
    EmailChoice,
    EventType,
    Notification,
    NotificationPreference,
    OutboxEvent,
)
from notifications.preferences import ROLE_PRIORITY, default_preference, effective_in_app
from notifications.reading_text import reading_title
from notifications.services import outbox_event_fan_out
from portal.header_cache import header_counts_changed

logger = logging.getLogger(__name__)

# Addressed to one person, with no webhook and no plan audience: these are fanned out in batches.
BATCHED_EVENT_TYPES = frozenset({EventType.READING_DUE_SOON, EventType.READING_OVERDUE})
INSERT_BATCH = 1000


def _claim(event_ids: list[int], now: datetime) -> list[OutboxEvent]:
    """Lock the batch's undispatched one-person events (skipping those another worker holds) and mark them."""
    pending = OutboxEvent.objects.filter(
        pk__in=event_ids, dispatched_at__isnull=True, event_type__in=BATCHED_EVENT_TYPES
    )
    if connection.vendor == "postgresql":
        table = OutboxEvent._meta.db_table
        claimed = OutboxEvent.objects.raw(
            f"UPDATE {table} SET dispatched_at = %s, attempts = attempts + 1 WHERE id IN ("  # noqa: S608 - names are ours
            f"SELECT id FROM {table} WHERE id = ANY(%s) AND dispatched_at IS NULL AND event_type = ANY(%s) "
            "ORDER BY id FOR UPDATE SKIP LOCKED) RETURNING *",
            [now, event_ids, sorted(BATCHED_EVENT_TYPES)],
        )
        return list(claimed)
    events = list(pending.select_for_update(skip_locked=True).order_by("pk"))
    OutboxEvent.objects.filter(pk__in=[e.pk for e in events]).update(dispatched_at=now, attempts=F("attempts") + 1)
    return events


def _person(event: OutboxEvent) -> tuple[int, set[int]] | None:
    """The person an event is addressed to and the agencies that asked them to read (None if malformed)."""
    user, agencies = event.payload.get("user"), event.payload.get("agencies", [])
    if not isinstance(user, int) or not isinstance(agencies, list):
        return None
    return user, {a for a in agencies if isinstance(a, int)}


def _strongest_roles(addressed: dict[int, tuple[int, set[int]]]) -> dict[int, str]:
    """Per event, the role that hears the most among its person's active memberships of its agencies (one query).

    No role means nobody to tell: the person left those agencies or was deactivated since (as `audience_for`).
    """
    users = {user for user, _ in addressed.values()}
    agencies = set().union(*(agencies for _, agencies in addressed.values())) if addressed else set()
    roles: dict[int, dict[int, str]] = {}
    rows = active_members(agency_ids=agencies).filter(user_id__in=users).order_by()
    for user_id, agency_id, role in rows.values_list("user_id", "agency_id", "role"):
        roles.setdefault(user_id, {})[agency_id] = role
    strongest: dict[int, str] = {}
    for event_id, (user, agencies) in addressed.items():
        held = [role for agency, role in roles.get(user, {}).items() if agency in agencies]
        if held:
            strongest[event_id] = min(held, key=lambda role: ROLE_PRIORITY[role])
    return strongest


def _choices(events: list[OutboxEvent], users: set[int]) -> dict[tuple[int, str], tuple[bool, str]]:
    """The people's own (in_app, email) choices for these event types (one query)."""
    rows = NotificationPreference.objects.filter(
        user_id__in=users, event_type__in={e.event_type for e in events}
    ).values_list("user_id", "event_type", "in_app", "email")
    return {(user, kind): (in_app, email) for user, kind, in_app, email in rows}


def _fan_out_claimed(events: list[OutboxEvent], now: datetime) -> list[int]:
    """The notifications and e-mail deliveries of claimed events; returns the ids of those with e-mails."""
    addressed = {e.pk: person for e in events if (person := _person(e)) is not None}
    roles = _strongest_roles(addressed)
    chosen = _choices(events, {user for user, _ in addressed.values()})
    notifications: list[Notification] = []
    deliveries: list[Delivery] = []
    for event in events:
        role = roles.get(event.pk)
        if role is None:
            continue
        user = addressed[event.pk][0]
        in_app, email = chosen.get((user, event.event_type)) or default_preference(
            event_type=event.event_type, role=role
        )
        if effective_in_app(event_type=event.event_type, in_app=in_app):
            notifications.append(
                Notification(
                    user_id=user,
                    event=event,
                    event_type=event.event_type,
                    plan_id=event.plan_id,
                    version_number=event.payload.get("version"),
                    title=reading_title(event.event_type, event.payload)[:300],
                    created_at=now,
                )
            )
        if email != EmailChoice.OFF:
            channel = Channel.EMAIL if email == EmailChoice.IMMEDIATE else Channel.EMAIL_DIGEST
            deliveries.append(Delivery(event=event, channel=channel, user_id=user, next_attempt_at=now))
    Notification.objects.bulk_create(notifications, batch_size=INSERT_BATCH, ignore_conflicts=True)
    header_counts_changed(n.user_id for n in notifications)  # their unread count in the header
    Delivery.objects.bulk_create(deliveries, batch_size=INSERT_BATCH, ignore_conflicts=True)
    return sorted({d.event_id for d in deliveries if d.channel == Channel.EMAIL})


def personal_events_fan_out(*, event_ids: Iterable[int]) -> list[int]:
    """Fan out the one-person events among `event_ids` in one transaction; returns the ids it dispatched.

    Other event types, and events already dispatched or held by another worker, are left alone.
    """
    ids = sorted(set(event_ids))
    if not ids:
        return []
    with transaction.atomic():
        now = timezone.now()
        events = _claim(ids, now)
        if not events:
            return []
        emailed = _fan_out_claimed(events, now)
        if emailed:
            enqueue_on_commit(SEND_EVENTS_EMAILS, emailed)
    return [event.pk for event in events]


def outbox_events_fan_out(*, event_ids: Iterable[int]) -> int:
    """Fan out a batch of events: the one-person ones together, the others one by one; returns how many.

    If the batch fails, nothing of it was kept, and its events go one by one too, so one malformed event costs
    only its own alert: the others are fanned out first, then its error is raised (the task retries it, the
    sweep logs it).
    """
    ids = sorted(set(event_ids))
    try:
        done = set(personal_events_fan_out(event_ids=ids))
    except SoftTimeLimitExceeded:
        raise
    except Exception:
        logger.exception("Batch fan-out of %s events failed; fanning them out one by one.", len(ids))
        done = set()
    dispatched, failure = len(done), None
    for event_id in ids:
        if event_id in done:
            continue
        try:
            dispatched += outbox_event_fan_out(event_id=event_id) is not None
        except SoftTimeLimitExceeded:
            raise
        except Exception as error:
            failure = failure or error
    if failure is not None:
        raise failure
    return dispatched

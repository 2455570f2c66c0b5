"""Writes of the alerting pipeline: recording outbox events, fanning them out, marking notifications read."""

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import F, FilteredRelation, Q, QuerySet
from django.utils import timezone

from agencies.models import Membership
from notifications.dispatch import DELIVER_WEBHOOK, FAN_OUT_EVENT, SEND_EVENT_EMAILS, enqueue_on_commit
from notifications.document_titles import document_change_title
from notifications.exercise_titles import (
    corrective_action_closed_title,
    corrective_action_overdue_title,
    exercise_scheduled_title,
    exercise_upcoming_title,
)
from notifications.models import (
    PERSONAL_EVENT_TYPES,
    Channel,
    Delivery,
    EmailChoice,
    EventType,
    Notification,
    NotificationPreference,
    OutboxEvent,
    WebhookEndpoint,
)
from notifications.preferences import ROLE_PRIORITY, default_preference, effective_in_app
from notifications.reading_text import reading_title
from notifications.recipients import audience_for
from plans.changes import published_version_changes
from plans.models import classification_words
from portal.header_cache import header_counts_changed

logger = logging.getLogger(__name__)

FAN_OUT_CHUNK = 1000
# A source change's in-app alert names at most this many of the source's changed sections (the rest counted).
SECTIONS_NAMED = 5


def outbox_event_record(
    *, event_type: EventType, plan: Any, payload: dict[str, Any], dedupe_key: str | None = None
) -> OutboxEvent | None:
    """Record an event in the caller's transaction; its fan-out is queued for after the commit.

    With a `dedupe_key`, an event already recorded under that key is not recorded again (reminders), even
    when another transaction records it at the same moment: the caller's transaction goes on either way.
    """
    grace = timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS)
    fields: dict[str, Any] = {
        "event_type": event_type,
        "plan": plan,
        "payload": payload,
        "dedupe_key": dedupe_key,
        "next_attempt_at": timezone.now() + grace,
    }
    if dedupe_key is None:
        event = OutboxEvent.objects.create(**fields)
    else:
        if OutboxEvent.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        try:
            # A savepoint: a concurrent run's uncommitted insert of the same key makes this one wait for it,
            # then fail on the unique key; only the savepoint is rolled back, not the caller's whole run.
            with transaction.atomic():
                event = OutboxEvent.objects.create(**fields)
        except IntegrityError:
            if OutboxEvent.objects.filter(dedupe_key=dedupe_key).exists():
                return None  # the other run committed it first
            raise
    enqueue_on_commit(FAN_OUT_EVENT, event.pk)
    return event


@dataclass(frozen=True)
class FanOutResult:
    """What one fan-out created (zero everywhere when a previous run already did it)."""

    recipients: int
    notifications: int
    emails: int
    webhooks: int


# (user_id, role, own in_app choice, own e-mail choice, membership id); the choices are None without one.
AudienceRow = tuple[int, str, bool | None, str | None, int]


def _audience_rows(memberships: QuerySet[Membership], event_type: str) -> Iterator[AudienceRow]:
    """The audience's memberships with each person's own choice for `event_type`, ordered by person.

    The first FAN_OUT_CHUNK rows come from one plain query; only a larger audience reads the rest through
    a server-side cursor, so memory stays bounded by the chunk while a small one costs a single statement.
    """
    chosen = FilteredRelation(
        "user__notification_preferences", condition=Q(user__notification_preferences__event_type=event_type)
    )
    rows = (
        memberships.annotate(chosen=chosen)
        .order_by("user_id", "pk")
        .values_list("user_id", "role", "chosen__in_app", "chosen__email", "pk")
    )
    page = list(rows[:FAN_OUT_CHUNK])
    yield from page
    if len(page) < FAN_OUT_CHUNK:
        return
    user_id, pk = page[-1][0], page[-1][4]
    del page
    rest = rows.filter(Q(user_id__gt=user_id) | Q(user_id=user_id, pk__gt=pk))
    yield from rest.iterator(chunk_size=FAN_OUT_CHUNK)


def _best_rows(rows: list[AudienceRow]) -> dict[int, AudienceRow]:
    """One row per person: the membership whose role hears the most."""
    best: dict[int, AudienceRow] = {}
    for row in rows:
        known = best.get(row[0])
        if known is None or ROLE_PRIORITY[row[1]] < ROLE_PRIORITY[known[1]]:
            best[row[0]] = row
    return best


def _concurrence_title(title: str, version: object, payload: dict[str, Any]) -> str:
    verb = "requested changes to" if payload.get("outcome") == "changes_requested" else "concurs with"
    return f"{title}: {payload.get('agency_name') or 'a partner'} {verb} version {version}"


def _source_title(title: str, payload: dict[str, Any]) -> str:
    source, number = payload.get("source_title") or "a source", payload.get("source_version")
    if payload.get("kind") == "withdrawn":
        return f"{title}: source {source} v{number} was withdrawn — review pending"
    headline = f"{title}: source {source} is now at v{number} — review pending"
    sections = [str(name) for name in payload.get("sections") or []]
    if not sections:
        return headline
    more = f" and {len(sections) - SECTIONS_NAMED} more" if len(sections) > SECTIONS_NAMED else ""
    return f"{headline} (sections changed: {', '.join(sections[:SECTIONS_NAMED])}{more})"


def _sro_title(payload: dict[str, Any]) -> str:
    school, officer = payload.get("facility_name", "A school"), payload.get("officer_name", "An officer")
    if payload.get("change") == "ended":
        return f"{school}: {officer} is no longer its School Resource Officer"
    return f"{school}: {officer} ({payload.get('agency_name', '')}) is now its School Resource Officer"


def _notification_title(event: OutboxEvent) -> str:
    payload = event.payload
    if event.event_type in PERSONAL_EVENT_TYPES:
        return reading_title(event.event_type, payload)[:300]
    title = payload.get("plan_title", "A plan")
    version = payload.get("version")
    titles: dict[str, str] = {
        EventType.VERSION_PUBLISHED: f"{title}: version {version} published",
        EventType.VERSION_WITHDRAWN: f"{title}: version {version} withdrawn",
        EventType.PLAN_SHARED: f"{title} was shared with your agency",
        EventType.PLAN_UNSHARED: f"{title} is no longer shared with your agency",
        EventType.PLAN_REVIEW_DUE: f"{title}: review due {payload.get('due', '')}".strip(),
        EventType.ACKNOWLEDGEMENT_REMINDER: f"{title}: version {version} awaits your agency's acknowledgement",
        EventType.COMMENT_CREATED: f"{title}: new comment on version {version}",
        EventType.COMMENT_RESOLVED: f"{title}: {'change request' if payload.get('is_change_request') else 'comment'} "
        "resolved by the owner",
        EventType.CONCURRENCE_RECORDED: _concurrence_title(title, version, payload),
        EventType.SOURCE_CHANGED: _source_title(title, payload),
        EventType.WEBHOOK_DISABLED: f"Webhook disabled: {payload.get('url', '')}",
        EventType.PLAN_CLASSIFICATION_LOWERED: f"{title}: classification lowered from "
        f"{classification_words(payload.get('previous_classification'))} to "
        f"{classification_words(payload.get('classification'))}",
        EventType.MEMBER_INVITED: f"Welcome to Concord: you were added to {payload.get('agency_name', 'an agency')} "
        f"as {payload.get('role_label', 'member').lower()}",
        EventType.BUILDING_DOCUMENT_CHANGED: document_change_title(payload),
        EventType.FACILITY_SRO_CHANGED: _sro_title(payload),
        EventType.EXERCISE_SCHEDULED: exercise_scheduled_title(payload),
        EventType.CORRECTIVE_ACTION_CLOSED: corrective_action_closed_title(payload),
        EventType.EXERCISE_UPCOMING: exercise_upcoming_title(payload),
        EventType.CORRECTIVE_ACTION_OVERDUE: corrective_action_overdue_title(payload),
        EventType.FACILITY_CONFLICT: f"{title}: {payload.get('fact_label', 'a key fact')} at "
        f"{payload.get('facility_name', 'a building')} conflicts with {payload.get('other_agency_name', '')}",
    }
    return titles.get(event.event_type, title)[:300]


def _insert_notifications(event: OutboxEvent, user_ids: list[int], title: str) -> None:
    """One INSERT … ON CONFLICT DO NOTHING for a chunk of people who differ only in user id.

    On PostgreSQL the ids travel as one array parameter (`unnest`): building a model instance per person
    cost more than the database's own work (docs/benchmarks.md). Elsewhere, bulk_create does the same.
    """
    if not user_ids:
        return
    header_counts_changed(user_ids)  # their unread count in the header
    values = {
        "event_id": event.pk,
        "event_type": event.event_type,
        "plan_id": event.plan_id,
        "version_number": event.payload.get("version"),
        "title": title,
        "created_at": timezone.now(),
    }
    if connection.vendor != "postgresql":
        Notification.objects.bulk_create([Notification(user_id=u, **values) for u in user_ids], ignore_conflicts=True)
        return
    columns = ", ".join(values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Notification._meta.db_table} (user_id, {columns}) "  # noqa: S608 - names are ours
            f"SELECT u, {', '.join(['%s'] * len(values))} FROM unnest(%s::integer[]) AS u ON CONFLICT DO NOTHING",
            [*values.values(), user_ids],
        )


def _fan_out_chunk(event: OutboxEvent, rows: list[AudienceRow], title: str, now: Any) -> tuple[int, int, int]:
    """Create the in-app notifications and e-mail deliveries for one chunk of people (two queries).

    Returns how many people the chunk held, and how many notifications and e-mail deliveries it made.
    """
    people = _best_rows(rows)
    in_app_users: list[int] = []
    deliveries: list[Delivery] = []
    for user_id, role, in_app, email, _ in people.values():
        if in_app is None:  # no choice of their own for this event type
            in_app, email = default_preference(event_type=event.event_type, role=role)
        if effective_in_app(event_type=event.event_type, in_app=in_app):
            in_app_users.append(user_id)
        if email != EmailChoice.OFF:
            channel = Channel.EMAIL if email == EmailChoice.IMMEDIATE else Channel.EMAIL_DIGEST
            deliveries.append(Delivery(event=event, channel=channel, user_id=user_id, next_attempt_at=now))
    _insert_notifications(event, in_app_users, title)
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    return len(people), len(in_app_users), len(deliveries)


def _claim_event(event_id: int, now: Any) -> OutboxEvent | None:
    """Lock the undispatched event, skipping it if another worker holds it, and mark it dispatched.

    The mark commits with the fan-out's rows or not at all. On PostgreSQL claiming and marking are one
    statement (UPDATE … RETURNING); elsewhere a SELECT and an UPDATE.
    """
    if connection.vendor == "postgresql":
        table = OutboxEvent._meta.db_table
        claimed = OutboxEvent.objects.raw(
            f"UPDATE {table} SET dispatched_at = %s, attempts = attempts + 1 WHERE id = ("  # noqa: S608 - names are ours
            f"SELECT id FROM {table} WHERE id = %s AND dispatched_at IS NULL FOR UPDATE SKIP LOCKED) RETURNING *",
            [now, event_id],
        )
        return next(iter(claimed), None)
    event = (
        OutboxEvent.objects.select_for_update(skip_locked=True).filter(pk=event_id, dispatched_at__isnull=True).first()
    )
    if event is not None:
        OutboxEvent.objects.filter(pk=event.pk).update(dispatched_at=now, attempts=F("attempts") + 1)
    return event


def _changes_recorded(event: OutboxEvent) -> None:
    """Keep on a new version's event what it changed (plans.changes), computed here once for every e-mail and
    digest that names it, never per recipient. A failure costs the mails their summary, never the alert."""
    if event.event_type != EventType.VERSION_PUBLISHED or event.plan_id is None or "changes" in event.payload:
        return
    number = event.payload.get("version")
    if not isinstance(number, int):
        return
    try:
        with transaction.atomic():  # a savepoint: a failed read leaves the fan-out's transaction usable
            changes = published_version_changes(plan_id=event.plan_id, number=number)
    except Exception:
        logger.exception("Could not summarise what version %s of plan %s changed.", number, event.plan_id)
        return
    if changes is not None:
        event.payload = {**event.payload, "changes": changes}
        OutboxEvent.objects.filter(pk=event.pk).update(payload=event.payload)


def outbox_event_fan_out(*, event_id: int) -> FanOutResult | None:
    """Turn one event into notifications and deliveries for everyone allowed to see it now.

    Idempotent: the event row is claimed with SKIP LOCKED, unique constraints make a repeated run
    create nothing, and a dispatched event is left alone. Returns None when there was nothing to do.
    """
    with transaction.atomic():
        now = timezone.now()
        event = _claim_event(event_id, now)
        if event is None:
            return None
        audience = audience_for(event)
        title = _notification_title(event)
        recipients = notified = emails = 0
        chunk: list[AudienceRow] = []
        for row in _audience_rows(audience.memberships, event.event_type):
            # Keep one person's memberships in the same chunk so their strongest role decides.
            if len(chunk) >= FAN_OUT_CHUNK and chunk[-1][0] != row[0]:
                created = _fan_out_chunk(event, chunk, title, now)
                recipients, notified, emails = recipients + created[0], notified + created[1], emails + created[2]
                chunk = []
            chunk.append(row)
        if chunk:
            created = _fan_out_chunk(event, chunk, title, now)
            recipients, notified, emails = recipients + created[0], notified + created[1], emails + created[2]
        active = WebhookEndpoint.objects.filter(agency_id__in=audience.agencies, is_active=True).order_by()
        endpoints = [pk for pk, events in active.values_list("pk", "events") if event.event_type in events]
        webhook_deliveries = Delivery.objects.bulk_create(
            [
                Delivery(event=event, channel=Channel.WEBHOOK, endpoint_id=endpoint, next_attempt_at=now)
                for endpoint in endpoints
            ],
            ignore_conflicts=True,
        )
        if emails:
            _changes_recorded(event)
            enqueue_on_commit(SEND_EVENT_EMAILS, event.pk)
        if endpoints:  # an event's webhook deliveries are only ever created just above
            pending = Delivery.objects.filter(event=event, channel=Channel.WEBHOOK, status="pending")
            for delivery_id in pending.values_list("pk", flat=True):
                enqueue_on_commit(DELIVER_WEBHOOK, delivery_id)
    return FanOutResult(recipients=recipients, notifications=notified, emails=emails, webhooks=len(webhook_deliveries))


def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark one of the user's notifications read (keeping the first read time)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        header_counts_changed([notification.user_id])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read; returns how many changed."""
    changed = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    if changed:
        header_counts_changed([user.pk])
    return changed


@transaction.atomic
def preferences_update(*, user: User, choices: list[dict[str, Any]]) -> None:
    """Save the user's choices for the event types given (others keep their current setting)."""
    for choice in choices:
        NotificationPreference.objects.update_or_create(
            user=user,
            event_type=choice["event_type"],
            defaults={
                "in_app": effective_in_app(event_type=choice["event_type"], in_app=choice["in_app"]),
                "email": choice["email"],
            },
        )

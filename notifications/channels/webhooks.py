"""Webhook channel: signed (Standard Webhooks), SSRF-safe deliveries with retries kept in the database.

One call of `webhook_deliver` makes at most one HTTP attempt:
- the delivery row is claimed first (a conditional UPDATE that leases `next_attempt_at` forward), so two
  workers given the same id never both send; no transaction is open during the HTTP request;
- 2xx is success; anything else fails the attempt (3xx included: redirects are never followed);
- 410 Gone disables the endpoint at once; 429 waits for `Retry-After` (seconds or an HTTP date,
  between 1 s and `RETRY_AFTER_MAX_SECONDS`); other failures retry after `RETRY_DELAYS_SECONDS`
  (±20% jitter): 10 attempts over about 24 hours, then the delivery is `failed`;
- an endpoint whose deliveries fail `DISABLE_AFTER_FAILED_DELIVERIES` times in a row (each after all
  its attempts, with no success in between) is disabled and its agency's admins are alerted.

Retries are not Celery countdowns: the periodic sweep re-queues deliveries whose `next_attempt_at`
has passed (so a retry goes out within a sweep period of being due). A task for a delivery that is not
due, not pending, gone, or whose endpoint is disabled does nothing.

Fairness between agencies: at most `WEBHOOK_AGENCY_CONCURRENCY` attempts to one agency's endpoints run at
once (a PostgreSQL advisory lock per slot, held by the sending worker's session, so a crash frees it).
A delivery whose agency has every slot taken is not attempted: it is due again `AGENCY_BUSY_SECONDS` later
and its task goes to the back of the queue. A partner whose receivers all hang therefore holds that many
webhook worker slots — never all of them — and everyone else's deliveries pass it.
"""

import json
import logging
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http.client import HTTPException
from typing import Any

import urllib3
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook

from notifications.channels.webhook_targets import WebhookTargetRefused, webhook_post, webhook_target_resolve
from notifications.models import Channel, Delivery, DeliveryStatus, OutboxEvent, WebhookAttempt, WebhookEndpoint
from notifications.recipients import audience_for
from notifications.webhook_services import webhook_endpoint_disable

logger = logging.getLogger(__name__)

# Wait after failed attempt 1, 2, …; the attempt after the last wait is the final one (about a day in all).
RETRY_DELAYS_SECONDS = (30, 120, 600, 1800, 3600, 7200, 14400, 28800, 28800)
MAX_ATTEMPTS = len(RETRY_DELAYS_SECONDS) + 1
JITTER = 0.2
RETRY_AFTER_MAX_SECONDS = 3600
DISABLE_AFTER_FAILED_DELIVERIES = 3
# How long a claimed delivery is held by the worker sending it (far longer than one HTTP attempt).
SEND_LEASE_SECONDS = 300
# A delivery whose agency has no free slot is due again after this (plus jitter), at the back of the queue.
AGENCY_BUSY_SECONDS = 2.0
# Advisory lock keys (classid) of the per-agency slots: this base plus the slot number; objid is the agency.
AGENCY_SLOT_LOCK_BASE = 0x57480000
# Event payload keys a receiver gets; anything else (actor ids, other agencies, section text) stays home.
PAYLOAD_KEYS = (
    "plan",
    "plan_title",
    "owner_agency",
    "version",
    "previous_version",
    "change_summary",
    "partner",
    "level",
    "due",
    "stage",
    "agency",
    "webhook",
    "url",
    "reason",
    # facility.conflict: the building, the facts and the other agency (never the other plan's content)
    "facility",
    "facility_name",
    "fact",
    "other_fact",
    "kind",
    "other_agency",
    "other_agency_name",
    "conflict",
    # plan.classification_lowered: from what to what
    "previous_classification",
    "classification",
    # facility.sro_changed: who (of the agency `agency`), assigned or ended, from or on which day
    "officer_name",
    "change",
    "on",
    # plan.source_changed: which source moved to which version, and the titles of the source's sections that
    # changed since the version the plan was written against (the delivery is cancelled once it may not read it)
    "source_plan",
    "source_title",
    "source_version",
    "sections",
)
_random = secrets.SystemRandom()


@dataclass(frozen=True)
class AttemptResult:
    """What one attempt came to: an HTTP status, or an error before any answer."""

    status_code: int | None = None
    error: str = ""
    retry_after: str | None = None
    duration_ms: int = 0

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def webhook_message(event: OutboxEvent) -> dict[str, Any]:
    """The thin message for an event: type, time, ids, titles and API links; never plan content."""
    payload = event.payload
    data: dict[str, Any] = {key: payload[key] for key in PAYLOAD_KEYS if key in payload}
    links: dict[str, str] = {}
    plan_id = payload.get("plan")
    if plan_id is not None:
        links["plan"] = settings.SITE_URL + reverse("plan-detail", kwargs={"pk": plan_id})
        if payload.get("version") is not None:
            links["version"] = settings.SITE_URL + reverse(
                "version-detail", kwargs={"plan_id": plan_id, "number": payload["version"]}
            )
    if links:
        data["links"] = links
    data["event"] = event.pk
    return {"type": event.event_type, "timestamp": _iso(event.created_at), "data": data}


def _retry_after_seconds(value: str | None, now: datetime) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - now).total_seconds())


def webhook_retry_delay(*, attempt: int, result: AttemptResult, now: datetime) -> timedelta:
    """How long to wait after failed attempt number `attempt` (1-based)."""
    if result.status_code == 429:
        seconds = _retry_after_seconds(result.retry_after, now)
        if seconds is not None:
            return timedelta(seconds=min(max(seconds, 1.0), RETRY_AFTER_MAX_SECONDS))
    base = RETRY_DELAYS_SECONDS[min(attempt, len(RETRY_DELAYS_SECONDS)) - 1]
    return timedelta(seconds=base * _random.uniform(1 - JITTER, 1 + JITTER))


def _cancel_reason(delivery: Delivery) -> str:
    """Why this delivery must not go out any more (empty when it may)."""
    endpoint = delivery.endpoint
    if endpoint is None or not endpoint.is_active:
        return "Cancelled: the endpoint is disabled."
    if delivery.event.event_type not in endpoint.events:
        return "Cancelled: the endpoint no longer subscribes to this event type."
    if endpoint.agency_id not in audience_for(delivery.event).agency_ids:
        return "Cancelled: the agency may no longer see this plan."
    return ""


def _claim(delivery_id: int, now: datetime) -> int | None:
    """Take the delivery for this worker; returns the attempt number, or None when another worker has it."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimed = (
        Delivery.objects.filter(due, pk=delivery_id, status=DeliveryStatus.PENDING)
        .exclude(endpoint=None)
        .update(
            next_attempt_at=now + timedelta(seconds=SEND_LEASE_SECONDS),
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        return None
    return Delivery.objects.values_list("attempts", flat=True).get(pk=delivery_id)


def _attempt(delivery: Delivery, endpoint: WebhookEndpoint) -> AttemptResult:
    """Resolve and check the URL again, sign a fresh body, POST it once (no transaction is open here)."""
    try:
        target = webhook_target_resolve(endpoint.url)
    except WebhookTargetRefused as exc:
        return AttemptResult(error=f"Refused before connecting: {exc}")
    timestamp = int(time.time())
    text = json.dumps(webhook_message(delivery.event), separators=(",", ":"))
    signature = Webhook(endpoint.secret).sign(delivery.message_id, datetime.fromtimestamp(timestamp, tz=UTC), text)
    headers = {
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }
    started = time.monotonic()
    try:
        response = webhook_post(target=target, body=text.encode("utf-8"), headers=headers)
    except (urllib3.exceptions.HTTPError, HTTPException, OSError) as exc:
        duration = int((time.monotonic() - started) * 1000)
        return AttemptResult(error=f"{type(exc).__name__}: {exc}", duration_ms=duration)
    duration = int((time.monotonic() - started) * 1000)
    return AttemptResult(status_code=response.status, retry_after=response.retry_after, duration_ms=duration)


def _describe(result: AttemptResult) -> str:
    return f"HTTP {result.status_code}" if result.status_code is not None else result.error


@transaction.atomic
def _record(delivery_id: int, endpoint_id: int, attempt: int, result: AttemptResult) -> None:
    """Log the attempt and move the delivery and its endpoint on, in one short transaction."""
    # Endpoint before delivery, the order webhook_endpoint_disable locks in too (no deadlock between workers).
    endpoint = WebhookEndpoint.objects.select_for_update().filter(pk=endpoint_id).first()
    delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
    if endpoint is None or delivery is None:  # the endpoint was removed while we were sending
        return
    WebhookAttempt.objects.create(
        delivery=delivery,
        status_code=result.status_code,
        error=result.error[:500],
        duration_ms=result.duration_ms,
    )
    if delivery.attempts != attempt or delivery.status != DeliveryStatus.PENDING:
        # Redelivered or cancelled while we were sending: the newer state wins.
        return
    now = timezone.now()
    delivery.last_status_code = result.status_code
    delivery.last_error = "" if result.succeeded else _describe(result)
    fields = ["status", "next_attempt_at", "last_status_code", "last_error", "sent_at"]
    if result.succeeded:
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = now
        delivery.next_attempt_at = None
        delivery.save(update_fields=fields)
        if endpoint.consecutive_failures:
            WebhookEndpoint.objects.filter(pk=endpoint_id).update(consecutive_failures=0)
        return
    if result.status_code == 410:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
        delivery.save(update_fields=fields)
        webhook_endpoint_disable(endpoint_id=endpoint_id, reason="The receiver answered 410 Gone.")
        return
    if attempt < MAX_ATTEMPTS:
        delivery.next_attempt_at = now + webhook_retry_delay(attempt=attempt, result=result, now=now)
        delivery.save(update_fields=fields)
        return
    delivery.status = DeliveryStatus.FAILED
    delivery.next_attempt_at = None
    delivery.save(update_fields=fields)
    failures = endpoint.consecutive_failures + 1
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(consecutive_failures=failures)
    if failures >= DISABLE_AFTER_FAILED_DELIVERIES:
        webhook_endpoint_disable(
            endpoint_id=endpoint_id,
            reason=(
                f"{failures} deliveries in a row failed after {MAX_ATTEMPTS} attempts each (last: {_describe(result)})."
            ),
        )


@contextmanager
def _agency_slot(agency_id: int) -> Iterator[bool]:
    """Hold one of the agency's sending slots for the block; yields False when all are taken.

    Session-level advisory locks on the worker's own connection: no transaction stays open while sending,
    and if the worker dies its connection closes and PostgreSQL frees the slot. Elsewhere (SQLite, the
    demo) and with a limit of 0 there is no limit.
    """
    limit = settings.WEBHOOK_AGENCY_CONCURRENCY
    if limit <= 0 or connection.vendor != "postgresql":
        yield True
        return
    held = None
    with connection.cursor() as cursor:
        for slot in range(limit):
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [AGENCY_SLOT_LOCK_BASE + slot, agency_id])
            if cursor.fetchone()[0]:
                held = slot
                break
    if held is None:
        yield False
        return
    try:
        yield True
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [AGENCY_SLOT_LOCK_BASE + held, agency_id])
        except DatabaseError:  # the connection is gone, and with it the lock
            logger.warning("Could not release webhook slot %s of agency %s; its session ended.", held, agency_id)


def _wait_for_a_slot(delivery_id: int, now: datetime) -> float:
    """Make a due delivery due again a little later (so the sweep leaves it alone); returns the wait in seconds."""
    wait = AGENCY_BUSY_SECONDS * _random.uniform(1, 1.5)
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    Delivery.objects.filter(due, pk=delivery_id, status=DeliveryStatus.PENDING).update(
        next_attempt_at=now + timedelta(seconds=wait)
    )
    return wait


def webhook_deliver(*, delivery_id: int) -> float | None:
    """Attempt one webhook delivery if it is still pending and due.

    Returns None when the delivery was dealt with (or needed nothing), or the seconds after which to queue it
    again when its agency's slots were all taken (see the module docstring).
    """
    now = timezone.now()
    delivery = (
        Delivery.objects.select_related("event", "endpoint")
        .filter(pk=delivery_id, channel=Channel.WEBHOOK)
        .exclude(endpoint=None)
        .first()
    )
    if delivery is None or delivery.status != DeliveryStatus.PENDING or delivery.endpoint is None:
        return None
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
        return None
    endpoint = delivery.endpoint
    with _agency_slot(endpoint.agency_id) as slot:
        if not slot:
            return _wait_for_a_slot(delivery_id, now)
        reason = _cancel_reason(delivery)
        if reason:
            Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.CANCELLED, next_attempt_at=None, last_error=reason
            )
            return None
        attempt = _claim(delivery_id, now)
        if attempt is None:
            return None
        result = _attempt(delivery, endpoint)
        if not result.succeeded:
            logger.info("Webhook delivery %s attempt %s failed: %s", delivery_id, attempt, _describe(result))
        _record(delivery_id, endpoint.pk, attempt, result)
    return None

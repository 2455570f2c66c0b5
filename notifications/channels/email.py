"""E-mail channel: immediate mail in batches over one SMTP connection, and daily digests.

Rows are claimed with SKIP LOCKED and leased forward in a short transaction, so two workers never
take the same delivery; access is checked again at send time (a revoked share means no mail), and
SMTP failures are retried from the database with exponential backoff. What the mails say is in
email_content.py and the templates.

A worker can die mid-batch (SIGKILL, OOM, a lost machine), so:
- each message is recorded as sent, in its own statement, the moment the SMTP server accepts it;
- the batch's lease is short (`EMAIL_SEND_LEASE_SECONDS`, 30 s) and renewed while the batch is sent;
  the lease time itself is the owner's token, so a worker that lost its lease (it stalled past it and
  another worker claimed the rows) skips those rows instead of sending them twice;
- after a crash the unsent rest is due when the lease runs out, and `send_due_emails` (every 15 s)
  sends it: within a minute. Only the message in flight at the crash can reach its recipient twice,
  and every message of a delivery carries the same `Message-ID`, so mail clients show it once.
"""

import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from smtplib import SMTPDataError, SMTPRecipientsRefused, SMTPSenderRefused
from typing import Any, cast

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from access.audience import person_may_view, viewing_agencies_of
from access.facilities import agencies_reading_document, agencies_seeing_facility_plans
from agencies.models import Membership, Role
from buildings.models import BuildingDocument
from notifications.channels.email_content import digest_email, event_email, invitation_email, mentioned_agency_names
from notifications.models import Channel, Delivery, DeliveryStatus, EventType

logger = logging.getLogger(__name__)

# Minutes to wait after failed attempt 1, 2, …; the attempt after the last of these is the final one.
BACKOFF_MINUTES = (1, 5, 15, 60, 180, 720, 1440)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
# One call stops claiming new batches after this long (well inside the task's soft time limit).
TIME_BUDGET_SECONDS = 120
DIGEST_PEOPLE_PER_BATCH = 100

# Events about a plan's content: only people who may still see the plan hear about them.
PLAN_CONTENT_EVENTS = frozenset(
    {
        EventType.VERSION_PUBLISHED,
        EventType.VERSION_WITHDRAWN,
        EventType.PLAN_SHARED,
        EventType.PLAN_REVIEW_DUE,
        EventType.ACKNOWLEDGEMENT_REMINDER,
        EventType.COMMENT_CREATED,
        EventType.COMMENT_RESOLVED,
        EventType.FACILITY_CONFLICT,
        EventType.PLAN_CLASSIFICATION_LOWERED,
        EventType.SOURCE_CHANGED,
    }
)
# Refusals that leave the SMTP session usable: only this message fails, the batch goes on.
MESSAGE_ERRORS = (SMTPRecipientsRefused, SMTPSenderRefused, SMTPDataError, ValueError)


# --- Access at send time -----------------------------------------------------------------------


def _roles_by_user(user_ids: set[int]) -> dict[int, dict[int, str]]:
    roles: dict[int, dict[int, str]] = {}
    rows = Membership.objects.filter(user_id__in=user_ids).values_list("user_id", "agency_id", "role")
    for user_id, agency_id, role in rows:
        roles.setdefault(user_id, {})[agency_id] = role
    return roles


@dataclass(frozen=True)
class BuildingReaders:
    """The agencies that may hear of each building's SRO and of each building document, now."""

    facilities: dict[int, set[int]]
    documents: dict[int, set[int]]


def _building_readers(batch: list[Delivery]) -> BuildingReaders:
    """One query per building and per document named in the batch (a batch is one event's deliveries, mostly)."""
    facility_ids, document_ids = set(), set()
    for delivery in batch:
        if delivery.event.event_type == EventType.FACILITY_SRO_CHANGED:
            facility_ids.add(delivery.event.payload.get("facility"))
        elif delivery.event.event_type == EventType.BUILDING_DOCUMENT_CHANGED:
            document_ids.add(delivery.event.payload.get("document"))
    facilities = {
        facility_id: set(agencies_seeing_facility_plans(facility_id=facility_id).values_list("id", flat=True))
        for facility_id in facility_ids
        if isinstance(facility_id, int)
    }
    documents = BuildingDocument.objects.select_related("facility").filter(
        pk__in=[d for d in document_ids if isinstance(d, int)]
    )
    return BuildingReaders(facilities, {document.pk: agencies_reading_document(document) for document in documents})


def _refusal(
    delivery: Delivery,
    roles: dict[int, dict[int, str]],
    viewers: dict[int, set[int]],
    buildings: BuildingReaders,
) -> str | None:
    """Why this delivery may not be sent now, or None."""
    user, event = delivery.user, delivery.event
    if user is None or not user.is_active:
        return "The recipient's account is gone or inactive."
    if not user.email:
        return "The recipient has no e-mail address."
    agencies = roles.get(user.pk, {})
    if event.event_type in PLAN_CONTENT_EVENTS:
        plan = event.plan
        if plan is None:
            return "The plan no longer exists."
        if not person_may_view(plan=plan, agency_ids=agencies.keys(), viewers=viewers.get(plan.pk, set())):
            return "The recipient may no longer see the plan."
    elif event.event_type == EventType.PLAN_UNSHARED and event.payload.get("partner") not in agencies:
        return "The recipient no longer belongs to the partner agency."
    elif event.event_type == EventType.WEBHOOK_DISABLED and agencies.get(event.payload.get("agency")) != Role.ADMIN:
        return "The recipient is no longer an admin of the agency."
    elif event.event_type in (EventType.READING_DUE_SOON, EventType.READING_OVERDUE):
        if agencies.keys().isdisjoint(event.payload.get("agencies") or []):
            return "The recipient no longer belongs to the agency that asked them to read."
    elif event.event_type == EventType.READING_ESCALATION and event.payload.get("agency") not in agencies:
        return "The recipient no longer belongs to the agency."
    elif event.event_type == EventType.FACILITY_SRO_CHANGED:
        if agencies.keys().isdisjoint(buildings.facilities.get(event.payload.get("facility"), set())):
            return "The recipient's agency no longer sees the building's plans."
    elif event.event_type == EventType.BUILDING_DOCUMENT_CHANGED:
        if agencies.keys().isdisjoint(buildings.documents.get(event.payload.get("document"), set())):
            return "The recipient may no longer read the building document."
    elif event.event_type == EventType.MEMBER_INVITED:
        if event.payload.get("agency") not in agencies:
            return "The invited person no longer belongs to the agency."
        if user.last_login is not None:
            return "The invited person has signed in already; the invitation's link is not needed."
    return None


def _refusals(batch: list[Delivery]) -> dict[int, str]:
    """Refusals for a whole batch in two queries (memberships, plan grants) and one per building or building
    document named, never one per delivery."""
    user_ids = {d.user_id for d in batch if d.user_id is not None}
    plan_ids = {d.event.plan_id for d in batch if d.event.event_type in PLAN_CONTENT_EVENTS and d.event.plan_id}
    roles = _roles_by_user(user_ids) if user_ids else {}
    viewers = viewing_agencies_of(plan_ids=plan_ids)
    buildings = _building_readers(batch)
    return {d.pk: reason for d in batch if (reason := _refusal(d, roles, viewers, buildings)) is not None}


# --- Claiming, sending, recording --------------------------------------------------------------


def _due(channel: str, now: datetime) -> QuerySet[Delivery]:
    return Delivery.objects.filter(channel=channel, status=DeliveryStatus.PENDING).filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True)
    )


class Lease:
    """The rows of one batch this worker holds: `until` is both the expiry and the owner's token.

    Renewed once a third of it has passed, so it never runs out while the worker is alive; a renewal
    only extends rows still carrying our token, and rows another worker took meanwhile are dropped.
    """

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.until = self._next_expiry()
        self.tokens = [self.until]  # every expiry this lease has set: a row carrying one is still ours
        self.renewed = time.monotonic()

    def _next_expiry(self) -> datetime:
        # Never before the caller's `now` (a caller may look ahead), never in the past.
        return max(self.now, timezone.now()) + timedelta(seconds=settings.EMAIL_SEND_LEASE_SECONDS)

    def keep(self, deliveries: list[Delivery]) -> list[Delivery]:
        """The deliveries of `deliveries` still ours, renewing their lease when it is a third gone."""
        if time.monotonic() - self.renewed < settings.EMAIL_SEND_LEASE_SECONDS / 3 or not deliveries:
            return deliveries
        until = self._next_expiry()
        ids = [d.pk for d in deliveries]
        Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING, next_attempt_at=self.until).update(
            next_attempt_at=until
        )
        kept = set(Delivery.objects.filter(pk__in=ids, next_attempt_at=until).values_list("pk", flat=True))
        self.until, self.renewed = until, time.monotonic()
        self.tokens.append(until)
        if len(kept) < len(ids):
            logger.warning("Lost the lease of %d e-mail(s) to another worker; it sends them.", len(ids) - len(kept))
        return [d for d in deliveries if d.pk in kept]


def _claim(rows: QuerySet[Delivery], *, lease: Lease, limit: int | None) -> tuple[int, list[Delivery]]:
    """Lock due rows nobody else holds, cancel those no longer allowed, lease the rest; (claimed, allowed)."""
    with transaction.atomic():
        locked = (
            rows.select_for_update(skip_locked=True, of=("self",))
            .select_related("user", "event", "event__plan", "event__plan__owner_agency")
            .order_by("next_attempt_at", "id")
        )
        batch = list(locked[:limit] if limit else locked)
        refusals = _refusals(batch)
        cancelled = [d for d in batch if d.pk in refusals]
        for delivery in cancelled:
            delivery.status, delivery.last_error, delivery.next_attempt_at = (
                DeliveryStatus.CANCELLED,
                refusals[delivery.pk],
                None,
            )
        Delivery.objects.bulk_update(cancelled, ["status", "last_error", "next_attempt_at"])
        allowed = [d for d in batch if d.pk not in refusals]
        Delivery.objects.filter(pk__in=[d.pk for d in allowed]).update(next_attempt_at=lease.until)
    return len(batch), allowed


@dataclass
class Mail:
    """One message and the deliveries it fulfils (one for immediate mail, several for a digest)."""

    message: EmailMultiAlternatives
    deliveries: list[Delivery]


@dataclass
class Outcome:
    sent: list[Mail] = field(default_factory=list)
    failed: list[tuple[list[Delivery], str]] = field(default_factory=list)
    connection_lost: bool = False


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:1000]


def _close_quietly(connection: Any) -> None:
    try:
        connection.close()
    except OSError:
        logger.info("Closing the SMTP connection failed; the messages were already accepted.")


def _mark_sent(mail: Mail) -> None:
    """Record one accepted message at once (its own statement, committed outside any transaction)."""
    Delivery.objects.filter(pk__in=[d.pk for d in mail.deliveries], status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
        next_attempt_at=None,
        last_error="",
    )


def _still_ours(mail: Mail, rest: list[Mail], lease: Lease) -> bool:
    """Renew the lease of this and the remaining mails if due; False when this mail's rows were lost."""
    held = {d.pk for d in lease.keep([d for m in [mail, *rest] for d in m.deliveries])}
    return all(d.pk in held for d in mail.deliveries)


def _send_over_one_connection(mails: list[Mail], outcome: Outcome, lease: Lease) -> None:
    """Send the mails in one SMTP session; a lost session fails the rest, a refused message only itself."""
    if not mails:
        return
    connection = get_connection()
    try:
        connection.open()
    except OSError as exc:
        outcome.failed.extend((mail.deliveries, _describe(exc)) for mail in mails)
        outcome.connection_lost = True
        return
    try:
        for index, mail in enumerate(mails):
            if not _still_ours(mail, mails[index + 1 :], lease):
                continue  # another worker holds it now and sends it
            try:
                accepted = connection.send_messages([mail.message])
            except MESSAGE_ERRORS as exc:
                outcome.failed.append((mail.deliveries, _describe(exc)))
                continue
            except OSError as exc:  # includes every other SMTPException and timeouts
                outcome.failed.extend((rest.deliveries, _describe(exc)) for rest in mails[index:])
                outcome.connection_lost = True
                return
            if accepted:
                _mark_sent(mail)
                outcome.sent.append(mail)
            else:
                outcome.failed.append((mail.deliveries, "The mail server did not accept the message."))
    finally:
        _close_quietly(connection)


def retry_delay(attempts: int) -> timedelta:
    """Backoff after `attempts` failed attempts: 1, 5, 15, 60 minutes … one day, plus up to 20% jitter."""
    minutes = BACKOFF_MINUTES[min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1]
    return timedelta(seconds=minutes * 60 + secrets.randbelow(minutes * 12 + 1))


def _record_failures(outcome: Outcome, now: datetime, lease: Lease) -> None:
    """Schedule (or give up on) failed mails still pending and ours (sent ones were recorded at once)."""
    failed = {d.pk: (d, error) for deliveries, error in outcome.failed for d in deliveries}
    if not failed:
        return
    with transaction.atomic():
        pending = Delivery.objects.select_for_update().filter(
            pk__in=failed, status=DeliveryStatus.PENDING, next_attempt_at__in=lease.tokens
        )
        retried = [failed[pk][0] for pk in pending.values_list("pk", flat=True)]
        for delivery in retried:
            delivery.attempts += 1
            delivery.last_error = failed[delivery.pk][1]
            gave_up = delivery.attempts >= MAX_ATTEMPTS
            delivery.status = DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING
            delivery.next_attempt_at = None if gave_up else now + retry_delay(delivery.attempts)
        Delivery.objects.bulk_update(retried, ["attempts", "last_error", "status", "next_attempt_at"])
    if outcome.failed:
        logger.warning("%d e-mail(s) not sent and rescheduled: %s", len(failed), outcome.failed[0][1])


def _person(delivery: Delivery) -> User:
    """Whom an e-mail delivery goes to: only webhook deliveries have no person."""
    return cast(User, delivery.user)


def _immediate_mail(deliveries: list[Delivery], names: Mapping[int, str]) -> EmailMultiAlternatives:
    (delivery,) = deliveries
    if delivery.event.event_type == EventType.MEMBER_INVITED:
        return invitation_email(
            event=delivery.event,
            user=_person(delivery),
            to=_person(delivery).email,
            agency_names=names,
            message_id=delivery.message_id,
        )
    return event_email(
        event=delivery.event,
        to=_person(delivery).email,
        agency_names=names,
        message_id=delivery.message_id,
        reader=_person(delivery),
    )


def _digest_mail(deliveries: list[Delivery], names: Mapping[int, str]) -> EmailMultiAlternatives:
    # The same deliveries always make the same Message-ID, so a digest resent after a crash is folded too.
    key = hashlib.sha256(" ".join(sorted(d.message_id for d in deliveries)).encode()).hexdigest()[:32]
    return digest_email(
        events=[d.event for d in deliveries],
        to=_person(deliveries[0]).email,
        agency_names=names,
        message_id=f"digest_{key}",
        reader=_person(deliveries[0]),
    )


Render = Callable[[list[Delivery], Mapping[int, str]], EmailMultiAlternatives]


def _build(deliveries_per_mail: list[list[Delivery]], render: Render, outcome: Outcome) -> list[Mail]:
    """Render each mail; a mail that fails to render is retried later, the others go on."""
    names = mentioned_agency_names(d.event for deliveries in deliveries_per_mail for d in deliveries)
    mails = []
    for deliveries in deliveries_per_mail:
        try:
            mails.append(Mail(message=render(deliveries, names), deliveries=deliveries))
        except SoftTimeLimitExceeded:
            raise  # the task ran out of time: stop; the claimed rows are due again when their lease ends
        except Exception as exc:  # a template or payload bug must not hold back the rest of the batch
            logger.exception("Could not render the e-mail for deliveries %s.", [d.pk for d in deliveries])
            outcome.failed.append((deliveries, _describe(exc)))
    return mails


def _process(deliveries_per_mail: list[list[Delivery]], render: Render, now: datetime, lease: Lease) -> Outcome:
    """Render, send over one connection, and record whatever failed (even if interrupted)."""
    outcome = Outcome()
    try:
        _send_over_one_connection(_build(deliveries_per_mail, render, outcome), outcome, lease)
    finally:
        _record_failures(outcome, now, lease)
    return outcome


def email_send_pending(
    *,
    event_id: int | None = None,
    event_ids: list[int] | None = None,
    now: datetime | None = None,
    batch_size: int = 100,
) -> int:
    """Send due immediate e-mail deliveries (of one event, of some, or all that are due); returns how many were sent."""
    now = now or timezone.now()
    rows = _due(Channel.EMAIL, now)
    if event_id is not None:
        rows = rows.filter(event_id=event_id)
    if event_ids is not None:
        rows = rows.filter(event_id__in=event_ids)
    deadline = time.monotonic() + TIME_BUDGET_SECONDS
    sent = 0
    while time.monotonic() < deadline:
        lease = Lease(now)
        claimed, allowed = _claim(rows, lease=lease, limit=batch_size)
        if not claimed:
            break
        outcome = _process([[d] for d in allowed], _immediate_mail, now, lease)
        sent += len(outcome.sent)
        if outcome.connection_lost:
            break  # the server is unreachable: the sweep tries the rest once it is due
    return sent


def _group_by_person(deliveries: list[Delivery]) -> list[list[Delivery]]:
    groups: dict[int | None, list[Delivery]] = {}
    for delivery in sorted(deliveries, key=lambda d: (d.event.created_at, d.event_id)):
        groups.setdefault(delivery.user_id, []).append(delivery)
    return list(groups.values())


def email_send_daily_digests(*, now: datetime | None = None) -> int:
    """Send each person one digest of their pending daily-digest deliveries; returns digests sent."""
    now = now or timezone.now()
    rows = _due(Channel.EMAIL_DIGEST, now)
    deadline = time.monotonic() + TIME_BUDGET_SECONDS
    digests, after_user = 0, 0
    while time.monotonic() < deadline:
        people = list(
            rows.filter(user_id__gt=after_user)
            .order_by("user_id")
            .values_list("user_id", flat=True)
            .distinct()[:DIGEST_PEOPLE_PER_BATCH]
        )
        if not people:
            break
        after_user = people[-1]
        lease = Lease(now)
        _, allowed = _claim(rows.filter(user_id__in=people), lease=lease, limit=None)
        outcome = _process(_group_by_person(allowed), _digest_mail, now, lease)
        digests += len(outcome.sent)
        if outcome.connection_lost:
            break
    return digests

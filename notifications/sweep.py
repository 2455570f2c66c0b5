"""The periodic sweep: whatever the broker lost (Redis down, a worker killed) is re-dispatched from the database."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.dispatch import DELIVER_WEBHOOK, enqueue_on_commit
from notifications.fan_out_batch import personal_events_fan_out
from notifications.models import Channel, Delivery, DeliveryStatus, OutboxEvent
from notifications.services import outbox_event_fan_out

logger = logging.getLogger(__name__)
SWEEP_BATCH = 200


@dataclass(frozen=True)
class SweepResult:
    events: int
    webhooks: int


def _lease(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS)


def outbox_sweep(*, now: datetime | None = None) -> SweepResult:
    """Fan out events still pending after their grace period, and re-queue due webhook deliveries.

    Events are claimed with SKIP LOCKED and leased forward, so several sweeping workers never take
    the same one; webhook deliveries are claimed by `webhook_deliver` itself. Both are idempotent.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event_ids = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(dispatched_at__isnull=True, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        OutboxEvent.objects.filter(pk__in=event_ids).update(next_attempt_at=_lease(now))
    try:
        batched = set(personal_events_fan_out(event_ids=event_ids))  # reminders: one transaction for all
    except SoftTimeLimitExceeded:
        raise
    except Exception:
        logger.exception("Batch fan-out of %s swept events failed; fanning them out one by one.", len(event_ids))
        batched = set()
    for event_id in event_ids:
        if event_id in batched:
            continue
        try:
            outbox_event_fan_out(event_id=event_id)
        except SoftTimeLimitExceeded:
            raise  # the task is out of time: stop, the leased events are due again after the grace period
        except Exception:
            logger.exception("Fan-out of outbox event %s failed; the next sweep retries it.", event_id)
    with transaction.atomic():
        webhook_ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(channel=Channel.WEBHOOK, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        # Not leased here: webhook_deliver claims the row itself (only when next_attempt_at has passed),
        # so a lease would make it look not yet due; a row queued twice is sent once.
        for delivery_id in webhook_ids:
            enqueue_on_commit(DELIVER_WEBHOOK, delivery_id)
    return SweepResult(events=len(event_ids), webhooks=len(webhook_ids))

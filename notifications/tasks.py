"""Celery tasks: thin, idempotent wrappers that take ids and call services."""

from typing import Any

from celery import shared_task
from django.db import DatabaseError

from exercises import reminders as exercise_reminders
from notifications import fan_out_batch, reminders, services, sweep
from notifications.channels import email, webhooks
from notifications.dispatch import (
    DELIVER_WEBHOOK,
    FAN_OUT_EVENT,
    FAN_OUT_EVENTS,
    SEND_EVENT_EMAILS,
    SEND_EVENTS_EMAILS,
    enqueue_later,
)

# Transient failures only; the database keeps anything that still fails for the sweep.
RETRY: dict[str, Any] = {
    "acks_late": True,
    "autoretry_for": (DatabaseError,),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name=FAN_OUT_EVENT, **RETRY)
def fan_out_event(event_id: int) -> int:
    """Create the notifications and deliveries of one outbox event."""
    result = services.outbox_event_fan_out(event_id=event_id)
    return result.recipients if result else 0


@shared_task(name=FAN_OUT_EVENTS, **RETRY)
def fan_out_events(event_ids: list[int]) -> int:
    """Fan out a batch of small events recorded together (a day's reading reminders: one message, and one
    transaction of a few statements, per batch, not per person). A retried batch skips those already done."""
    return fan_out_batch.outbox_events_fan_out(event_ids=event_ids)


@shared_task(name=SEND_EVENT_EMAILS, **RETRY)
def send_event_emails(event_id: int) -> int:
    """Send the immediate e-mails of one event over batched SMTP connections."""
    return email.email_send_pending(event_id=event_id)


@shared_task(name=SEND_EVENTS_EMAILS, **RETRY)
def send_events_emails(event_ids: list[int]) -> int:
    """Send the immediate e-mails of a batch of events (a batch fan-out's reminders) over batched connections."""
    return email.email_send_pending(event_ids=event_ids)


@shared_task(name="notifications.send_due_emails", **RETRY)
def send_due_emails() -> int:
    """Every 15 s: send immediate e-mails that are due again (retries, batches of a worker that died)."""
    return email.email_send_pending()


@shared_task(name=DELIVER_WEBHOOK, **RETRY)
def deliver_webhook(delivery_id: int) -> None:
    """Attempt one webhook delivery; failures are rescheduled in the database.

    When the endpoint's agency already uses all its sending slots, the task goes to the back of the queue
    (eagerly, with no queue to go back to, the delivery simply stays due).
    """
    wait = webhooks.webhook_deliver(delivery_id=delivery_id)
    if wait is not None and not deliver_webhook.app.conf.task_always_eager:
        enqueue_later(DELIVER_WEBHOOK, delivery_id, seconds=wait + 0.5)  # a little after it is due again


@shared_task(name="notifications.sweep_outbox", **RETRY)
def sweep_outbox() -> dict[str, int]:
    """Every minute: re-dispatch what the broker lost (e-mails that are due again: send_due_emails)."""
    result = sweep.outbox_sweep()
    return {"events": result.events, "webhooks": result.webhooks}


@shared_task(name="notifications.send_daily_digests", **RETRY)
def send_daily_digests() -> int:
    return email.email_send_daily_digests()


@shared_task(name="notifications.send_reminders", **RETRY)
def send_reminders() -> dict[str, int]:
    """Daily: review-due and acknowledgement reminders (each recorded once per plan and day), and the exercises'
    (days before one; an overdue corrective action, once)."""
    return {
        "review_due": reminders.review_due_reminders_record(),
        "acknowledgement": reminders.acknowledgement_reminders_record(),
        "exercise_upcoming": exercise_reminders.exercise_reminders_record(),
        "corrective_action_overdue": exercise_reminders.corrective_action_overdue_reminders_record(),
    }

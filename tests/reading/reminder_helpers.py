"""Helpers of the reminder tests: a requirement, the owed due date, and fanning out what a run recorded."""

from datetime import timedelta

from notifications.fan_out_batch import outbox_events_fan_out
from notifications.models import Notification, OutboxEvent
from reading.models import ReadingObligation, ReadingRequirement
from reading.sync import obligations_sync


def require(agency, plan, **fields) -> ReadingRequirement:
    requirement = ReadingRequirement.objects.create(agency=agency, plan=plan, **fields)
    obligations_sync(agency_ids=[agency.pk], plan_ids=[plan.pk])
    return requirement


def due_of(user, plan):
    return ReadingObligation.objects.get(user=user, plan=plan).due_at


def days(n: float) -> timedelta:
    return timedelta(days=n)


def fan_out_pending() -> None:
    """What the worker does with the events a run handed off (the worker tests do it for real)."""
    pending = list(OutboxEvent.objects.filter(dispatched_at__isnull=True).values_list("pk", flat=True))
    outbox_events_fan_out(event_ids=pending)


def alerts_of(user, event_type: str) -> list[Notification]:
    return list(Notification.objects.filter(user=user, event_type=event_type).order_by("id"))


def events(event_type: str) -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(event_type=event_type).order_by("id"))

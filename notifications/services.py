"""Writes outbox events; callers run it inside the transaction of the change they announce."""

from typing import Any

from notifications.models import EventType, OutboxEvent


def outbox_event_record(*, event_type: EventType, plan: Any, payload: dict[str, Any]) -> OutboxEvent:
    """Record an event to announce once the surrounding transaction commits."""
    return OutboxEvent.objects.create(event_type=event_type, plan=plan, payload=payload)

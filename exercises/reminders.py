"""Exercise reminders through the outbox, recorded by the daily beat (notifications.send_reminders):

- **Before an exercise**: a scheduled exercise starting within EXERCISE_REMINDER_DAYS (default 3) is reminded
  once to the people of the agencies taking part (`exercise.upcoming`; dedupe key: the exercise and its start,
  so an exercise moved to another day is reminded again, and one cancelled since reminds nobody at delivery).
- **An overdue corrective action**: once, to its owning agency's admins and the person responsible
  (`corrective_action.overdue`; dedupe key: the action and its due date).

Each run looks up which keys exist already in one query per chunk, so catching up after missed days (or two runs
at once: the outbox's unique dedupe key) never alerts twice.
"""

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from exercises.models import ActionStatus, CorrectiveAction, Exercise, ExerciseStatus
from exercises.services import exercise_payload
from notifications.models import EventType, OutboxEvent
from notifications.services import outbox_event_record

CHUNK = 500

T = TypeVar("T")


def _upcoming_key(exercise: Exercise) -> str:
    return f"exercise:upcoming:{exercise.pk}:{exercise.starts_at.isoformat()}"


def _overdue_key(action: CorrectiveAction) -> str:
    return f"corrective_action:overdue:{action.pk}:{action.due_on.isoformat()}"


def _recorded(keys: list[str]) -> set[str]:
    return {k for k in OutboxEvent.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True) if k}


def _record_once(
    rows: Sequence[T], *, event_type: EventType, key: Callable[[T], str], payload: Callable[[T], dict[str, Any]]
) -> int:
    """Record one `event_type` event for each row whose dedupe key is not in the outbox yet; the count recorded.

    Looks the existing keys up in one query per chunk of CHUNK rows."""
    recorded = 0
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        done = _recorded([key(row) for row in chunk])
        for row in chunk:
            dedupe_key = key(row)
            if dedupe_key in done:
                continue
            event = outbox_event_record(event_type=event_type, plan=None, payload=payload(row), dedupe_key=dedupe_key)
            recorded += event is not None
    return recorded


def _overdue_payload(action: CorrectiveAction) -> dict[str, Any]:
    return {
        "action": action.pk,
        "exercise": action.exercise_id,
        "exercise_title": action.exercise.title,
        "description": action.description[:300],
        "due_on": action.due_on.isoformat(),
        "owning_agency": action.owning_agency_id,
        "responsible": action.responsible_id,
    }


@transaction.atomic
def exercise_reminders_record(*, now: datetime | None = None) -> int:
    """Record an `exercise.upcoming` event for each scheduled exercise starting within the reminder window."""
    now = now or timezone.now()
    window = now + timedelta(days=settings.EXERCISE_REMINDER_DAYS)
    rows = list(
        Exercise.objects.filter(status=ExerciseStatus.SCHEDULED, starts_at__gt=now, starts_at__lte=window)
        .select_related("lead_agency")
        .order_by("starts_at", "id")
    )
    return _record_once(rows, event_type=EventType.EXERCISE_UPCOMING, key=_upcoming_key, payload=exercise_payload)


@transaction.atomic
def corrective_action_overdue_reminders_record(*, today: date | None = None) -> int:
    """Record a `corrective_action.overdue` event, once, for each open corrective action past its due date."""
    today = today or timezone.localdate()
    rows = list(
        CorrectiveAction.objects.filter(status=ActionStatus.OPEN, due_on__lt=today)
        .select_related("exercise")
        .order_by("due_on", "id")
    )
    return _record_once(
        rows, event_type=EventType.CORRECTIVE_ACTION_OVERDUE, key=_overdue_key, payload=_overdue_payload
    )

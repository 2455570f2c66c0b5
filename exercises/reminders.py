"""Exercise reminders through the outbox, recorded by the daily beat (notifications.send_reminders):

- **Before an exercise**: a scheduled exercise starting within EXERCISE_REMINDER_DAYS (default 3) is reminded
  once to the people of the agencies taking part (`exercise.upcoming`; dedupe key: the exercise and its start,
  so an exercise moved to another day is reminded again, and one cancelled since reminds nobody at delivery).
- **An overdue corrective action**: once, to its owning agency's admins and the person responsible
  (`corrective_action.overdue`; dedupe key: the action and its due date).

Each run looks up which keys exist already in one query per chunk, so catching up after missed days (or two runs
at once: the outbox's unique dedupe key) never alerts twice.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from exercises.models import ActionStatus, CorrectiveAction, Exercise, ExerciseStatus
from notifications.models import EventType, OutboxEvent
from notifications.services import outbox_event_record

CHUNK = 500


def _upcoming_key(exercise: Exercise) -> str:
    return f"exercise:upcoming:{exercise.pk}:{exercise.starts_at.isoformat()}"


def _overdue_key(action: CorrectiveAction) -> str:
    return f"corrective_action:overdue:{action.pk}:{action.due_on.isoformat()}"


def _recorded(keys: list[str]) -> set[str]:
    return {k for k in OutboxEvent.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True) if k}


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
    recorded = 0
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        done = _recorded([_upcoming_key(e) for e in chunk])
        for exercise in chunk:
            key = _upcoming_key(exercise)
            if key in done:
                continue
            event = outbox_event_record(
                event_type=EventType.EXERCISE_UPCOMING,
                plan=None,
                payload={
                    "exercise": exercise.pk,
                    "exercise_title": exercise.title,
                    "kind": exercise.get_kind_display(),
                    "starts_at": exercise.starts_at.isoformat(),
                    "lead_agency": exercise.lead_agency_id,
                    "lead_agency_name": exercise.lead_agency.name,
                },
                dedupe_key=key,
            )
            recorded += event is not None
    return recorded


@transaction.atomic
def corrective_action_overdue_reminders_record(*, today: date | None = None) -> int:
    """Record a `corrective_action.overdue` event, once, for each open corrective action past its due date."""
    today = today or timezone.localdate()
    rows = list(
        CorrectiveAction.objects.filter(status=ActionStatus.OPEN, due_on__lt=today)
        .select_related("exercise")
        .order_by("due_on", "id")
    )
    recorded = 0
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        done = _recorded([_overdue_key(a) for a in chunk])
        for action in chunk:
            key = _overdue_key(action)
            if key in done:
                continue
            event = outbox_event_record(
                event_type=EventType.CORRECTIVE_ACTION_OVERDUE,
                plan=None,
                payload={
                    "action": action.pk,
                    "exercise": action.exercise_id,
                    "exercise_title": action.exercise.title,
                    "description": action.description[:300],
                    "due_on": action.due_on.isoformat(),
                    "owning_agency": action.owning_agency_id,
                    "responsible": action.responsible_id,
                },
                dedupe_key=key,
            )
            recorded += event is not None
    return recorded

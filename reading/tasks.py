"""Celery tasks of required reading: thin and idempotent, each a call of the services it names."""

from typing import Any

from celery import shared_task
from django.db import DatabaseError

from reading.reminders import reading_escalations_record, reading_reminders_record
from reading.sync_all import obligations_sync_all

DAILY_REMINDERS = "reading.daily_reminders"

# A state's nightly sync takes minutes, well above the default limits (240 s soft); the broker's visibility
# timeout (3,600 s) stays above this hard limit, so a long run is never delivered twice while it runs.
LONG_TASK: dict[str, Any] = {
    "acks_late": True,
    "autoretry_for": (DatabaseError,),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 3,
    "soft_time_limit": 1800,
    "time_limit": 1900,
}


@shared_task(name=DAILY_REMINDERS, **LONG_TASK)
def daily_reminders() -> dict[str, int]:
    """Daily: heal the obligations (full sync), then record the reminders and this week's escalations.

    Idempotent: the sync writes only differences, and every reminder is marked and de-duplicated, so a
    second run the same day (or a redelivery after a crash) sends nothing twice.
    """
    synced = obligations_sync_all()
    reminders = reading_reminders_record()
    escalations = reading_escalations_record()
    return {
        "synced_created": synced.created,
        "synced_updated": synced.updated,
        "synced_deleted": synced.deleted,
        "overdue": reminders["overdue"].events,
        "due_soon": reminders["due_soon"].events,
        "escalations": escalations.events,
    }

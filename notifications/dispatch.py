"""Hands work to Celery after the transaction commits, without ever failing the request that caused it.

If the broker is unreachable the hand-off is dropped and logged: the rows are already in the
database, and the periodic sweep picks them up once the broker is back.

Tasks are named, not imported: notifications/tasks.py imports the services that enqueue them, so the
services ask for a task by its name here and never import the tasks module.
"""

import logging
from typing import Any

from celery import Task, current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction

logger = logging.getLogger(__name__)

# The names notifications/tasks.py registers its tasks under (and the ones code enqueues).
FAN_OUT_EVENT = "notifications.fan_out_event"
FAN_OUT_EVENTS = "notifications.fan_out_events"
SEND_EVENT_EMAILS = "notifications.send_event_emails"
SEND_EVENTS_EMAILS = "notifications.send_events_emails"
DELIVER_WEBHOOK = "notifications.deliver_webhook"


def task_named(name: str) -> Task:
    """The registered task itself, not `send_task`: that ignores eager mode (`make run`, no Redis)."""
    if name not in current_app.tasks:
        # A web process never imported the tasks modules: Celery's autodiscovery imports every app's now.
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def _send(name: str, args: tuple[Any, ...], countdown: float | None = None) -> None:
    task = task_named(name)  # an unknown name is a bug, not a broker outage: let it raise
    try:
        task.apply_async(args=args, countdown=countdown, retry=False)  # type: ignore[arg-type]  # None is Celery's default
    except SoftTimeLimitExceeded:
        raise  # the calling task ran out of time: it must stop, not log a broker failure and carry on
    except Exception:  # any broker failure: the sweep re-dispatches from the database
        logger.warning("Could not hand %s%r to the broker; the outbox sweep will retry.", name, args)


def enqueue_on_commit(name: str, *args: Any) -> None:
    """Queue the task named `name` with `args` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _send(name, args))


def enqueue_later(name: str, *args: Any, seconds: float) -> None:
    """Queue the task named `name` to run in `seconds` (short waits only: the database keeps anything longer)."""
    _send(name, args, countdown=seconds)

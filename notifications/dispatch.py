"""Hands work to Celery after the transaction commits, without ever failing the request that caused it.

If the broker is unreachable the hand-off is dropped and logged: the rows are already in the
database, and the periodic sweep picks them up once the broker is back.
"""

import logging
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction

logger = logging.getLogger(__name__)


def _send(task: Any, args: tuple[Any, ...], countdown: float | None = None) -> None:
    try:
        task.apply_async(args=args, countdown=countdown, retry=False)
    except SoftTimeLimitExceeded:
        raise  # the calling task ran out of time: it must stop, not log a broker failure and carry on
    except Exception:  # any broker failure: the sweep re-dispatches from the database
        logger.warning("Could not hand %s%r to the broker; the outbox sweep will retry.", task.name, args)


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Queue `task(*args)` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: _send(task, args))


def enqueue_later(task: Any, *args: Any, seconds: float) -> None:
    """Queue `task(*args)` to run in `seconds` (short waits only: the database keeps anything longer)."""
    _send(task, args, countdown=seconds)

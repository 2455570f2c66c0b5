"""Celery tasks carry the request id of the web request that enqueued them, and write one log line each.

`before_task_publish` puts the current request id in the message headers; the worker's `task_prerun` makes it
the current id while the task runs (an eager task simply keeps the request's), so every line the task logs names
the request that caused it. `task_postrun` writes the task's one line (logger `concord.task`).
"""

import logging
import time
from contextvars import Token
from typing import Any

from celery import signals

from portal import request_id

HEADER = "concord_request_id"
task_logger = logging.getLogger("concord.task")
# task id -> (the context token to restore, start time); one entry per running task of this process.
_running: dict[str, tuple[Token[str | None], float]] = {}


@signals.before_task_publish.connect
def _stamp_request_id(headers: dict[str, Any] | None = None, **kwargs: object) -> None:
    current = request_id.current_request_id()
    if headers is not None and current and HEADER not in headers:
        headers[HEADER] = current


@signals.task_prerun.connect
def _enter_task(task_id: str, task: Any, **kwargs: object) -> None:
    carried = getattr(task.request, HEADER, None) or request_id.current_request_id()
    token = request_id.request_id_enter(carried)
    _running[task_id] = (token, time.monotonic())


@signals.task_postrun.connect
def _leave_task(task_id: str, task: Any, state: str | None = None, **kwargs: object) -> None:
    entry = _running.pop(task_id, None)
    started = entry[1] if entry else time.monotonic()
    task_logger.info(
        "task",
        extra={
            "task": task.name,
            "task_id": task_id,
            "state": state,
            "retries": task.request.retries,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
        },
    )
    if entry is not None:
        request_id.request_id_leave(entry[0])

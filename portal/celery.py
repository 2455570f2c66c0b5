"""The Celery application: Redis broker when REDIS_URL is set, eager in-process otherwise."""

import logging.config
import os
import threading
from typing import Any

from celery import Celery, signals
from celery.signals import task_postrun, task_prerun
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Tasks carry the request id of the request that enqueued them and log one line each (connects the signals).
import portal.task_context  # noqa: E402, F401


def _django_logging_only(**kwargs: object) -> None:
    """Workers and beat log through Django's LOGGING (JSON in production), not Celery's own text handlers."""
    logging.config.dictConfig(settings.LOGGING)


if getattr(settings, "LOGGING_OWNS_CELERY", False):
    # Any receiver of setup_logging stops Celery from configuring logging itself.
    signals.setup_logging.connect(_django_logging_only, weak=False)


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(sender: Any = None, **kwargs: Any) -> None:
    """Between tasks, what Django does between requests: drop a connection past CONN_MAX_AGE or broken, keep the
    rest (CELERY_DB_REUSE_MAX keeps Celery's fix-up from closing it). Tasks on other threads than the main one
    (the threads pool, a worker thread in the tests) close theirs as before: a thread's connection is only ever
    closed by that thread. Never for an eager task, which runs inside a request's transaction."""
    if sender is None or getattr(sender.request, "is_eager", False):
        return
    from django.db import close_old_connections, connections

    if threading.current_thread() is threading.main_thread():
        close_old_connections()
    else:
        connections.close_all()

"""The Celery application: Redis broker when REDIS_URL is set, eager in-process otherwise."""

import logging.config
import os

from celery import Celery, signals
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

"""Celery beat's heartbeat: the scheduler touches a file on every tick, which `healthcheck beat` reads."""

import logging
from typing import Any

from celery.beat import PersistentScheduler
from django.conf import settings

logger = logging.getLogger(__name__)


def beat_heartbeat_write() -> None:
    """Mark beat alive now (the file's modification time is the heartbeat)."""
    try:
        settings.BEAT_HEARTBEAT_FILE.touch()
    except OSError:
        logger.warning("Cannot write the beat heartbeat file %s", settings.BEAT_HEARTBEAT_FILE, exc_info=True)


class HeartbeatScheduler(PersistentScheduler):
    """Celery's default scheduler, plus the heartbeat; beat ticks at least every 15 s (send-due-emails)."""

    def setup_schedule(self) -> None:
        super().setup_schedule()
        beat_heartbeat_write()

    def tick(self, *args: Any, **kwargs: Any) -> float:
        interval = super().tick(*args, **kwargs)
        beat_heartbeat_write()
        return interval

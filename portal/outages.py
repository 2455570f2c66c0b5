"""One warning line a minute, instead of a traceback per request, while Redis or PostgreSQL is down."""

import logging
import threading
import time

# While a service stays down, a fresh warning (with the count of those left out) once per interval.
WARNING_INTERVAL_SECONDS = 60


class WarnOncePerInterval:
    """Thread-safe rate limiter: `due()` is true for the first call, then once per interval."""

    def __init__(self, interval_seconds: float = WARNING_INTERVAL_SECONDS) -> None:
        self.interval_seconds = interval_seconds
        self._lock = threading.Lock()
        self._last: float | None = None
        self._skipped = 0

    def due(self) -> tuple[bool, int]:
        """Whether to log now, and how many warnings were left out since the last one logged."""
        now = time.monotonic()
        with self._lock:
            if self._last is not None and now - self._last < self.interval_seconds:
                self._skipped += 1
                return False, 0
            skipped, self._skipped, self._last = self._skipped, 0, now
            return True, skipped

    def reset(self) -> None:
        with self._lock:
            self._last, self._skipped = None, 0


class CacheOutageFilter(logging.Filter):
    """For django-redis's "Exception ignored" records (DJANGO_REDIS_LOGGER): one line, at most once a minute.

    django-redis (IGNORE_EXCEPTIONS) answers a miss for every read and drops every write while Redis
    is unreachable, so throttles let requests through; it logs a full traceback each time.
    """

    def __init__(self, name: str = "") -> None:
        super().__init__(name)
        self.limiter = WarnOncePerInterval()

    def reset(self) -> None:
        self.limiter.reset()

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.exc_info:
            return True
        due, skipped = self.limiter.due()
        if not due:
            return False
        error = record.exc_info[1]
        cause = error.__cause__ if error is not None and error.__cause__ is not None else error
        record.msg = (
            "Redis cache unreachable (%s: %s): requests go on without throttling or caching "
            "(%d more cache errors since the last warning)."
        )
        record.args = (type(cause).__name__, str(cause).replace("\n", " "), skipped)
        record.exc_info = None
        record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        return True

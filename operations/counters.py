"""Event counters kept in Redis, so they add up across processes and machines and survive a restart.

Workers count each task run (and its time) and the web counts sign-in lockouts; the metrics endpoint reads the
totals at scrape time. Without Redis (the embedded default) nothing is counted. Counting never fails the work
it counts: an unreachable Redis only loses the count.
"""

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import redis
from axes.signals import user_locked_out
from celery import signals
from django.conf import settings
from django.dispatch import receiver

logger = logging.getLogger(__name__)

_clients: dict[str, redis.Redis] = {}
# task id -> start time, for the tasks running in this process.
_started: dict[str, float] = {}


def _client() -> redis.Redis | None:
    url = settings.REDIS_URL
    if not url:
        return None
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1, decode_responses=True)
    return _clients[url]


def _key(name: str) -> str:
    prefix = settings.CACHES["default"].get("KEY_PREFIX") or "concord"
    return f"{prefix}:metrics:{name}"


@signals.task_prerun.connect
def _task_started(task_id: str, **kwargs: object) -> None:
    _started[task_id] = time.monotonic()


@signals.task_postrun.connect
def _task_finished(task_id: str, task: Any, state: str | None = None, **kwargs: object) -> None:
    started = _started.pop(task_id, None)
    client = _client()
    if client is None or started is None:
        return
    seconds = time.monotonic() - started
    try:
        pipe = client.pipeline(transaction=False)
        pipe.hincrby(_key("task_runs"), f"{task.name}|{state or 'UNKNOWN'}", 1)
        pipe.hincrbyfloat(_key("task_seconds"), task.name, seconds)
        if state == "SUCCESS":
            pipe.hset(_key("task_last_success"), task.name, time.time())
        pipe.execute()
    except redis.RedisError:
        logger.debug("Task run of %s not counted: Redis unreachable", task.name, exc_info=True)


@receiver(user_locked_out)
def _lockout(**kwargs: object) -> None:
    client = _client()
    if client is None:
        return
    try:
        client.incr(_key("sign_in_lockouts"))
    except redis.RedisError:
        logger.debug("Sign-in lockout not counted: Redis unreachable", exc_info=True)


@dataclass
class Counters:
    """The totals as read at scrape time."""

    task_runs: dict[tuple[str, str], int] = field(default_factory=dict)  # (task, state) -> runs
    task_seconds: dict[str, float] = field(default_factory=dict)  # task -> seconds, all runs
    task_last_success: dict[str, float] = field(default_factory=dict)  # task -> Unix time
    sign_in_lockouts: int = 0
    available: bool = True


def _task_state(key: str) -> tuple[str, str]:
    task, _, state = key.rpartition("|")
    return task, state


def counters_read() -> Counters:
    """Every counter, in one round trip; `available` is false when Redis could not be read."""
    client = _client()
    if client is None:
        return Counters(available=False)
    try:
        pipe = client.pipeline(transaction=False)
        pipe.hgetall(_key("task_runs"))
        pipe.hgetall(_key("task_seconds"))
        pipe.hgetall(_key("task_last_success"))
        pipe.get(_key("sign_in_lockouts"))
        runs, seconds, last_success, lockouts = pipe.execute()
    except redis.RedisError:
        logger.warning("Metrics counters not read: Redis unreachable")
        return Counters(available=False)
    return Counters(
        task_runs={_task_state(key): int(value) for key, value in runs.items()},
        task_seconds={key: float(value) for key, value in seconds.items()},
        task_last_success={key: float(value) for key, value in last_success.items()},
        sign_in_lockouts=int(lockouts or 0),
    )

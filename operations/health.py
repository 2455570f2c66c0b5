"""Readiness: the checks a web process must pass to be given requests (django-health-check's checks, plus ours).

Each check answers only "ok" or "unavailable": the reason goes to the log, never to the (unauthenticated) caller,
so host names, versions and error texts do not leak.
"""

import dataclasses
import logging
import tempfile
from pathlib import Path

import redis
from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.exceptions import HealthCheckException, ServiceUnavailable

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class MigrationsApplied(HealthCheck):
    """Every migration of the code is applied: a web process of a newer release waits for `migrate`."""

    alias: str = "default"

    def run(self) -> None:
        try:
            executor = MigrationExecutor(connections[self.alias])
            unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as error:
            raise ServiceUnavailable("cannot read the applied migrations") from error
        if unapplied:
            raise ServiceUnavailable(f"{len(unapplied)} migration(s) not applied")


@dataclasses.dataclass
class PrivateMediaWritable(HealthCheck):
    """Attachments can be stored: the private media folder (a volume in docker-compose) exists and is writable."""

    def run(self) -> None:
        root = Path(settings.PRIVATE_MEDIA_ROOT)
        try:
            root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=root, prefix=".health-") as probe:
                probe.write(b"ok")
                probe.flush()
        except OSError as error:
            raise ServiceUnavailable("private media folder not writable") from error


@dataclasses.dataclass
class RedisReachable(HealthCheck):
    """The broker and cache answer a PING. Synchronous, unlike django-health-check's asyncio Redis check: that one
    runs through async_to_sync, which refuses to run in a thread that has an event loop (a test's browser)."""

    def run(self) -> None:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        except redis.RedisError as error:
            raise ServiceUnavailable("Redis does not answer") from error
        finally:
            client.close()


def readiness_checks() -> dict[str, HealthCheck]:
    """The checks, named as the readiness answer names them; Redis only where one is configured."""
    checks: dict[str, HealthCheck] = {"database": Database(), "migrations": MigrationsApplied()}
    if settings.REDIS_URL:
        checks["redis"] = RedisReachable()
    checks["private_media"] = PrivateMediaWritable()
    return checks


def _passes(name: str, check: HealthCheck) -> bool:
    # In this thread (not an executor's), so the database checks use the request's connection.
    try:
        check.run()
    except HealthCheckException as error:
        logger.warning("Readiness check %s failed: %s", name, error)
        return False
    except Exception:
        logger.warning("Readiness check %s failed unexpectedly", name, exc_info=True)
        return False
    return True


def readiness() -> dict[str, str]:
    """Each check's name with "ok" or "unavailable"."""
    return {name: "ok" if _passes(name, check) else "unavailable" for name, check in readiness_checks().items()}

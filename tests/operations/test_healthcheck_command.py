"""`manage.py healthcheck web|worker|beat`, as docker-compose's healthchecks run it, against real processes."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import TestWorkController, start_worker
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError

from operations.beat import HeartbeatScheduler
from portal.celery import app as celery_app
from tests.notifications.alert_checks import wait_for


def _healthcheck(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("healthcheck", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_web_is_healthy_while_ready_and_unhealthy_once_redis_is_gone(live_server, settings):
    assert "web ready (200)" in _healthcheck("web", "--url", live_server.url)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    with pytest.raises(CommandError, match="web not ready: 503"):
        _healthcheck("web", "--url", live_server.url)


def test_web_is_unhealthy_when_nothing_answers():
    with pytest.raises(CommandError, match="web not answering"):
        _healthcheck("web", "--url", "http://127.0.0.1:1", "--timeout", "2")


@pytest.fixture
def worker() -> Iterator[TestWorkController]:
    celery_app.control.purge()
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30) as started:
        yield started


@pytest.mark.django_db(transaction=True)
def test_a_running_worker_answers_and_a_missing_one_does_not(worker):
    assert f"worker {worker.hostname} answers" in _healthcheck("worker", "--node", worker.hostname)
    with pytest.raises(CommandError, match="did not answer"):
        _healthcheck("worker", "--node", "celery@no-such-container", "--timeout", "1")


def test_beat_is_healthy_while_its_scheduler_ticks_and_unhealthy_once_it_stops(settings, tmp_path):
    settings.BEAT_HEARTBEAT_FILE = tmp_path / "heartbeat"
    with pytest.raises(CommandError, match="no beat heartbeat"):
        _healthcheck("beat")
    scheduler = HeartbeatScheduler(app=celery_app, schedule_filename=str(tmp_path / "schedule"))
    try:
        assert "beat ticked" in _healthcheck("beat")
        stale = time.time() - settings.BEAT_HEARTBEAT_MAX_AGE_SECONDS - 60
        os.utime(settings.BEAT_HEARTBEAT_FILE, (stale, stale))
        with pytest.raises(CommandError, match="beat last ticked"):
            _healthcheck("beat")
        scheduler.tick()
        assert "beat ticked" in _healthcheck("beat")
    finally:
        scheduler.close()


def test_celery_beat_as_docker_compose_starts_it_keeps_the_heartbeat_fresh(tmp_path):
    heartbeat = tmp_path / "heartbeat"
    env = {**os.environ, "BEAT_HEARTBEAT_FILE": str(heartbeat)}
    beat = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "-m", "celery", "-A", "portal", "beat", "-l", "info", "--schedule", str(tmp_path / "sched")],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(heartbeat.exists, timeout=60, what="beat's first heartbeat")
        first = heartbeat.stat().st_mtime
        wait_for(lambda: heartbeat.stat().st_mtime > first, timeout=60, what="beat's next tick")
    finally:
        beat.terminate()
        beat.wait(timeout=30)

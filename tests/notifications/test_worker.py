"""The promise under faults, with the real Redis broker and real Celery workers.

These tests commit their data (transaction=True) so that after-commit hand-offs happen and a
worker in another thread or process can read it.
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager

import psycopg
import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.db import connection

from notifications import services
from notifications.models import Notification, OutboxEvent
from notifications.sweep import outbox_sweep
from plans import services as plan_services
from portal.celery import app as celery_app
from tests.conftest import client_for
from tests.notifications.alert_checks import exactly_once, expected_recipients, wait_for
from tests.notifications.conftest import add_members

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker():
    """A real Celery worker consuming the test Redis broker in this process."""
    celery_app.control.purge()  # messages left by earlier tests refer to rows that are gone
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30) as started:
        yield started


@contextmanager
def broker_unreachable():
    """Point the producer at a closed port, as if Redis were down (the worker keeps its own connection)."""
    original = (celery_app.conf.broker_url, celery_app._pool, celery_app.amqp._producer_pool)
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        celery_app.conf.broker_url, celery_app._pool, celery_app.amqp._producer_pool = original


def publish_via_api(county):
    return client_for(county.owner_admin).post(
        f"/api/v1/plans/{county.plan.pk}/versions/{county.draft.number}/publish/"
    )


def test_a_publish_reaches_every_partner_member_exactly_once_through_the_worker(county, worker):
    add_members(county.police, 40)
    recipients = expected_recipients(county)
    response = publish_via_api(county)
    assert response.status_code == 200
    event = OutboxEvent.objects.filter(event_type="version.published").latest("id")
    wait_for(lambda: exactly_once(event, recipients), what="every partner member's notification")
    event.refresh_from_db()
    assert event.dispatched_at is not None


def test_with_redis_down_the_publish_succeeds_and_the_sweep_delivers_later(county, worker, settings):
    settings.OUTBOX_SWEEP_GRACE_SECONDS = 0
    recipients = expected_recipients(county)
    with broker_unreachable():
        started = time.monotonic()
        response = publish_via_api(county)
        elapsed = time.monotonic() - started
    assert response.status_code == 200, response.content
    assert elapsed < 2, f"publish took {elapsed:.1f} s with the broker down"
    event = OutboxEvent.objects.filter(event_type="version.published").latest("id")
    time.sleep(1)  # the worker is running: had the hand-off reached Redis, it would be done by now
    event.refresh_from_db()
    assert event.dispatched_at is None
    assert not Notification.objects.filter(event=event).exists()

    from notifications.tasks import sweep_outbox

    sweep_outbox.delay()  # what beat does every minute, now that Redis is back
    wait_for(lambda: exactly_once(event, recipients), what="the sweep's delivery")
    sweep_outbox.delay()
    time.sleep(1)
    assert exactly_once(event, recipients)


def test_the_same_task_delivered_three_times_alerts_each_person_once(county, worker):
    from notifications.tasks import fan_out_event

    recipients = expected_recipients(county)
    plan_services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    event = OutboxEvent.objects.filter(event_type="version.published").latest("id")
    for _ in range(3):
        fan_out_event.delay(event.pk)
    wait_for(lambda: exactly_once(event, recipients), what="fan-out")
    time.sleep(1)
    assert exactly_once(event, recipients)


def test_concurrent_fan_outs_of_one_event_never_duplicate(county):
    import threading

    add_members(county.fire, 300)
    recipients = expected_recipients(county)
    plan_services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    event = OutboxEvent.objects.filter(event_type="version.published").latest("id")
    barrier = threading.Barrier(3)

    def run():
        barrier.wait()
        try:
            services.outbox_event_fan_out(event_id=event.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert exactly_once(event, recipients)


def _database_url() -> str:
    db = django_settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def test_a_worker_killed_mid_fan_out_loses_nothing_and_duplicates_nothing(county, settings):
    settings.OUTBOX_SWEEP_GRACE_SECONDS = 0
    add_members(county.police, 300)
    recipients = expected_recipients(county)
    celery_app.control.purge()
    plan_services.plan_version_publish(version=county.draft, actor=county.owner_admin)  # queued in Redis
    event = OutboxEvent.objects.filter(event_type="version.published").latest("id")
    last_recipient = max(recipients)

    # Another session holds an uncommitted notification for the last recipient, so the worker's
    # fan-out blocks on that row half-way through its transaction.
    blocker = psycopg.connect(_database_url().replace("postgres://", "postgresql://"))
    blocker.execute(
        "INSERT INTO notifications_notification (user_id, event_id, event_type, title, created_at) "
        "VALUES (%s, %s, 'version.published', 'blocker', now())",
        [last_recipient, event.pk],
    )
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": django_settings.REDIS_URL}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "warning",
        ],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with connection.cursor() as cursor:

            def worker_is_blocked() -> bool:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = %s",
                    [django_settings.DATABASES["default"]["NAME"]],
                )
                return cursor.fetchone()[0] > 0

            wait_for(worker_is_blocked, timeout=60, what="the worker to block mid-fan-out")
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        blocker.rollback()
        blocker.close()

    def worker_transaction_gone() -> bool:
        event.refresh_from_db()
        return not Notification.objects.filter(event=event).exists()

    wait_for(worker_transaction_gone, what="the killed worker's transaction to roll back")
    assert event.dispatched_at is None

    outbox_sweep()  # beat's next minute
    assert exactly_once(event, recipients)
    celery_app.control.purge()

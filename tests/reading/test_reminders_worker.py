"""The daily job on a real Celery worker and Redis: the overdue reminder and the weekly escalation, once each."""

from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.worker import state as worker_state
from django.db import connection, transaction
from django.utils import timezone

from agencies.models import Membership, Role
from notifications.models import EventType, Notification, OutboxEvent
from plans.models import PlanVersion
from portal.celery import app as celery_app
from reading.models import (
    ReadingGroup,
    ReadingGroupMember,
    ReadingObligation,
    ReadingReminder,
    ReadingRequirement,
    ReminderStage,
)
from reading.tasks import DAILY_REMINDERS, daily_reminders
from tests.agencies.factories import member
from tests.notifications.alert_checks import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker():
    """A real Celery worker consuming the test Redis broker in this process."""
    celery_app.control.purge()  # messages left by earlier tests refer to rows that are gone
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30) as started:
        yield started


def _overdue_patrol(county):
    """The officer in a supervised Patrol group owes the plan, published a month ago: overdue since 16 days."""
    sergeant = member(county.police, Role.MEMBER, username="sergeant")
    patrol = ReadingGroup.objects.create(agency=county.police, name="Patrol")
    ReadingGroupMember.objects.create(group=patrol, user=sergeant, is_supervisor=True)
    ReadingGroupMember.objects.create(group=patrol, user=county.partner_view_member)
    ReadingRequirement.objects.create(agency=county.police, plan=county.plan, audience="group", group=patrol)
    month_ago = timezone.now() - timedelta(days=30)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # test data: past the immutability trigger
        PlanVersion.objects.filter(pk=county.published.pk).update(published_at=month_ago)
    ReadingRequirement.objects.filter(agency=county.police).update(created_at=month_ago)
    Membership.objects.filter(agency=county.police).update(created_at=month_ago)
    ReadingGroupMember.objects.filter(group=patrol).update(added_at=month_ago)
    return sergeant


def _runs_finished() -> int:
    """Daily runs this in-process worker took and finished (no result backend to ask)."""
    busy = any(request.name == DAILY_REMINDERS for request in worker_state.active_requests)
    return worker_state.total_count.get(DAILY_REMINDERS, 0) - busy


def _alerts(user, event_type):
    return Notification.objects.filter(user=user, event_type=event_type).count()


def test_the_daily_job_heals_the_obligations_and_the_worker_delivers_each_alert_once(county, worker):
    sergeant = _overdue_patrol(county)
    officer = county.partner_view_member
    assert not ReadingObligation.objects.exists()  # no service ran the sync: the nightly one must heal it
    daily_reminders.delay()
    wait_for(lambda: _alerts(officer, EventType.READING_OVERDUE) == 1, what="the officer's overdue reminder")
    wait_for(lambda: _alerts(sergeant, EventType.READING_ESCALATION) == 1, what="the sergeant's escalation")
    assert ReadingReminder.objects.get(obligation__user=officer).stage == ReminderStage.OVERDUE
    daily_reminders.delay()  # the next day, or a redelivery: nothing new
    wait_for(lambda: _runs_finished() == 2, what="the second run")
    reading = OutboxEvent.objects.filter(event_type__startswith="reading.")
    wait_for(lambda: not reading.filter(dispatched_at__isnull=True).exists(), what="every reading fan-out")
    assert reading.count() == 3  # the officer's and the sergeant's overdue reminders, the sergeant's escalation
    assert _alerts(officer, EventType.READING_OVERDUE) == 1
    assert _alerts(sergeant, EventType.READING_ESCALATION) == 1
    assert _alerts(officer, EventType.READING_ESCALATION) == 0
    assert _alerts(sergeant, EventType.READING_OVERDUE) == 1  # their own: the group requirement covers them too

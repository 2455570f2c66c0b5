"""Reminders of exercises through the outbox: days before a scheduled exercise to the people of the agencies
taking part, and once to the owning agency's admins and the person responsible when a corrective action becomes
overdue; each exactly once, however often the daily job runs, and to nobody once the exercise is cancelled."""

from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.worker import state as worker_state
from django.utils import timezone

from exercises.models import CorrectiveAction
from exercises.reminders import corrective_action_overdue_reminders_record, exercise_reminders_record
from exercises.services import exercise_cancel
from notifications.models import EventType, Notification, OutboxEvent
from notifications.tasks import send_reminders
from portal.celery import app as celery_app
from tests.exercises.helpers import fan_out_all, final_report_with_action, schedule_drill
from tests.notifications.alert_checks import wait_for


def _alerted(event_type) -> set[int]:
    return set(Notification.objects.filter(event_type=event_type).values_list("user_id", flat=True))


def test_an_exercise_days_away_is_reminded_once_to_the_people_taking_part(county, settings):
    settings.EXERCISE_REMINDER_DAYS = 3
    soon = schedule_drill(county, title="Lockdown in two days", starts_at=timezone.now() + timedelta(days=2))
    schedule_drill(county, title="Lockdown in a week", starts_at=timezone.now() + timedelta(days=7))
    assert exercise_reminders_record() == 1
    assert exercise_reminders_record() == 0  # the next run (or a second one at once) records nothing
    fan_out_all()
    alerted = _alerted(EventType.EXERCISE_UPCOMING)
    assert {county.partner_view_member.pk, county.partner_comment_liaison.pk, county.owner_member.pk} <= alerted
    assert county.unrelated_admin.pk not in alerted
    event = OutboxEvent.objects.get(event_type=EventType.EXERCISE_UPCOMING)
    assert event.payload["exercise"] == soon.pk
    title = Notification.objects.filter(event_type=EventType.EXERCISE_UPCOMING).first().title
    assert title.startswith("Coming up: Lockdown drill on ")


def test_an_exercise_cancelled_before_delivery_reminds_nobody(county):
    soon = schedule_drill(county, starts_at=timezone.now() + timedelta(days=1))
    assert exercise_reminders_record() == 1
    exercise_cancel(exercise=soon, reason="Snow day", actor=county.owner_admin)
    fan_out_all()
    assert not _alerted(EventType.EXERCISE_UPCOMING)


def test_an_overdue_corrective_action_is_reminded_once_to_its_agencys_admins_and_the_person_responsible(county):
    _, _, action = final_report_with_action(county)  # the district's, the planner responsible
    assert corrective_action_overdue_reminders_record() == 0  # due in 30 days
    CorrectiveAction.objects.filter(pk=action.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    assert corrective_action_overdue_reminders_record() == 1
    assert corrective_action_overdue_reminders_record() == 0
    fan_out_all()
    alerted = _alerted(EventType.CORRECTIVE_ACTION_OVERDUE)
    assert alerted == {county.owner_admin.pk, county.owner_planner.pk}


@pytest.fixture
def worker():
    celery_app.control.purge()  # messages left by earlier tests refer to rows that are gone
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30) as started:
        yield started


def _runs_finished() -> int:
    busy = any(request.name == "notifications.send_reminders" for request in worker_state.active_requests)
    return worker_state.total_count.get("notifications.send_reminders", 0) - busy


@pytest.mark.django_db(transaction=True)
def test_the_daily_job_on_a_real_worker_delivers_each_reminder_once(county, worker):
    _, _, action = final_report_with_action(county)
    CorrectiveAction.objects.filter(pk=action.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    schedule_drill(county, title="Evacuation tomorrow", kind="evacuation", starts_at=timezone.now() + timedelta(days=1))
    officer, planner = county.partner_view_member, county.owner_planner
    send_reminders.delay()
    wait_for(
        lambda: Notification.objects.filter(user=officer, event_type=EventType.EXERCISE_UPCOMING).exists(),
        what="the officer's reminder of the drill",
    )
    wait_for(
        lambda: Notification.objects.filter(user=planner, event_type=EventType.CORRECTIVE_ACTION_OVERDUE).exists(),
        what="the planner's overdue reminder",
    )
    send_reminders.delay()  # the next day, or a redelivery: nothing new
    wait_for(lambda: _runs_finished() == 2, what="the second run")
    reminders = OutboxEvent.objects.filter(
        event_type__in=(EventType.EXERCISE_UPCOMING, EventType.CORRECTIVE_ACTION_OVERDUE)
    )
    wait_for(lambda: not reminders.filter(dispatched_at__isnull=True).exists(), what="every fan-out")
    assert reminders.count() == 2
    assert Notification.objects.filter(user=officer, event_type=EventType.EXERCISE_UPCOMING).count() == 1
    assert Notification.objects.filter(user=planner, event_type=EventType.CORRECTIVE_ACTION_OVERDUE).count() == 1

"""Review-due and acknowledgement reminders: on schedule, to the right people, never twice."""

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from notifications import reminders, services
from notifications.models import Notification, OutboxEvent
from plans import services as plan_services
from plans.models import Plan
from tests.plans.factories import make_plan, publish


def set_review_due(plan, days_from_today: int):
    due = timezone.localdate() + timedelta(days=days_from_today)
    Plan.objects.filter(pk=plan.pk).update(next_review_due=due)
    return due


def review_events(plan):
    return OutboxEvent.objects.filter(event_type="plan.review_due", plan=plan)


def test_review_reminders_come_30_days_before_on_the_day_and_weekly_while_overdue(county):
    today = timezone.localdate()
    due = set_review_due(county.plan, 30)
    assert reminders.review_due_reminders_record(today=today - timedelta(days=1)) == 0
    assert reminders.review_due_reminders_record(today=today) == 1
    assert reminders.review_due_reminders_record(today=today + timedelta(days=10)) == 0  # already told
    assert reminders.review_due_reminders_record(today=due) == 1
    assert reminders.review_due_reminders_record(today=due + timedelta(days=3)) == 0
    assert reminders.review_due_reminders_record(today=due + timedelta(days=7)) == 1
    assert reminders.review_due_reminders_record(today=due + timedelta(days=14)) == 1
    stages = list(review_events(county.plan).order_by("id").values_list("payload__stage", flat=True))
    assert stages == ["30-days", "due", "overdue-week-1", "overdue-week-2"]


def test_review_reminders_go_to_the_owners_admins_and_planners_only(county):
    set_review_due(county.plan, 0)
    reminders.review_due_reminders_record()
    services.outbox_event_fan_out(event_id=review_events(county.plan).get().pk)
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"district_admin", "district_planner"}


def test_acknowledgement_reminders_reach_liaisons_of_partners_that_are_behind(county, settings):
    settings.ACKNOWLEDGEMENT_REMINDER_DAYS = 14
    liaison = county.partner_comment_liaison
    plan_services.plan_version_acknowledge(version=county.published, actor=liaison)
    in_20_days = timezone.now() + timedelta(days=20)
    assert reminders.acknowledgement_reminders_record(now=in_20_days) == 1
    assert reminders.acknowledgement_reminders_record(now=in_20_days) == 0  # once a week, not once a run
    event = OutboxEvent.objects.get(event_type="acknowledgement.reminder")
    assert event.payload["agencies"] == [county.police.pk]  # fire acknowledged already
    services.outbox_event_fan_out(event_id=event.pk)
    assert set(Notification.objects.filter(event=event).values_list("user__username", flat=True)) == {"police_liaison"}
    assert reminders.acknowledgement_reminders_record(now=in_20_days + timedelta(days=7)) == 1


def test_no_acknowledgement_reminder_before_the_configured_delay(county, settings):
    settings.ACKNOWLEDGEMENT_REMINDER_DAYS = 14
    assert reminders.acknowledgement_reminders_record() == 0


def _sessions_waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_two_reminder_runs_at_once_both_finish_and_record_each_reminder_once(county, monkeypatch):
    monkeypatch.setattr("notifications.services.enqueue_on_commit", lambda *args: None)  # no broker hand-offs
    for n in range(2):
        publish(make_plan(owner=county.district, actor=county.owner_admin, title=f"Annex {n}"), county.owner_admin)
    Plan.objects.update(next_review_due=timezone.localdate())
    first_recorded, release = threading.Event(), threading.Event()
    results: dict[str, int] = {}
    errors: list[BaseException] = []

    def first_run() -> None:
        # The first run has recorded its reminders but not yet committed when the second one starts.
        try:
            with transaction.atomic():
                results["first"] = reminders.review_due_reminders_record()
                first_recorded.set()
                release.wait(10)
        except BaseException as exc:
            errors.append(exc)
        finally:
            first_recorded.set()
            connection.close()

    def second_run() -> None:
        try:
            first_recorded.wait(10)
            results["second"] = reminders.review_due_reminders_record()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first_run), threading.Thread(target=second_run)]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 10
        while _sessions_waiting_for_a_lock() == 0 and time.monotonic() < deadline:
            time.sleep(0.05)  # until the second run waits on the first one's uncommitted reminder
        assert _sessions_waiting_for_a_lock() == 1
    finally:
        release.set()
        for thread in threads:
            thread.join(10)

    assert errors == []
    plans = Plan.objects.count()
    assert results == {"first": plans, "second": 0}
    keys = Counter(OutboxEvent.objects.filter(event_type="plan.review_due").values_list("dedupe_key", flat=True))
    assert len(keys) == plans
    assert set(keys.values()) == {1}

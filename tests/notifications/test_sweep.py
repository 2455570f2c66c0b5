"""The sweep re-dispatches what the broker never delivered, once its grace period has passed."""

from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone
from kombu.exceptions import OperationalError

from notifications import dispatch, sweep, tasks
from notifications.models import Notification, OutboxEvent
from notifications.sweep import outbox_sweep
from tests.notifications.conftest import publish_draft


def test_an_event_the_broker_lost_is_fanned_out_by_the_sweep_after_the_grace_period(county):
    event = publish_draft(county)  # in a test transaction the after-commit hand-off never happens
    assert outbox_sweep().events == 0  # still within its grace period
    assert not Notification.objects.filter(event=event).exists()
    later = timezone.now() + timedelta(minutes=2)
    pending = OutboxEvent.objects.filter(dispatched_at__isnull=True).count()  # the fixture's shares too
    assert outbox_sweep(now=later).events == pending
    event.refresh_from_db()
    assert event.dispatched_at is not None
    count = Notification.objects.filter(event=event).count()
    assert count > 0
    assert outbox_sweep(now=later + timedelta(minutes=5)).events == 0
    assert Notification.objects.filter(event=event).count() == count


def test_a_dispatched_event_is_not_swept_again(county):
    publish_draft(county)
    OutboxEvent.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=1))
    first = outbox_sweep()
    assert first.events == OutboxEvent.objects.count()
    assert outbox_sweep().events == 0


def _all_events_due(county) -> int:
    publish_draft(county)
    OutboxEvent.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=1))
    return OutboxEvent.objects.count()


def test_a_sweep_past_its_soft_time_limit_stops_instead_of_carrying_on(county, monkeypatch):
    assert _all_events_due(county) >= 2
    attempted: list[int] = []

    def out_of_time(*, event_id: int) -> None:
        attempted.append(event_id)
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(sweep, "outbox_event_fan_out", out_of_time)
    with pytest.raises(SoftTimeLimitExceeded):
        sweep.outbox_sweep()
    assert len(attempted) == 1


def test_a_failed_fan_out_is_logged_and_the_sweep_goes_on_with_the_others(county, monkeypatch, caplog):
    due = _all_events_due(county)
    fan_out = sweep.outbox_event_fan_out
    failed: list[int] = []

    def first_one_fails(*, event_id: int):
        if not failed:
            failed.append(event_id)
            raise RuntimeError("a payload bug")
        return fan_out(event_id=event_id)

    monkeypatch.setattr(sweep, "outbox_event_fan_out", first_one_fails)
    assert sweep.outbox_sweep().events == due
    assert f"Fan-out of outbox event {failed[0]} failed" in caplog.text
    assert set(OutboxEvent.objects.filter(dispatched_at__isnull=True).values_list("pk", flat=True)) == set(failed)


def test_a_hand_off_cut_short_by_the_soft_time_limit_stops_the_task(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    def out_of_time(*args, **kwargs) -> None:
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(tasks.fan_out_event, "apply_async", out_of_time)
    with pytest.raises(SoftTimeLimitExceeded), django_capture_on_commit_callbacks(execute=True):
        dispatch.enqueue_on_commit(dispatch.FAN_OUT_EVENT, 1)


def test_a_broker_that_refuses_the_hand_off_is_logged_and_left_to_the_sweep(
    db, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broker_down(*args, **kwargs) -> None:
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.fan_out_event, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.enqueue_on_commit(dispatch.FAN_OUT_EVENT, 1)
    assert "the outbox sweep will retry" in caplog.text

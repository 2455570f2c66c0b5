"""The sweep re-dispatches what the broker never delivered, once its grace period has passed."""

from datetime import timedelta

from django.utils import timezone

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

"""A day's reminders are fanned out a batch at a time: the same alerts as one by one, once, in a few statements."""

import pytest

from agencies.models import Membership, Role
from notifications.fan_out_batch import outbox_events_fan_out, personal_events_fan_out
from notifications.models import Channel, Delivery, EventType, Notification, OutboxEvent
from reading.reminders import reading_reminders_record
from tests.agencies.factories import member
from tests.reading.reminder_helpers import days, due_of, events, require

OVERDUE = EventType.READING_OVERDUE


def _overdue_reminders(county, people: int) -> list[int]:
    for i in range(people):
        member(county.police, Role.MEMBER, username=f"officer_{people}_{i}")
    require(county.police, county.plan, due_days=10)
    reading_reminders_record(now=due_of(county.partner_view_member, county.plan) + days(1))
    return [event.pk for event in events(OVERDUE)]


@pytest.mark.parametrize("others", [3, 58])
def test_a_batch_costs_the_same_statements_for_5_or_60_people(county, django_assert_max_num_queries, others):
    event_ids = _overdue_reminders(county, others)
    # The claim, the memberships, the preferences, the notifications, the deliveries (and the savepoint).
    with django_assert_max_num_queries(7):
        assert len(personal_events_fan_out(event_ids=event_ids)) == others + 2  # and the liaison and the officer
    assert Notification.objects.filter(event_type=OVERDUE).count() == others + 2


def test_each_person_is_alerted_and_mailed_once_however_often_the_batch_runs(county):
    event_ids = _overdue_reminders(county, 3)
    assert outbox_events_fan_out(event_ids=event_ids) == 5
    assert outbox_events_fan_out(event_ids=event_ids) == 0  # a retried task: everything already dispatched
    officer = county.partner_view_member
    assert Notification.objects.filter(user=officer, event_type=OVERDUE).count() == 1
    assert Delivery.objects.filter(user=officer, channel=Channel.EMAIL, event__event_type=OVERDUE).count() == 1
    assert Notification.objects.filter(event_type=OVERDUE).count() == 5
    assert not OutboxEvent.objects.filter(event_type=OVERDUE, dispatched_at__isnull=True).exists()


def test_someone_who_left_the_agency_since_is_not_reminded_but_the_others_are(county):
    event_ids = _overdue_reminders(county, 2)
    Membership.objects.filter(user=county.partner_view_member, agency=county.police).delete()
    outbox_events_fan_out(event_ids=event_ids)
    assert not Notification.objects.filter(user=county.partner_view_member).exists()
    assert Notification.objects.filter(event_type=OVERDUE).count() == 3


def test_a_malformed_event_costs_only_its_own_alert(county):
    event_ids = _overdue_reminders(county, 2)
    broken = OutboxEvent.objects.get(pk=event_ids[0])
    broken.payload = {**broken.payload, "count": "many"}  # its title cannot be written
    broken.save(update_fields=["payload"])
    with pytest.raises(ValueError, match="many"):  # the task retries it; the sweep logs it
        outbox_events_fan_out(event_ids=event_ids)
    assert Notification.objects.filter(event_type=OVERDUE).count() == 3
    assert set(
        OutboxEvent.objects.filter(event_type=OVERDUE, dispatched_at__isnull=True).values_list("pk", flat=True)
    ) == {broken.pk}

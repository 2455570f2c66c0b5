"""Fan-out: who is told, exactly once, with preferences — computed when the alert is delivered."""

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from agencies.models import AgencyKind, Membership
from notifications import dispatch, services
from notifications.models import Delivery, Notification, NotificationPreference, OutboxEvent
from plans import services as plan_services
from plans.models import ShareLevel
from tests.agencies.factories import AgencyFactory
from tests.notifications.conftest import add_members, publish_draft
from tests.plans.factories import changed_draft


def people_notified(event) -> list[str]:
    return sorted(Notification.objects.filter(event=event).values_list("user__username", flat=True))


def test_publish_reaches_every_member_of_every_agency_that_may_see_the_plan_once(county):
    ems = AgencyFactory(name="County EMS", slug="county-ems", kind=AgencyKind.EMS)
    add_members(ems, 5)
    plan_services.plan_share(plan=county.plan, agency=ems, level=ShareLevel.VIEW, actor=county.owner_admin)
    event = publish_draft(county)

    result = services.outbox_event_fan_out(event_id=event.pk)

    expected = sorted(
        Membership.objects.filter(agency__in=[county.district, county.police, county.fire, ems])
        .exclude(user=county.owner_admin)  # who published it does not need telling
        .values_list("user__username", flat=True)
    )
    assert people_notified(event) == expected
    assert result.recipients == len(expected)
    assert "far_admin" not in expected
    assert Notification.objects.get(event=event, user=county.partner_view_liaison).title == (
        "Maple Valley High crisis plan: version 2 published"
    )


def test_running_the_fan_out_again_alerts_nobody_twice(county, published_event):
    first = services.outbox_event_fan_out(event_id=published_event.pk)
    assert services.outbox_event_fan_out(event_id=published_event.pk) is None
    # Even if the event were somehow handed out again, the unique constraints hold.
    type(published_event).objects.filter(pk=published_event.pk).update(dispatched_at=None)
    again = services.outbox_event_fan_out(event_id=published_event.pk)
    assert again.recipients == first.recipients
    assert Notification.objects.filter(event=published_event).count() == first.notifications
    assert Delivery.objects.filter(event=published_event).count() == first.emails


def test_an_agency_whose_share_was_revoked_before_delivery_gets_nothing(county, published_event):
    plan_services.plan_unshare(plan=county.plan, agency=county.police, actor=county.owner_admin)
    services.outbox_event_fan_out(event_id=published_event.pk)
    notified = people_notified(published_event)
    assert "police_liaison" not in notified
    assert "police_officer" not in notified
    assert "fire_liaison" in notified
    assert not Delivery.objects.filter(event=published_event, user__memberships__agency=county.police).exists()


def test_liaisons_and_admins_get_email_by_default_members_do_not(county, published_event):
    services.outbox_event_fan_out(event_id=published_event.pk)
    emailed = set(
        Delivery.objects.filter(event=published_event, channel="email").values_list("user__username", flat=True)
    )
    assert {"police_liaison", "fire_liaison", "district_liaison"} <= emailed
    assert "police_officer" not in emailed
    assert "district_member" not in emailed


def test_preferences_decide_the_channels(county):
    NotificationPreference.objects.create(
        user=county.partner_view_member, event_type="version.published", in_app=False, email="daily"
    )
    NotificationPreference.objects.create(
        user=county.partner_view_liaison, event_type="version.published", in_app=True, email="off"
    )
    event = publish_draft(county)
    services.outbox_event_fan_out(event_id=event.pk)
    assert not Notification.objects.filter(event=event, user=county.partner_view_member).exists()
    assert Delivery.objects.get(event=event, user=county.partner_view_member).channel == "email_digest"
    assert Notification.objects.filter(event=event, user=county.partner_view_liaison).exists()
    assert not Delivery.objects.filter(event=event, user=county.partner_view_liaison).exists()


def test_someone_in_two_agencies_is_told_once_with_their_strongest_role(county):
    Membership.objects.create(user=county.partner_view_member, agency=county.fire, role="liaison")
    event = publish_draft(county)
    services.outbox_event_fan_out(event_id=event.pk)
    assert Notification.objects.filter(event=event, user=county.partner_view_member).count() == 1
    assert Delivery.objects.filter(event=event, user=county.partner_view_member, channel="email").count() == 1


def _fan_out_queries(county, members: int, monkeypatch) -> tuple[int, int]:
    monkeypatch.setattr(services, "FAN_OUT_CHUNK", 100)
    add_members(county.police, members, prefix=f"bulk{members}-")
    event = publish_draft(county)
    with CaptureQueriesContext(connection) as captured:
        result = services.outbox_event_fan_out(event_id=event.pk)
    return len(captured), result.recipients


def test_fan_out_queries_grow_only_with_the_number_of_chunks(county, monkeypatch):
    small_queries, small_recipients = _fan_out_queries(county, 50, monkeypatch)
    # A second draft for the second publish.
    county.plan.refresh_from_db()
    county.draft = changed_draft(county.plan, county.owner_planner)
    large_queries, large_recipients = _fan_out_queries(county, 450, monkeypatch)
    small_chunks = -(-small_recipients // 100)
    large_chunks = -(-large_recipients // 100)
    assert large_recipients > 500
    # One chunk: claiming the event and marking it dispatched, the audience with their own choices, the
    # notifications, the e-mail deliveries, the webhook endpoints (and the test's savepoint and its release);
    # then, once per version whatever the audience, what it changed for the e-mails (a savepoint and its
    # release, the two versions, their sections, files and key facts, the event's update).
    assert small_queries <= 7 + 7
    # Per further chunk at most one insert of notifications and one of deliveries (the cursor's FETCHes are
    # not logged); an audience beyond one chunk also opens the server-side cursor.
    assert 0 < large_queries - small_queries <= 2 * (large_chunks - small_chunks) + 1
    assert large_queries < 20 + 7


def _outcome(event) -> tuple[list, list]:
    return (
        sorted(Notification.objects.filter(event=event).values_list("user_id", flat=True)),
        sorted(Delivery.objects.filter(event=event).values_list("user_id", "channel")),
    )


def test_small_chunks_alert_the_same_people_the_same_way_as_one_chunk(county, monkeypatch):
    # People in two agencies whose memberships straddle the first page and the chunk boundaries.
    for user in add_members(county.police, 7, prefix="both-"):
        Membership.objects.create(user=user, agency=county.fire, role="liaison")
    NotificationPreference.objects.create(
        user=county.partner_view_liaison, event_type="version.published", in_app=False, email="daily"
    )
    first = publish_draft(county)
    whole = services.outbox_event_fan_out(event_id=first.pk)
    whole_outcome = _outcome(first)
    county.plan.refresh_from_db()
    county.draft = changed_draft(county.plan, county.owner_planner)
    monkeypatch.setattr(services, "FAN_OUT_CHUNK", 3)
    event = publish_draft(county)
    chunked = services.outbox_event_fan_out(event_id=event.pk)
    assert chunked == whole
    assert _outcome(event) == whole_outcome
    assert len(whole_outcome[0]) == whole.notifications == whole.recipients - 1


def test_the_fan_out_marks_the_event_dispatched_and_counts_the_attempt(county, published_event):
    services.outbox_event_fan_out(event_id=published_event.pk)
    published_event.refresh_from_db()
    assert published_event.dispatched_at is not None
    assert published_event.attempts == 1
    OutboxEvent.objects.filter(pk=published_event.pk).update(dispatched_at=None)
    services.outbox_event_fan_out(event_id=published_event.pk)
    published_event.refresh_from_db()
    assert published_event.attempts == 2


@pytest.mark.django_db(transaction=True)
def test_an_event_another_worker_holds_is_skipped_and_left_undispatched(county, monkeypatch):
    monkeypatch.setattr(dispatch, "_send", lambda task, args: None)  # no broker hand-offs from committed data
    event = publish_draft(county)
    locked, release = threading.Event(), threading.Event()

    def hold_the_row() -> None:
        try:
            with transaction.atomic():
                OutboxEvent.objects.select_for_update().get(pk=event.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert locked.wait(10)
        assert services.outbox_event_fan_out(event_id=event.pk) is None
    finally:
        release.set()
        holder.join(10)
    event.refresh_from_db()
    assert event.dispatched_at is None
    assert event.attempts == 0
    assert not Notification.objects.filter(event=event).exists()
    assert services.outbox_event_fan_out(event_id=event.pk).notifications > 0

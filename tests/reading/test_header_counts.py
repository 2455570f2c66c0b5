"""The header's "To read (N)" and unread-alerts badge are cached per person (reading/header_counts.py): each change
that moves them shows on the next page, one person's counts never show to another, and a page with the counts
cached reads neither count from the database."""

import re

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access.actors import SYSTEM
from agencies.models import Membership
from agencies.services import membership_remove
from notifications.models import Notification, OutboxEvent
from notifications.services import notifications_mark_all_read, outbox_event_fan_out
from plans import services
from reading.services import reading_requirement_create, reading_requirement_delete
from tests.conftest import web_client
from tests.reading.queue_scene import publish_next, require, shared_plans

User = get_user_model()


def header_of(client, path: str = "/accounts/password_change/") -> tuple[int, int]:
    """(to read, unread alerts) as the page's header shows them; 0 when the link is absent."""
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    to_read = re.search(r">To read(?: \((\d+)\))?</a>", page)
    badge = re.search(r'id="alert-badge"[^>]*><span class="visually-hidden">, </span>(\d+)<', page)
    assert badge is not None
    return (int(to_read.group(1) or 0) if to_read else 0), int(badge.group(1))


def fan_out_pending() -> None:
    for event_id in OutboxEvent.objects.filter(dispatched_at__isnull=True).values_list("pk", flat=True):
        outbox_event_fan_out(event_id=event_id)


def test_acknowledging_through_the_page_lowers_the_header_count_on_the_next_page(county):
    officer = county.partner_view_member
    first, _second = shared_plans(county, 2)
    client = web_client(officer)
    assert header_of(client)[0] == 2  # counted, now cached
    assert header_of(client)[0] == 2  # from the cache
    response = client.post(f"/to-read/{first.pk}/", {"version": 1})
    assert response.status_code == 302
    assert header_of(client)[0] == 1
    assert ">To read (1)</a>" in client.get("/to-read/").content.decode()


def test_a_new_version_and_a_new_requirement_raise_it_and_a_removed_one_lowers_it(county):
    officer = county.partner_view_member
    require(county.police, county.plan)
    client = web_client(officer)
    services.plan_version_acknowledge(version=county.published, actor=officer)
    assert header_of(client)[0] == 0
    publish_next(county)  # a new version restarts the requirement
    assert header_of(client)[0] == 1
    (extra,) = shared_plans(county, 1, prefix="Extra")
    assert header_of(client)[0] == 2
    requirement = county.police.reading_requirements.get(plan=extra)
    reading_requirement_delete(requirement=requirement, actor=SYSTEM)
    assert header_of(client)[0] == 1


def test_leaving_the_agency_clears_what_its_requirements_asked(county):
    officer = county.partner_view_member
    Membership.objects.create(user=officer, agency=county.unrelated, role="member")  # still signed in after
    require(county.police, county.plan)
    client = web_client(officer)
    assert header_of(client)[0] == 1
    membership_remove(membership=Membership.objects.get(user=officer, agency=county.police), actor=SYSTEM)
    assert header_of(client)[0] == 0


def test_new_alerts_raise_the_badge_and_reading_them_lowers_it(county):
    liaison = county.partner_view_liaison
    client = web_client(liaison)
    before = header_of(client)[1]
    fan_out_pending()
    unread = Notification.objects.filter(user=liaison, read_at__isnull=True)
    assert unread.count() > before
    assert header_of(client)[1] == unread.count()
    one = unread.order_by("pk").first()
    assert client.post(f"/alerts/{one.pk}/read/").status_code == 302
    assert header_of(client)[1] == unread.count()
    assert client.post("/alerts/read-all/").status_code == 302
    assert header_of(client)[1] == 0


def test_one_persons_counts_never_show_to_another(county):
    officer, liaison = county.partner_view_member, county.partner_view_liaison
    shared_plans(county, 3, required_by=None)
    reading_requirement_create(
        agency=county.police, plan=county.plan, audience="role", role="member", actor=SYSTEM
    )  # the officer (a member) owes one more than the liaison
    fan_out_pending()
    notifications_mark_all_read(user=officer)
    officer_client, liaison_client = web_client(officer), web_client(liaison)
    officer_counts = header_of(officer_client)
    liaison_counts = header_of(liaison_client)
    assert officer_counts[0] == 4
    assert liaison_counts[0] == 3
    assert liaison_counts[1] == Notification.objects.filter(user=liaison, read_at__isnull=True).count()
    assert officer_counts[1] == Notification.objects.filter(user=officer, read_at__isnull=True).count()
    assert officer_counts[1] == 0
    assert liaison_counts[1] > 0
    # Both cached now: each still reads their own.
    assert header_of(officer_client) == officer_counts
    assert header_of(liaison_client) == liaison_counts


def test_with_the_counts_cached_a_page_counts_neither(county):
    officer = county.partner_view_member
    shared_plans(county, 2)
    client = web_client(officer)
    header_of(client)
    with CaptureQueriesContext(connection) as queries:
        assert header_of(client)[0] == 2
    tables = " ".join(query["sql"] for query in queries)
    assert "reading_readingobligation" not in tables
    assert "notifications_notification" not in tables

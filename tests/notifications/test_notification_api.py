"""The in-app alert API: your own notifications, read state, preferences — and nobody else's."""

import pytest

from notifications import services
from notifications.models import Notification, NotificationPreference
from plans import services as plan_services
from tests.conftest import client_for
from tests.notifications.conftest import publish_draft
from tests.permission_matrix import ACTORS, client_as, covers, matrix, user_of
from tests.plans.factories import changed_draft


@pytest.fixture
def alerted(county):
    event = publish_draft(county)
    services.outbox_event_fan_out(event_id=event.pk)
    return event


def test_a_partner_sees_their_alert_with_plan_and_version(county, alerted):
    response = client_for(county.partner_view_liaison).get("/api/v1/notifications/")
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["event"] == "version.published"
    assert item["plan"] == county.plan.pk
    assert item["version"] == 2
    assert item["read_at"] is None
    assert set(item) >= {"id", "event", "plan", "version", "title", "created_at", "read_at"}


def test_nobody_sees_or_marks_anyone_elses_notifications(county, alerted):
    theirs = Notification.objects.get(user=county.partner_view_liaison)
    outsider = client_for(county.unrelated_admin)
    assert outsider.get("/api/v1/notifications/").json()["count"] == 0
    assert outsider.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert client_for(county.partner_view_member).post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client_for(None).get("/api/v1/notifications/").status_code == 401


@covers("notification-list")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=401, **{a: 200 for a in ACTORS if a != "anonymous"}))
def test_each_person_lists_only_their_own_notifications(county, alerted, actor, expected):
    user = user_of(county, actor)
    own = Notification.objects.filter(user=user) if user is not None else Notification.objects.none()
    assert Notification.objects.exclude(pk__in=own).exists()  # someone else's are there to leak
    before = sorted(Notification.objects.values_list("pk", "user_id", "read_at"))
    response = client_as(county, actor).get("/api/v1/notifications/")
    assert response.status_code == expected, response.content
    if expected == 200:
        assert {item["id"] for item in response.json()["results"]} == set(own.values_list("pk", flat=True))
    assert sorted(Notification.objects.values_list("pk", "user_id", "read_at")) == before


def test_mark_one_read_then_all_read(county, alerted):
    plan_services.plan_version_withdraw(version=county.draft, actor=county.owner_admin)
    services.outbox_event_fan_out(event_id=type(alerted).objects.latest("id").pk)
    client = client_for(county.partner_view_liaison)
    unread = client.get("/api/v1/notifications/", {"unread": "true"}).json()
    assert unread["count"] == 2
    newest = unread["results"][0]
    assert newest["event"] == "version.withdrawn"
    read = client.post(f"/api/v1/notifications/{newest['id']}/read/")
    assert read.status_code == 200
    assert read.json()["read_at"] is not None
    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 1
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked_read": 1}
    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 0


def test_after_a_share_is_revoked_the_alert_no_longer_links_to_the_plan(county, alerted):
    plan_services.plan_unshare(plan=county.plan, agency=county.police, actor=county.owner_admin)
    items = client_for(county.partner_view_member).get("/api/v1/notifications/").json()["results"]
    published = next(i for i in items if i["event"] == "version.published")
    assert published["plan"] is None


def test_notification_list_queries_do_not_grow(county, alerted, django_assert_max_num_queries):
    for i in range(3):
        county.plan.refresh_from_db()
        county.draft = changed_draft(county.plan, county.owner_planner, f"Change {i}.")
        event = publish_draft(county)
        services.outbox_event_fan_out(event_id=event.pk)
    client = client_for(county.partner_view_member)
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/notifications/").json()["count"] == 4


def test_preferences_show_role_defaults_and_save_choices(county):
    client = client_for(county.partner_view_liaison)
    defaults = {p["event_type"]: p for p in client.get("/api/v1/me/preferences/").json()}
    assert defaults["version.published"] == {
        "event_type": "version.published",
        "in_app": True,
        "email": "immediate",
        "is_default": True,
    }
    response = client.put(
        "/api/v1/me/preferences/",
        [{"event_type": "version.published", "in_app": False, "email": "daily"}],
        format="json",
    )
    assert response.status_code == 200
    saved = {p["event_type"]: p for p in response.json()}
    assert saved["version.published"]["email"] == "daily"
    assert saved["version.published"]["is_default"] is False
    assert saved["plan.shared"]["is_default"] is True
    member = {p["event_type"]: p for p in client_for(county.partner_view_member).get("/api/v1/me/preferences/").json()}
    assert member["version.published"]["email"] == "off"


@pytest.mark.parametrize(
    "body",
    [
        {"event_type": "version.published", "in_app": True, "email": "daily"},
        [{"event_type": "plan.exploded", "in_app": True, "email": "off"}],
        [{"event_type": "version.published", "in_app": True, "email": "hourly"}],
        [{"event_type": "version.published", "in_app": "maybe", "email": "off"}],
        [
            {"event_type": "version.published", "in_app": True, "email": "off"},
            {"event_type": "version.published", "in_app": False, "email": "off"},
        ],
        [],
    ],
    ids=["not-a-list", "unknown-event", "unknown-email-choice", "in-app-not-boolean", "repeated", "empty"],
)
def test_bad_preferences_are_refused_and_nothing_changes(county, body):
    response = client_for(county.partner_view_liaison).put("/api/v1/me/preferences/", body, format="json")
    assert response.status_code == 400
    assert not NotificationPreference.objects.exists()

"""The alerts page, marking read, the header badge, the dashboard's latest-alerts fragment, preferences."""

import re
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from playwright.sync_api import expect

from notifications import selectors
from notifications.models import EmailChoice, EventType, Notification, NotificationPreference, OutboxEvent
from notifications.services import outbox_event_fan_out
from plans import services as plan_services
from plans.models import ShareLevel
from tests.conftest import web_client
from tests.permission_matrix import ACTORS, covers, matrix, user_of
from tests.plans.factories import make_plan, publish
from tests.web.conftest import PHONE, screenshot, sign_in

HTMX = {"HTTP_HX_REQUEST": "true"}


def fan_out_pending() -> None:
    """Run the fan-out of every recorded event (inside a test, on-commit hooks never fire)."""
    for event_id in OutboxEvent.objects.filter(dispatched_at__isnull=True).values_list("pk", flat=True):
        outbox_event_fan_out(event_id=event_id)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def add_alerts(county, count: int) -> None:
    """`count` more plans shared with police and published: two alerts each for the police."""
    for n in range(count):
        plan = make_plan(owner=county.district, actor=county.owner_admin, title=f"Annex {n:03}")
        plan_services.plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=county.owner_admin)
        publish(plan, county.owner_admin, f"Body {n}")
    fan_out_pending()


@pytest.fixture
def alerted(county):
    """The county with its events fanned out: the police liaison holds two unread alerts."""
    fan_out_pending()
    return county


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- The list ----------------------------------------------------------------------------------------


def test_the_alerts_page_lists_my_alerts_newest_first_unread_emphasised_with_plan_links(alerted):
    liaison = alerted.partner_view_liaison
    plan_services.plan_version_publish(version=alerted.draft, actor=alerted.owner_admin)
    fan_out_pending()
    html = signed_in(liaison).get("/alerts/").content.decode()
    text = text_of(html)
    newest = text.index("Maple Valley High crisis plan: version 2 published")
    assert newest < text.index("Maple Valley High crisis plan was shared with your agency")
    assert newest < text.index("Maple Valley High crisis plan: version 1 published")
    assert html.count("alert-row--unread") == 3
    assert text.count("Unread") >= 3
    assert f'href="/plans/{alerted.plan.pk}/"' in html
    assert "3 unread" in text
    assert "Mark all read" in text


def test_nobody_sees_another_persons_alerts(alerted):
    html = signed_in(alerted.unrelated_admin).get("/alerts/").content.decode()
    assert "Maple Valley" not in html
    assert "No alerts yet" in html
    assert "Mark all read" not in html


def test_an_alert_keeps_its_title_but_loses_its_link_once_the_plan_is_no_longer_shared(alerted):
    plan_services.plan_unshare(plan=alerted.plan, agency=alerted.police, actor=alerted.owner_admin)
    html = signed_in(alerted.partner_view_liaison).get("/alerts/").content.decode()
    assert "Maple Valley High crisis plan: version 1 published" in html
    assert f'href="/plans/{alerted.plan.pk}/"' not in html
    assert "no longer shared with you" in html


def test_the_unread_filter_shows_only_unread_alerts(alerted):
    liaison = alerted.partner_view_liaison
    first = Notification.objects.filter(user=liaison).order_by("id").first()
    signed_in(liaison).post(f"/alerts/{first.pk}/read/")
    client = signed_in(liaison)
    unread = client.get("/alerts/?show=unread").content.decode()
    assert first.title not in unread
    assert unread.count('<li id="alert-') == 1
    everything = client.get("/alerts/?show=all").content.decode()
    assert first.title in everything
    assert everything.count('<li id="alert-') == 2


def test_with_no_unread_alerts_the_unread_filter_says_you_are_up_to_date(alerted):
    liaison = alerted.partner_view_liaison
    client = signed_in(liaison)
    client.post("/alerts/read-all/")
    assert "you are up to date" in client.get("/alerts/?show=unread").content.decode()


def test_the_alerts_page_is_paginated(county):
    add_alerts(county, 15)  # 30 alerts plus the county's own two
    client = signed_in(county.partner_view_liaison)
    first = client.get("/alerts/").content.decode()
    assert first.count('<li id="alert-') == 25
    assert "Page 1 of 2" in first
    assert 'rel="next"' in first
    second = client.get("/alerts/?show=all&page=2").content.decode()
    assert second.count('<li id="alert-') == 7
    assert 'rel="prev"' in second
    assert client.get("/alerts/?page=99").status_code == 200


def test_the_alerts_page_reads_the_same_number_of_queries_for_5_and_50_alerts(county):
    liaison = county.partner_view_liaison
    add_alerts(county, 2)
    client = signed_in(liaison)
    with CaptureQueriesContext(connection) as few:
        client.get("/alerts/")
    add_alerts(county, 23)
    assert Notification.objects.filter(user=liaison).count() >= 50
    with CaptureQueriesContext(connection) as many:
        client.get("/alerts/")
    assert len(many) == len(few)
    assert len(few) <= 9


@covers("notifications:list", "notifications:badge", "notifications:latest")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=302, **{a: 200 for a in ACTORS if a != "anonymous"}))
def test_each_person_sees_only_their_own_alerts_unread_count_and_latest(alerted, actor, expected):
    user = user_of(alerted, actor)
    own = Notification.objects.filter(user=user) if user is not None else Notification.objects.none()
    assert Notification.objects.exclude(pk__in=own).exists()  # someone else's alerts are there to leak
    client = web_client(user)
    listing, badge, latest = (client.get(url) for url in ("/alerts/", "/alerts/badge/", "/alerts/latest/"))
    assert [listing.status_code, badge.status_code, latest.status_code] == [expected] * 3
    if expected == 200:
        shown = {int(pk) for pk in re.findall(r'<li id="alert-(\d+)"', listing.content.decode())}
        assert shown == set(own.values_list("pk", flat=True))
        assert f"?n={own.filter(read_at__isnull=True).count()}" in badge.content.decode()
        assert latest.content.decode().count('<li class="latest-alerts__item') == min(own.count(), 5)
    else:
        for response in (listing, badge, latest):
            assert response["Location"].startswith("/accounts/login/")


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    for url in ("/alerts/", "/alerts/preferences/", "/alerts/badge/", "/alerts/latest/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")


# --- Marking read ------------------------------------------------------------------------------------


def test_marking_an_alert_read_with_htmx_swaps_its_row_and_updates_the_badge(alerted):
    liaison = alerted.partner_view_liaison
    alert = Notification.objects.filter(user=liaison).latest("id")
    response = signed_in(liaison).post(f"/alerts/{alert.pk}/read/", {"next": "/alerts/?show=unread"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="alert-{alert.pk}"' in html
    assert "Marked read" in html
    assert "alert-row--unread" not in html
    assert 'hx-swap-oob="true"' in html
    assert re.search(r'id="alert-badge"[^>]*>.*?1<span class="visually-hidden"> unread', html)
    alert.refresh_from_db()
    assert alert.read_at is not None


def test_marking_an_alert_read_without_htmx_goes_back_to_the_page_it_came_from(alerted):
    liaison = alerted.partner_view_liaison
    alert = Notification.objects.filter(user=liaison).latest("id")
    response = signed_in(liaison).post(f"/alerts/{alert.pk}/read/", {"next": "/alerts/?show=unread&page=1"})
    assert response.status_code == 302
    assert response["Location"] == "/alerts/?show=unread&page=1"
    offsite = signed_in(liaison).post(f"/alerts/{alert.pk}/read/", {"next": "https://evil.example/"})
    assert offsite["Location"] == "/alerts/"


def test_marking_someone_elses_alert_read_answers_404_and_changes_nothing(alerted):
    alert = Notification.objects.filter(user=alerted.partner_view_liaison).latest("id")
    for intruder in (alerted.partner_view_member, alerted.unrelated_admin):
        response = signed_in(intruder).post(f"/alerts/{alert.pk}/read/", **HTMX)
        assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.read_at is None
    assert signed_in(alerted.partner_view_liaison).post("/alerts/999999/read/").status_code == 404


def test_marking_read_is_post_only(alerted):
    alert = Notification.objects.filter(user=alerted.partner_view_liaison).latest("id")
    client = signed_in(alerted.partner_view_liaison)
    assert client.get(f"/alerts/{alert.pk}/read/").status_code == 405
    assert client.get("/alerts/read-all/").status_code == 405
    alert.refresh_from_db()
    assert alert.read_at is None


def test_mark_all_read_marks_only_my_alerts(alerted):
    liaison, officer = alerted.partner_view_liaison, alerted.partner_view_member
    response = signed_in(liaison).post("/alerts/read-all/", {"next": "/alerts/"}, follow=True)
    assert "Marked 2 alerts read." in response.content.decode()
    assert selectors.unread_count(user=liaison) == 0
    assert selectors.unread_count(user=officer) == 2


def test_marking_read_needs_the_csrf_token(alerted):
    alert = Notification.objects.filter(user=alerted.partner_view_liaison).latest("id")
    client = Client(enforce_csrf_checks=True)
    client.force_login(alerted.partner_view_liaison)
    assert client.post(f"/alerts/{alert.pk}/read/").status_code == 403
    assert client.post("/alerts/read-all/").status_code == 403
    assert selectors.unread_count(user=alerted.partner_view_liaison) == 2


# --- Polled fragments: the header badge and the dashboard's latest alerts ----------------------------


def test_the_badge_shows_the_unread_count_and_answers_204_while_it_is_unchanged(alerted):
    client = signed_in(alerted.partner_view_liaison)
    response = client.get("/alerts/badge/", HTTP_X_CONCORD_BACKGROUND="1", **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="alert-badge"' in html
    assert "2<span" in html
    assert "?n=2" in html
    assert client.get("/alerts/badge/?n=2", **HTMX).status_code == 204
    assert client.get("/alerts/badge/?n=1", **HTMX).status_code == 200


def test_the_latest_alerts_fragment_lists_five_and_answers_204_while_unchanged(county):
    add_alerts(county, 3)
    client = signed_in(county.partner_view_liaison)
    html = client.get("/alerts/latest/", **HTMX).content.decode()
    assert html.count('<li class="latest-alerts__item') == 5
    key = re.search(r'\?v=([0-9a-f]+)&amp;since=\d+"', html).group(1)
    assert client.get(f"/alerts/latest/?v={key}", **HTMX).status_code == 204
    client.post("/alerts/read-all/")
    assert client.get(f"/alerts/latest/?v={key}", **HTMX).status_code == 200


def test_polling_does_not_count_as_activity_for_the_idle_timeout(alerted):
    from portal.middleware import LAST_ACTIVITY_KEY

    client = signed_in(alerted.partner_view_liaison)
    client.get("/alerts/")
    earlier = int(time.time()) - 60
    session = client.session
    session[LAST_ACTIVITY_KEY] = earlier
    session.save()
    assert client.get("/alerts/badge/", HTTP_X_CONCORD_BACKGROUND="1", **HTMX).status_code == 200
    assert client.get("/alerts/latest/", HTTP_X_CONCORD_BACKGROUND="1", **HTMX).status_code == 200
    assert client.session[LAST_ACTIVITY_KEY] == earlier
    client.get("/alerts/")
    assert client.session[LAST_ACTIVITY_KEY] > earlier


def test_a_timed_out_poll_sends_the_page_to_sign_in_instead_of_swapping_it_in(alerted, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 1
    from portal.middleware import LAST_ACTIVITY_KEY

    client = signed_in(alerted.partner_view_liaison)
    client.get("/alerts/")
    session = client.session
    session[LAST_ACTIVITY_KEY] = 1000
    session.save()
    response = client.get(
        "/alerts/badge/?n=2", HTTP_X_CONCORD_BACKGROUND="1", HTTP_HX_CURRENT_URL="http://testserver/alerts/", **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/alerts/"
    assert response.content == b""


# --- Preferences -------------------------------------------------------------------------------------


def test_the_preferences_page_shows_every_event_type_with_the_role_default(county):
    html = signed_in(county.partner_view_liaison).get("/alerts/preferences/").content.decode()
    text = text_of(html)
    for event_type in EventType:
        assert event_type.label in text
    assert "default for your role ( Liaison )" in text
    assert "e-mailed immediately" in text
    assert text.count("Using default") == len(EventType)
    # Every control has a label.
    for control_id in re.findall(r'<(?:input|select)[^>]*id="([^"]+)"', html):
        assert f'for="{control_id}"' in html, control_id


def test_saving_preferences_stores_only_what_changed(county):
    liaison = county.partner_view_liaison
    client = signed_in(liaison)
    data = {}
    for row in selectors.preferences_of(user=liaison):
        prefix = row["event_type"].replace(".", "_")
        if row["in_app"]:
            data[f"{prefix}__in_app"] = "on"
        data[f"{prefix}__email"] = row["email"]
    data["comment_created__email"] = EmailChoice.DAILY
    data.pop("plan_unshared__in_app")
    response = client.post("/alerts/preferences/", data, follow=True)
    assert "Your alert preferences are saved." in response.content.decode()
    stored = {p.event_type: (p.in_app, p.email) for p in NotificationPreference.objects.filter(user=liaison)}
    assert stored == {
        EventType.COMMENT_CREATED: (True, EmailChoice.DAILY),
        EventType.PLAN_UNSHARED: (False, EmailChoice.IMMEDIATE),
    }
    text = text_of(client.get("/alerts/preferences/").content.decode())
    assert text.count("Your choice") == 2


def test_an_invalid_e_mail_choice_is_refused_next_to_the_field_and_nothing_is_saved(county):
    liaison = county.partner_view_liaison
    response = signed_in(liaison).post("/alerts/preferences/", {"version_published__email": "hourly"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert 'class="errorlist' in html
    assert not NotificationPreference.objects.filter(user=liaison).exists()


def test_preferences_decide_what_the_next_fan_out_creates(county):
    liaison = county.partner_view_liaison
    data = {}
    for row in selectors.preferences_of(user=liaison):
        prefix = row["event_type"].replace(".", "_")
        if row["in_app"] and row["event_type"] != EventType.VERSION_PUBLISHED:
            data[f"{prefix}__in_app"] = "on"
        data[f"{prefix}__email"] = row["email"]
    signed_in(liaison).post("/alerts/preferences/", data)
    fan_out_pending()
    titles = set(Notification.objects.filter(user=liaison).values_list("title", flat=True))
    assert titles == {"Maple Valley High crisis plan was shared with your agency"}


# --- In a real browser -------------------------------------------------------------------------------


def test_marking_one_then_all_alerts_read_in_the_browser(page, live_server, web_county, console_errors):
    add_alerts(web_county, 2)
    sign_in(page, live_server, "police_liaison")
    page.get_by_role("link", name=re.compile(r"^Alerts")).click()
    expect(page.get_by_role("heading", name="Alerts", level=1)).to_be_visible()
    expect(page.locator(".alert-row--unread")).to_have_count(6)
    expect(page.locator("#alert-badge")).to_have_text(re.compile(r"\b6\b"))
    screenshot(page, "alerts-desktop")

    page.get_by_role("button", name="Mark read: Annex 001: version 1 published").click()
    expect(page.get_by_text("Marked read")).to_be_focused()  # keyboard users keep their place
    expect(page.locator("#alert-badge")).to_have_text(re.compile(r"\b5\b"))
    expect(page.locator(".alert-row--unread")).to_have_count(5)
    expect(page.locator("#alert-badge")).to_have_text(re.compile(r"\b5\b"))

    page.get_by_role("button", name="Mark all read").click()
    expect(page.get_by_text("Marked 5 alerts read.")).to_be_visible()
    expect(page.locator(".alert-row--unread")).to_have_count(0)
    expect(page.locator("#alert-badge")).to_have_text(re.compile(r"\b0\b"))
    expect(page.get_by_role("button", name="Mark all read")).to_have_count(0)
    assert console_errors == []


def test_alerts_and_preferences_on_a_phone(page, live_server, web_county, console_errors):
    add_alerts(web_county, 2)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "police_liaison")
    page.goto(f"{live_server.url}/alerts/")
    expect(page.locator(".alert-row")).to_have_count(6)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "alerts-phone")

    page.get_by_role("link", name="Unread", exact=True).click()
    expect(page).to_have_url(re.compile(r"show=unread"))
    page.get_by_role("link", name="Alert preferences").click()
    expect(page.get_by_role("heading", name="Alert preferences", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("E-mail (Comment created)").select_option("daily")
    page.get_by_label("Show in Alerts (Plan unshared)").uncheck()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Your alert preferences are saved.")).to_be_visible()
    expect(page.get_by_label("E-mail (Comment created)")).to_have_value("daily")
    expect(page.get_by_label("Show in Alerts (Plan unshared)")).not_to_be_checked()
    screenshot(page, "alert-preferences-phone")
    assert console_errors == []

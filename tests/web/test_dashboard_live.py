"""Issue 13, item 8: a live alert on an open dashboard. The alert used to arrive four or five screens below the
fold on a phone and the rest of the dashboard stayed stale until reloaded: now the poll that brings it also shows
a notice at the top of the window ("New alert: … — View", a status region) and reads the panels again."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from playwright.sync_api import expect

from agencies.models import Role
from notifications.models import OutboxEvent
from notifications.services import outbox_event_fan_out
from plans import services as plan_services
from plans.models import ShareLevel
from portal.celery import app as celery_app
from tests.agencies.factories import member
from tests.conftest import web_client
from tests.dashboard import fragment_urls
from tests.plans.factories import make_plan, publish
from tests.web.conftest import DESKTOP, PHONE, SCREENSHOTS, sign_in

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_X_CONCORD_BACKGROUND": "1"}


@pytest.fixture
def eager_celery():
    """Tasks run in-process once the publish commits, as with no Redis (tests/notifications/test_eager.py)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def fan_out_pending() -> None:
    for event_id in OutboxEvent.objects.filter(dispatched_at__isnull=True).values_list("pk", flat=True):
        outbox_event_fan_out(event_id=event_id)


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    assert box is not None, "the element is not rendered"
    height = page.evaluate("window.innerHeight")
    return box["y"] >= 0 and box["y"] + box["height"] <= height


def more_partner_plans(county, count: int) -> None:
    """Plans of the fire district shared with the police, so the dashboard is a few screens long."""
    fire_admin = member(county.fire, Role.ADMIN, username="fire_admin")
    for n in range(count):
        plan = make_plan(owner=county.fire, actor=fire_admin, title=f"Station {n} staging plan")
        publish(plan, fire_admin, f"Stage on street {n}.")
        plan_services.plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=fire_admin)


# --- In the browser ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")])
def test_a_new_alert_shows_a_notice_at_the_top_and_refreshes_the_panels_without_a_reload(
    page, live_server, web_county, eager_celery, viewport, console_errors
):
    county = web_county
    more_partner_plans(county, 6)
    plan_services.plan_version_acknowledge(version=county.published, actor=county.partner_view_liaison)
    fan_out_pending()
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "police_liaison")
    partner_plans = page.locator("section[aria-labelledby=partner-plans-heading]")
    ours = partner_plans.locator("li", has_text="Maple Valley High crisis plan")
    expect(ours).to_contain_text("v1 published")
    expect(ours).to_contain_text("Acknowledged")
    notice = page.locator("#live-alert-notice")
    expect(notice).to_have_attribute("role", "status")
    expect(notice).to_be_empty()
    # Reading further down, as on a phone the alerts panel is screens below the fold.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
    page.evaluate("window.notReloaded = true")

    # The district publishes v2 through the service; the alert's fan-out runs (eagerly) once it commits.
    plan_services.plan_version_publish(version=county.draft, actor=county.owner_admin)

    expect(notice).to_contain_text("New alert: Maple Valley High crisis plan: version 2 published", timeout=10000)
    assert in_viewport(page, notice), "the new-alert notice is off-screen"
    assert notice.bounding_box()["y"] < 120, "the notice is not at the top of the window"
    expect(ours).to_contain_text("v2 published", timeout=5000)  # the partner-plans panel, read again
    expect(ours).to_contain_text("Updated — not yet acknowledged by you")
    assert page.evaluate("window.notReloaded === true"), "the page was reloaded"
    name = "dashboard-live-alert-phone" if viewport == PHONE else "dashboard-live-alert-desktop"
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))  # the window as the person sees it

    # Dismissed, it goes; View opens the plan.
    notice.get_by_role("button", name=re.compile("^Dismiss")).click()
    expect(notice).to_be_empty()
    alerts = page.locator("#latest-alerts")
    alerts.get_by_role("link", name="Maple Valley High crisis plan: version 2 published").click()
    expect(page).to_have_url(re.compile(rf"/plans/{county.plan.pk}/$"))
    assert console_errors == []


def test_the_notice_links_to_the_plan(page, live_server, web_county, eager_celery, console_errors):
    county = web_county
    fan_out_pending()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "police_liaison")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    plan_services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    notice = page.locator("#live-alert-notice")
    view = notice.get_by_role("link", name=re.compile("^View"))
    expect(view).to_be_visible(timeout=10000)
    view.click()
    expect(page).to_have_url(re.compile(rf"/plans/{county.plan.pk}/$"))
    assert console_errors == []


# --- The poll and the refresh, without a browser ----------------------------------------------------------------


def latest(client, **params):
    return client.get("/alerts/latest/", params, **HTMX)


def test_the_poll_adds_the_notice_and_the_refresh_event_only_for_an_alert_newer_than_the_page_had(county):
    fan_out_pending()
    client = web_client(county.partner_view_liaison)
    first = latest(client)
    key = re.search(r"\?v=([0-9a-f]+)&amp;since=(\d+)", first.content.decode())
    assert key, "the fragment polls with its key and the newest alert it shows"
    v, since = key.group(1), key.group(2)
    assert latest(client, v=v, since=since).status_code == 204  # nothing new: as cheap as before

    plan_services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    fan_out_pending()
    response = latest(client, v=v, since=since)
    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Trigger"] == "concord-new-alert"
    assert 'id="live-alert-notice" hx-swap-oob="innerHTML"' in html
    assert "New alert:</strong> Maple Valley High crisis plan: version 2 published" in html
    assert f'href="/plans/{county.plan.pk}/"' in html

    # Marking it read changes the list (re-rendered) but is no new alert: no notice, no refresh.
    client.post("/alerts/read-all/")
    response = latest(client, v=v, since=since)
    assert response.status_code == 200
    assert "HX-Trigger" not in response
    assert "live-alert-notice" not in response.content.decode()
    # Nor without `since` (a page from before this change) or with a bad one.
    for bad in ("", "x", "-1"):
        response = latest(client, v="old", since=bad)
        assert response.status_code == 200
        assert "HX-Trigger" not in response


def test_the_poll_reads_as_many_queries_with_the_notice_as_without(county):
    fan_out_pending()
    client = web_client(county.partner_view_liaison)
    latest(client)  # warm-up
    with CaptureQueriesContext(connection) as plain:
        latest(client, v="old", since="999999999")
    plan_services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    fan_out_pending()
    with CaptureQueriesContext(connection) as noticed:
        response = latest(client, v="old", since="0")
    assert "live-alert-notice" in response.content.decode()
    assert len(noticed) == len(plain)


def test_each_panel_is_read_again_when_the_poll_brings_a_new_alert(county):
    fan_out_pending()
    client = web_client(county.partner_view_liaison)
    page = client.get("/").content.decode()
    urls = fragment_urls(page)
    assert len(urls) == page.count('hx-trigger="load, concord-new-alert from:body"') == 4
    assert 'id="live-alert-notice"' in page
    partner_plans = next(url for url in urls if "partner-plans" in url)
    assert "v1 published" in client.get(partner_plans, **HTMX).content.decode()
    plan_services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    response = client.get(partner_plans, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "v2 published" in html
    assert 'id="latest-alerts"' not in html  # the alerts keep themselves up to date


def test_the_partner_plans_panel_reads_as_many_queries_for_5_and_50_plans(county):
    fan_out_pending()

    def count() -> int:
        client = web_client(county.partner_view_liaison)
        url = next(url for url in fragment_urls(client.get("/").content.decode()) if "partner-plans" in url)
        client.get(url, **HTMX)  # warm-up
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, **HTMX)
        assert response.status_code == 200
        return len(queries)

    more_partner_plans(county, 5)
    few = count()
    fire_admin = county.fire.memberships.get(role=Role.ADMIN).user
    for n in range(5, 50):
        plan = make_plan(owner=county.fire, actor=fire_admin, title=f"Station {n} staging plan")
        publish(plan, fire_admin, f"Stage on street {n}.")
        plan_services.plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=fire_admin)
    assert count() == few
    assert few <= 4

"""The journey of issue #4, end to end in two browsers, through the real alert pipeline (Redis + a worker).

A district coordinator edits the school plan and publishes v2; the police liaison's open dashboard
shows the alert without a reload; the liaison opens the diff, sees the changed section and
acknowledges; the coordinator's plan page then shows that the police acknowledged v2.
"""

import re

import pytest
from celery.contrib.testing.worker import start_worker
from playwright.sync_api import expect

from portal.celery import app as celery_app
from tests.web.conftest import PHONE, screenshot, sign_in


@pytest.fixture
def worker():
    """A real Celery worker on the test Redis, so the publish is fanned out as in production."""
    celery_app.control.purge()
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30) as started:
        yield started


def test_publish_alert_diff_acknowledge_journey(browser, live_server, web_county, worker):
    county = web_county
    coordinator = browser.new_context(viewport={"width": 1280, "height": 900})
    liaison = browser.new_context(viewport=PHONE)  # a liaison on a phone in a patrol car
    errors: list[str] = []
    for context in (coordinator, liaison):
        context.on("weberror", lambda error: errors.append(str(error.error)))
    coordinator_page, liaison_page = coordinator.new_page(), liaison.new_page()

    sign_in(liaison_page, live_server, "police_liaison")
    expect(liaison_page.get_by_role("heading", level=1)).to_have_text("Dashboard")

    sign_in(coordinator_page, live_server, "district_admin")
    coordinator_page.goto(f"{live_server.url}/plans/{county.plan.pk}/")
    coordinator_page.get_by_role("link", name="Edit draft").first.click()
    expect(coordinator_page.get_by_role("heading", level=1)).to_have_text("Edit draft v2")
    coordinator_page.get_by_label("Change summary").fill("Evacuation moved to the stadium.")
    coordinator_page.locator("#section-section-1 summary.edit-section__summary").click()  # sections open one by one
    coordinator_page.locator("#section-section-1").get_by_label("Text").fill(
        "Evacuate to the stadium, gate B. Teachers take attendance."
    )
    coordinator_page.get_by_role("button", name="Save draft").first.click()
    coordinator_page.get_by_role("link", name="Publish…").click()
    expect(coordinator_page.get_by_role("rowheader", name="Ridgeford Police")).to_be_visible()
    coordinator_page.get_by_role("button", name="Publish version 2").click()
    expect(coordinator_page).to_have_url(re.compile(rf"/plans/{county.plan.pk}/$"))

    # The liaison's dashboard, open all along, shows the alert within 5 seconds.
    alert = liaison_page.get_by_role("link", name=re.compile("version 2 published"))
    expect(alert).to_be_visible(timeout=5000)
    screenshot(liaison_page, "journey-alert-phone")

    alert.click()
    expect(liaison_page.get_by_role("heading", level=1)).to_have_text("Maple Valley High crisis plan")
    liaison_page.goto(f"{live_server.url}/plans/{county.plan.pk}/diff/")
    changed = liaison_page.locator("section", has_text="Section 1").filter(has_text="stadium").first
    expect(changed.locator("ins")).to_contain_text("stadium, gate B")
    expect(changed.locator("del")).to_contain_text("north field")
    expect(liaison_page.get_by_text(re.compile("[Cc]hanged")).first).to_be_visible()
    liaison_page.get_by_role("button", name="Acknowledge v2").first.click()
    expect(liaison_page.get_by_text(re.compile("acknowledged v2")).first).to_be_visible()

    coordinator_page.reload()
    expect(coordinator_page.get_by_role("row", name=re.compile(r"^Ridgeford Police v2\b"))).to_be_visible()
    screenshot(coordinator_page, "journey-acknowledged-desktop")
    assert errors == []
    coordinator.close()
    liaison.close()

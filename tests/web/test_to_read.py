"""Issue 15, item 2 in a real browser: police_officer opens "To read" on a phone and on a desktop, reads only what
changed since the version they last read, and acknowledges three plans in three clicks each at most (open,
acknowledge — the next one opens by itself)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from plans import services
from plans.models import Acknowledgement
from reading.models import ReadingObligation
from tests.plans.factories import make_plan, publish
from tests.reading.queue_scene import publish_next, require
from tests.web.conftest import DESKTOP, PHONE, screenshot, sign_in


def three_plans_to_read(county) -> list:
    """The county plan (read v1, v2 changed the evacuation), a drill plan (read v1, v2 added a section) and a
    bus plan never read; due in that order, the first overdue."""
    officer = county.partner_view_member
    services.plan_version_acknowledge(version=county.published, actor=officer)
    publish_next(county)
    drill = make_plan(owner=county.district, actor=county.owner_admin, title="Fire drill schedule")
    publish(drill, county.owner_admin, "Drills every month.")
    services.plan_share(plan=drill, agency=county.police, level="view", actor=county.owner_admin)
    drill.refresh_from_db()
    services.plan_version_acknowledge(version=drill.current_version, actor=officer)
    publish(drill, county.owner_admin, "Drills every month.", "Lockdown drills twice a year.")
    bus = make_plan(owner=county.district, actor=county.owner_admin, title="Bus evacuation plan")
    publish(bus, county.owner_admin, "Buses wait at gate 4.")
    services.plan_share(plan=bus, agency=county.police, level="view", actor=county.owner_admin)
    plans = [county.plan, drill, bus]
    for days, plan in zip((-2, 2, 10), plans, strict=True):
        require(county.police, plan)
        ReadingObligation.objects.filter(plan=plan).update(due_at=timezone.now() + timedelta(days=days))
    return plans


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_officer_reads_what_changed_and_acknowledges_three_plans_in_three_clicks_each(
    page, live_server, web_county, console_errors, viewport
):
    county = web_county
    plans = three_plans_to_read(county)
    name = "phone" if viewport == PHONE else "desktop"
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "police_officer")

    panel = page.locator("section[aria-labelledby=to-read-heading]")
    expect(panel).to_contain_text("3 plans to acknowledge")
    expect(panel).to_contain_text("Overdue by 2 days")
    expect(page.get_by_role("link", name="To read (3)")).to_be_visible()
    first_panel = page.locator("#dashboard-main section").first  # inside the lazily loaded group of panels
    expect(first_panel).to_have_attribute("aria-labelledby", "to-read-heading")
    if viewport == PHONE:  # the first thing on the phone: above the fold, before every other panel
        box = panel.bounding_box()
        assert box is not None
        assert box["y"] < PHONE["height"] / 2
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, f"to-read-dashboard-{name}")

    clicks = 1
    panel.get_by_role("link", name="Read Maple Valley High crisis plan").click()  # open
    expect(page.get_by_role("heading", level=1)).to_have_text("Maple Valley High crisis plan")
    expect(page.get_by_text("What changed since v1, the version you read")).to_be_visible()
    changed = page.locator("#change-section-1")
    expect(changed.locator("del")).to_have_text("north field.")
    expect(changed.locator("ins")).to_have_text("stadium.")
    expect(page.get_by_text("Lockdown: lock doors, lights off.")).to_have_count(0)  # unchanged: not to reread
    if viewport == PHONE:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, f"to-read-item-{name}")
    page.get_by_role("button", name="I have read version 2").click()
    clicks += 1
    assert clicks <= 3

    # The next item opened by itself: the drill plan, its new section only.
    expect(page.get_by_role("heading", level=1)).to_have_text("Fire drill schedule")
    expect(page.get_by_text("You acknowledged v2 of Maple Valley High crisis plan.")).to_be_visible()
    expect(page.locator("#change-section-2").locator("ins")).to_have_text("Lockdown drills twice a year.")
    page.get_by_role("button", name="I have read version 2").click()

    # The last: never read before, so the whole plan.
    expect(page.get_by_role("heading", level=1)).to_have_text("Bus evacuation plan")
    expect(page.get_by_text("You have not read a version of this plan yet")).to_be_visible()
    expect(page.get_by_text("Buses wait at gate 4.")).to_be_visible()
    page.get_by_role("button", name="I have read version 1").click()

    expect(page.get_by_text("All read: nothing left to acknowledge.")).to_be_visible()
    expect(page.get_by_role("heading", name="All read")).to_be_visible()
    screenshot(page, f"to-read-all-read-{name}")
    officer = county.partner_view_member
    acknowledged = set(Acknowledgement.objects.filter(user=officer).values_list("version__plan_id", "version__number"))
    assert acknowledged >= {(plans[0].pk, 2), (plans[1].pk, 2), (plans[2].pk, 1)}
    page.goto(f"{live_server.url}/")
    expect(page.locator("section[aria-labelledby=to-read-heading]")).to_have_count(0)
    expect(page.get_by_role("link", name="To read")).to_have_count(0)
    assert console_errors == []

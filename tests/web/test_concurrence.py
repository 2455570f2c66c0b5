"""In the browser: a partner's liaison records concurrence on the plan page; the owner sees it and prints it."""

from playwright.sync_api import expect

from reviews.models import Concurrence
from tests.reviews.concurrence_helpers import change_request
from tests.web.conftest import SCREENSHOTS, screenshot, sign_in


def screenshot_path(name: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def test_the_fire_liaison_concurs_and_the_district_admin_sees_it_on_the_plan_and_the_record(
    page, live_server, web_county, console_errors
):
    county = web_county
    change_request(county.plan, county.published, county.fire, county.partner_comment_liaison, body="Stage at lot B")
    change_request(county.plan, county.published, county.police, county.partner_view_liaison, body="Police only")
    plan_url = f"{live_server.url}/plans/{county.plan.pk}/"
    sign_in(page, live_server, "fire_liaison")
    page.goto(plan_url)
    panel = page.locator("#concurrence")
    expect(panel.get_by_role("heading", name="Concurrence with v1")).to_be_visible()
    expect(panel.get_by_text("Pending", exact=True)).to_be_visible()
    expect(panel.get_by_text("Stage at lot B")).to_be_visible()  # the fire district's open change request
    expect(panel.get_by_text("Police only")).to_have_count(0)
    panel.get_by_label("Concur", exact=True).check()
    panel.get_by_label("Note").fill("Reviewed with B shift; staging matches our run cards.")
    panel.screenshot(path=str(screenshot_path("concurrence-partner-form")))
    panel.get_by_role("button", name="Record concurrence").click()
    expect(page.get_by_text("Recorded for Ridgeford Fire: concur with v1.")).to_be_visible()
    expect(page.locator("#concurrence").get_by_text("Concurs", exact=True)).to_be_visible()
    assert Concurrence.objects.get().recorded_by == county.partner_comment_liaison

    page.context.clear_cookies()
    sign_in(page, live_server, "district_admin")
    page.goto(plan_url)
    status = page.locator("#concurrence")
    expect(status.get_by_role("heading", name="Partner concurrence with v1")).to_be_visible()
    fire = status.get_by_role("row", name="Ridgeford Fire")
    expect(fire).to_contain_text("Concurs")
    expect(fire).to_contain_text("fire_liaison")
    expect(status.get_by_role("row", name="Ridgeford Police")).to_contain_text("Pending")

    status.get_by_role("link", name="Concurrence record of every version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Concurrence record: Maple Valley High crisis plan")
    row = page.get_by_role("row", name="Ridgeford Fire")
    expect(row).to_contain_text("Concurs")
    expect(row).to_contain_text("staging matches our run cards")
    expect(page.get_by_role("link", name="Download CSV")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    screenshot(page, "concurrence-record-print")
    assert console_errors == []

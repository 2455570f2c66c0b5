"""In a real browser: a partner requests a change on a section; the owner's planner finds it in the next draft's
editor, beside that section, and resolves it."""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from plans import services as plan_services
from reviews.models import Comment
from reviews.services import comment_create
from tests.web.conftest import screenshot, sign_in


def plan_page(county) -> str:
    return f"/plans/{county.plan.pk}/"


def test_a_fire_liaison_requests_a_change_and_the_planner_resolves_it_in_the_next_draft(
    page, live_server, web_county, console_errors
):
    county = web_county
    plan_services.plan_version_publish(version=county.draft, actor=county.owner_admin)  # v2 is current
    sign_in(page, live_server, "fire_liaison")
    page.goto(f"{live_server.url}{plan_page(county)}")
    section = page.locator("#section-section-1")
    section.get_by_text("Comment on “Section 1” or request a change").click()
    section.get_by_label("Comment on “Section 1”").fill("Stage engines on Oak Street, not in the bus loop.")
    section.get_by_label("Request a change").check()
    section.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Change request sent to Maple Valley School District.")).to_be_visible()
    expect(page.locator("#section-section-1").get_by_text("Change request open")).to_be_visible()
    screenshot(page, "review-change-request")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, "district_planner")
    page.goto(f"{live_server.url}{plan_page(county)}")
    expect(page.get_by_role("link", name="1 open change request")).to_be_visible()
    page.get_by_role("link", name="Start a new draft").click()
    page.get_by_role("button", name="Start the draft").click()
    page.wait_for_url(re.compile(r".*/versions/3/edit/.*"))
    owed = page.locator("#section-section-1 .owed-requests")
    expect(owed).to_contain_text("Stage engines on Oak Street")
    side = page.locator("#change-requests")
    side.get_by_label("Resolution note (optional)").fill("Staging moved to Oak Street in v3.")
    side.get_by_role("button", name=re.compile("^Resolve")).click()
    expect(page.get_by_text("Change request from Ridgeford Fire resolved.")).to_be_visible()
    expect(page.locator("#change-requests")).to_contain_text("No open change requests.")
    assert Comment.objects.get().resolution_note == "Staging moved to Oak Street in v3."
    assert console_errors == []


def test_the_review_panels_have_no_wcag_violations(page, live_server, web_county):

    county = web_county
    fire = county.partner_comment_liaison
    start = comment_create(
        version=county.published,
        author=fire,
        body="Stage engines on **Oak Street**.",
        section_key="section-1",
        is_change_request=True,
    )
    planner = county.owner_planner
    comment_create(
        version=county.published,
        author=planner,
        body="Will do.",
        parent=start,
    )
    rules = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    found = {}
    for username, paths in (
        (
            "district_planner",
            [plan_page(county), f"{plan_page(county)}versions/1/", f"{plan_page(county)}versions/2/edit/", "/"],
        ),
        ("fire_liaison", [plan_page(county), "/plans/"]),
    ):
        sign_in(page, live_server, username)
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            page.locator("details").evaluate_all("nodes => nodes.forEach(n => n.open = true)")
            violations = Axe().run(page, options=rules).response["violations"]
            if violations:
                found[(username, path)] = [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in violations]
        page.get_by_role("button", name="Sign out").click()
    assert found == {}

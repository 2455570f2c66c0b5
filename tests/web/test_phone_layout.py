"""Issue 13, item 8: pages that must work on a 375 px phone — the publish confirmation does not scroll sideways,
and a building page's "Key sections" are links to those sections of the plan, not look-alike chips."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from plans.models import ShareLevel
from plans.services import plan_share, plan_version_publish
from tests.conftest import web_client
from tests.plans.factories import draft, make_plan
from tests.web.conftest import PHONE, screenshot, sign_in


def overflow(page) -> int:
    """How far the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_the_publish_confirmation_fits_a_phone_without_sideways_scrolling(
    page, live_server, web_county, console_errors
):
    county = web_county
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "district_admin")
    page.goto(f"{live_server.url}/plans/{county.plan.pk}/versions/{county.draft.number}/publish/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Publish version 2")
    expect(page.get_by_role("rowheader", name="Ridgeford Police")).to_be_visible()
    assert overflow(page) == 0, f"the publish confirmation scrolls sideways by {overflow(page)} px at 375 px"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    button = page.get_by_role("button", name="Publish version 2")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    screenshot(page, "publish-confirm-phone")
    assert console_errors == []


@pytest.fixture
def template_plan(county):
    """A published school EOP (the template's 24 sections) for the school, shared with the police."""
    plan = make_plan(owner=county.district, actor=county.owner_admin, title="Template plan", facilities=[county.school])
    plan_version_publish(version=draft(plan, county.owner_admin), actor=county.owner_admin)
    plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=county.owner_admin)
    return plan


def test_every_key_section_links_to_its_section_on_the_plan_page(county, template_plan):
    facility_url = reverse("agencies:facility-detail", kwargs={"facility_id": county.school.pk})
    client = web_client(county.partner_view_member)
    html = client.get(facility_url).content.decode()
    card = html.split(f'id="plan-{template_plan.pk}-title"', 1)[1].split("</article>", 1)[0]
    key_sections = card.split('class="key-sections"', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', key_sections)
    titles = [title for _, title in links]
    for expected in ("Functional annex: Lockdown", "Functional annex: Evacuation", "Threat annex: Active threat"):
        assert expected in titles
    plan_page = client.get(reverse("plans:detail", kwargs={"plan_id": template_plan.pk})).content.decode()
    for href, title in links:
        path, _, anchor = href.partition("#")
        assert path == reverse("plans:detail", kwargs={"plan_id": template_plan.pk})
        # The anchor is a section the reader sees on the plan page, headed by that title.
        heading = rf'<section class="section" id="{re.escape(anchor)}"[^>]*>\s*<h2[^>]*>{re.escape(title)}</h2>'
        assert re.search(heading, plan_page), title
    # "All 24 sections" lists links too.
    every = card.split('class="all-sections"', 1)[1].split("</details>", 1)[0]
    assert len(re.findall(r'<a href="/plans/\d+/#section-', every)) == 24


def test_on_a_phone_a_key_section_opens_that_section_of_the_plan(
    page, live_server, web_county, template_plan, console_errors
):
    county = web_county
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "police_officer")
    page.goto(f"{live_server.url}{reverse('agencies:facility-detail', kwargs={'facility_id': county.school.pk})}")
    card = page.locator(f"article[aria-labelledby=plan-{template_plan.pk}-title]")
    chip = card.locator(".key-sections").get_by_role("link", name="Functional annex: Lockdown")
    expect(chip).to_be_visible()
    box = chip.bounding_box()
    assert box is not None
    assert box["height"] >= 24, "a tap target this small is hard to hit"  # WCAG 2.2 target size (minimum)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    chip.click()
    expect(page).to_have_url(re.compile(rf"/plans/{template_plan.pk}/#section-annex-lockdown$"))
    heading = page.get_by_role("heading", name="Functional annex: Lockdown", level=2)
    expect(heading).to_be_in_viewport()
    assert console_errors == []

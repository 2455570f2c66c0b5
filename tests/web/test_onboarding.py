"""Issue 19, item 6, in a browser at desktop width and on a 375 px phone: the operator registers a fire district,
and an admin checks a roster row by row before inviting anyone."""

import re

import pytest
from playwright.sync_api import expect

from agencies.models import Agency, Membership
from tests.web.conftest import DESKTOP, PHONE, screenshot, sign_in

SIZES = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
ROSTER = (
    b"email,first_name,last_name,role\n"
    b"jordan@maple.example.org,Jordan,Lee,planner\n"
    b"not-an-address,Pat,Doe,member\n"
    b"jordan@maple.example.org,Jordan,Again,member\n"
)


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("size", SIZES)
def test_the_operator_registers_a_fire_district_and_invites_its_chief(
    page, live_server, web_county, console_errors, size
):
    page.set_viewport_size(size)
    sign_in(page, live_server, "operator")
    page.goto(f"{live_server.url}/agencies/")
    page.get_by_role("link", name="Onboard an agency").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Onboard an agency")
    page.get_by_label("Agency name").fill("Hill Fire District")
    page.get_by_label("Kind").select_option("fire")
    page.get_by_label("Jurisdiction").fill("Hill County")
    page.get_by_label("First admin's e-mail").fill("chief@hillfire.example.org")
    assert overflow(page) == 0
    page.get_by_role("button", name="Register and invite").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hill Fire District")
    expect(page.get_by_text("chief@hillfire.example.org was invited as its admin")).to_be_visible()
    district = Agency.objects.get(name="Hill Fire District")
    assert Membership.objects.get(agency=district).role == "admin"
    screenshot(page, f"onboarding-new-agency-{'phone' if size == PHONE else 'desktop'}")
    assert console_errors == []


@pytest.mark.parametrize("size", SIZES)
def test_an_admin_checks_the_roster_row_by_row_then_invites(page, live_server, web_county, console_errors, size):
    county = web_county
    page.set_viewport_size(size)
    sign_in(page, live_server, "district_admin")
    page.goto(f"{live_server.url}/agencies/{county.district.pk}/")
    page.get_by_role("link", name="Set up", exact=True).click()
    expect(page.get_by_role("heading", name="Getting started")).to_be_visible()
    assert overflow(page) == 0, f"the set-up page scrolls sideways by {overflow(page)} px"
    screenshot(page, f"onboarding-setup-{'phone' if size == PHONE else 'desktop'}")
    page.get_by_label("Roster (CSV)").set_input_files(
        files=[{"name": "roster.csv", "mimeType": "text/csv", "buffer": ROSTER}]
    )
    page.get_by_role("button", name="Check the roster").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the roster")
    expect(page.get_by_text("“not-an-address” is not an e-mail address.")).to_be_visible()
    expect(page.get_by_text("Duplicate row: the same e-mail address as line 2.")).to_be_visible()
    expect(page.get_by_text("will invite")).to_be_visible()
    assert overflow(page) == 0, f"the roster preview scrolls sideways by {overflow(page)} px"
    screenshot(page, f"onboarding-roster-preview-{'phone' if size == PHONE else 'desktop'}")
    assert not Membership.objects.filter(user__username="jordan@maple.example.org").exists()
    page.get_by_role("button", name=re.compile(r"Invite 1 and add 0")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Roster imported")
    expect(page.get_by_text("1 invited, 0 added with their account, 2 left out")).to_be_visible()
    assert Membership.objects.get(user__username="jordan@maple.example.org").role == "planner"
    assert console_errors == []

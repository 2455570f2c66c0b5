"""In a real browser: the district planner states the school's key facts in the draft editor, an admin
publishes, and the officer's view of the school shows them beside the fire district's."""

import re

from playwright.sync_api import expect

from agencies.models import Role
from consistency.fact_services import facility_facts_set
from plans import services
from plans.models import PlanKind, ShareLevel
from tests.agencies.factories import member
from tests.plans.factories import draft, make_plan
from tests.web.conftest import PHONE, screenshot, sign_in


def fire_plan_with_facts(county) -> None:
    """Ridgeford Fire's plan for the school, shared with the police and the district (which shares its own with the
    fire district, so the two plans are compared), stating its own staging and channel."""
    fire_admin = member(county.fire, Role.ADMIN, username="fire_admin")
    plan = make_plan(
        owner=county.fire,
        actor=fire_admin,
        title="Ridgeford Fire school response",
        kind=PlanKind.AGENCY_RESPONSE,
        facilities=[county.school],
    )
    version = draft(plan, fire_admin, "Engine 3 stages on Oak Avenue.")
    facility_facts_set(
        version=version,
        facility=county.school,
        facts={
            "staging_area": {"text": "Church lot, 400 Oak Ave", "latitude": 41.8832, "longitude": -87.6255},
            "command_post": "Engine 3 at the main entry",
            "radio_channel": "FD TAC-4",
        },
        actor=fire_admin,
    )
    services.plan_version_publish(version=version, actor=fire_admin)
    services.plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=fire_admin)
    services.plan_share(plan=plan, agency=county.district, level=ShareLevel.VIEW, actor=fire_admin)


def open_page(browser, errors: list[str]):
    """A fresh browser context (its own session) whose console errors and CSP violations land in `errors`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page


def test_planner_fills_key_facts_admin_publishes_and_the_facility_page_shows_them(browser, live_server, web_county):
    county = web_county
    fire_plan_with_facts(county)
    errors: list[str] = []
    planner, page = open_page(browser, errors)
    sign_in(page, live_server, "district_planner")
    page.goto(f"{live_server.url}/plans/{county.plan.pk}/versions/{county.draft.number}/edit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit draft v2")
    page.get_by_role("link", name="Key facts").click()
    school = page.locator(f"#facts-{county.school.pk}")
    expect(school.get_by_role("heading", level=3)).to_have_text("Maple Valley High")

    # A half-given coordinate pair and a bad phone are refused beside their fields; nothing is saved.
    reunification = school.get_by_role("group", name="Family reunification site")
    reunification.get_by_label("Where, in words").fill("Lincoln Middle School gym, 300 Elm St")
    reunification.get_by_label("Latitude").fill("41.8801")
    school.get_by_label("Primary radio channel or talkgroup").fill("FD TAC-3")
    school.get_by_label("On-site contact role").fill("Principal")
    school.get_by_label("On-site contact phone").fill("555-1234")
    school.get_by_role("button", name="Save key facts").click()
    school = page.locator(f"#facts-{county.school.pk}")
    expect(school.get_by_role("group", name="Family reunification site")).to_contain_text("Give the longitude too")
    expect(school).to_contain_text("Enter a phone number such as (217) 555-0142")

    school.get_by_role("group", name="Family reunification site").get_by_label("Longitude").fill("-87.6301")
    school.get_by_label("On-site contact phone").fill("(217) 555-0142")
    school.get_by_role("group", name="Staging area for responders").get_by_label("Where, in words").fill(
        "Bus loop on Elm Street"
    )
    school.get_by_role("button", name="Save key facts").click()
    expect(page.get_by_text("Saved the key facts for Maple Valley High.")).to_be_visible()
    expect(page.locator(f"#id_facts-{county.school.pk}-onsite_contact_phone")).to_have_value("+12175550142")
    planner.close()

    admin, page = open_page(browser, errors)
    sign_in(page, live_server, "district_admin")
    page.goto(f"{live_server.url}/plans/{county.plan.pk}/versions/{county.draft.number}/publish/")
    page.get_by_role("button", name="Publish version 2").click()
    expect(page).to_have_url(re.compile(rf"/plans/{county.plan.pk}/$"))
    facts = page.get_by_role("region", name="Key facts")
    expect(facts.get_by_role("row", name=re.compile("Family reunification site"))).to_contain_text(
        "Lincoln Middle School gym, 300 Elm St"
    )
    admin.close()

    officer, page = open_page(browser, errors)
    sign_in(page, live_server, "police_officer")
    page.goto(f"{live_server.url}/facilities/{county.school.pk}/")
    compared = page.get_by_role("region", name="Key facts, plan by plan")
    expect(compared.get_by_role("columnheader", name=re.compile("Maple Valley School District"))).to_be_visible()
    expect(compared.get_by_role("columnheader", name=re.compile("Ridgeford Fire"))).to_be_visible()
    expect(compared.get_by_role("row", name=re.compile("^Family reunification site"))).to_contain_text(
        "Lincoln Middle School gym, 300 Elm St"
    )
    staging = compared.get_by_role("row", name=re.compile("^Staging area"))
    expect(staging).to_contain_text("Bus loop on Elm Street")
    expect(staging).to_contain_text("Church lot, 400 Oak Ave")
    expect(compared.get_by_role("link", name="(217) 555-0142")).to_have_attribute("href", "tel:+12175550142")
    screenshot(page, "key-facts-facility-desktop")
    # On a phone the comparison scrolls inside its own box; the page itself never scrolls sideways.
    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.get_by_role("region", name="Key facts, plan by plan")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    officer.close()
    assert errors == []

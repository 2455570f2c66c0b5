"""The after-action report in the browser: on a desktop the district admin picks the plan an area for improvement
concerns and the section picker fills with that plan's sections (htmx); on a 375 px phone the exercise page and
the final report fit the screen, the improvement plan's table scrolling sideways inside its own table-wrap like
the portal's other tables, and the report offers its PDF."""

import re

from playwright.sync_api import expect

from tests.exercises.helpers import ExerciseScene
from tests.web.conftest import PHONE, screenshot, sign_in


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_the_section_picker_follows_the_chosen_plan(page, live_server, web_county, console_errors):
    scene = ExerciseScene(web_county)
    sign_in(page, live_server, "district_admin")
    page.goto(f"{live_server.url}/exercises/{scene.drafted.pk}/report/")
    section = page.get_by_label("Section it concerns")
    expect(section.locator("option")).to_have_count(1)  # only "—" before a plan is chosen
    page.get_by_label("Area for improvement").check()
    page.locator("#id_text").fill("Parents waited at the wrong door.")
    page.get_by_label("Plan it concerns").select_option(label="Maple Valley High crisis plan")
    expect(page.get_by_label("Section it concerns").locator("option")).to_have_count(3)
    page.get_by_label("Section it concerns").select_option(label="Section 2")
    screenshot(page, "exercise-finding-section-picker")
    page.get_by_role("button", name="Add the finding").click()
    expect(page.get_by_text("Finding added.")).to_be_visible()
    expect(page.get_by_text(re.compile("section “Section 2”"))).to_be_visible()
    assert console_errors == []


def test_the_exercise_pages_fit_a_phone(page, live_server, web_county, console_errors):
    scene = ExerciseScene(web_county)
    sign_in(page, live_server, "district_admin")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/exercises/{scene.reported.pk}/")
    expect(page.get_by_role("heading", name="Participating agencies and attendance")).to_be_visible()
    assert overflow(page) == 0, f"the exercise page scrolls sideways by {overflow(page)} px at 375 px"
    screenshot(page, "exercise-page-phone")
    page.goto(f"{live_server.url}/exercises/{scene.reported.pk}/report/")
    expect(page.get_by_role("heading", name="Improvement plan")).to_be_visible()
    expect(page.get_by_role("link", name="Download as PDF")).to_be_visible()
    assert overflow(page) == 0, f"the report scrolls sideways by {overflow(page)} px at 375 px"
    wrap = page.locator(".table-wrap", has=page.get_by_text("Rewrite the reunification steps"))
    assert wrap.evaluate("element => getComputedStyle(element).overflowX") == "auto"
    # The table keeps its columns and scrolls inside its wrap rather than pushing the page sideways.
    box = wrap.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    screenshot(page, "exercise-report-desktop")
    assert console_errors == []

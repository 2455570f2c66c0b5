"""Issue 17 in the browser: the district admin schedules a lockdown drill through the form (desktop); on a 375 px
phone the exercise page, its after-action report with the improvement plan and the corrective actions fit the
screen, overdue actions marked."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from exercises.models import Exercise
from tests.exercises.helpers import ExerciseScene
from tests.web.conftest import PHONE, screenshot, sign_in


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_the_district_schedules_a_drill_and_reads_its_report_on_a_phone(page, live_server, web_county, console_errors):
    county = web_county
    scene = ExerciseScene(county)
    sign_in(page, live_server, "district_admin")
    page.goto(f"{live_server.url}/exercises/new/")
    page.get_by_label("Title").fill("Fall lockdown drill")
    page.get_by_label("Kind of exercise").select_option("lockdown")
    start = timezone.localtime() + timedelta(days=10)
    page.get_by_label("Starts").fill(start.strftime("%Y-%m-%dT09:00"))
    page.get_by_label("Ends").fill(start.strftime("%Y-%m-%dT10:00"))
    page.get_by_label("Maple Valley High", exact=True).check()
    page.get_by_label("Ridgeford Police").check()
    page.get_by_label("Ridgeford Fire").check()
    page.get_by_label("Objectives").fill("Lock every classroom within three minutes")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_role("heading", name=re.compile("Fall lockdown drill"))).to_be_visible()
    drill = Exercise.objects.get(title="Fall lockdown drill")
    assert drill.participants.count() == 3

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/exercises/")
    expect(page.get_by_role("link", name="Fall lockdown drill")).to_be_visible()
    assert overflow(page) == 0, f"the exercise list scrolls sideways by {overflow(page)} px at 375 px"
    screenshot(page, "exercises-phone")
    page.goto(f"{live_server.url}/exercises/{scene.reported.pk}/report/")
    expect(page.get_by_role("heading", name="Improvement plan")).to_be_visible()
    expect(page.get_by_text("Rewrite the reunification steps")).to_be_visible()
    assert overflow(page) == 0, f"the report scrolls sideways by {overflow(page)} px at 375 px"
    screenshot(page, "exercise-report-phone")
    assert console_errors == []

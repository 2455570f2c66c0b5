"""Issue 15's "done means" in a real browser: the police admin sees which officers have not read the latest crisis
plan, and exports the evidence as a PDF; the pages work on a phone (tables stack into cards)."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.reading.compliance_scene import build
from tests.web.conftest import PASSWORD, PHONE, screenshot, sign_in


def test_the_police_admin_sees_who_has_not_read_the_crisis_plan_and_exports_the_evidence(
    page, live_server, web_county, tmp_path, console_errors
):
    scene = build(web_county)
    scene.police_admin.set_password(PASSWORD)
    scene.police_admin.save(update_fields=["password"])
    police = web_county.police

    sign_in(page, live_server, "police_admin")
    page.goto(f"{live_server.url}{reverse('agencies:detail', kwargs={'agency_id': police.pk})}")
    page.get_by_role("link", name="Who has read what").click()
    expect(page.get_by_role("heading", name=re.compile("Who has read what"))).to_be_visible()
    plan_row = page.get_by_role("row", name=re.compile("Maple Valley High crisis plan"))
    expect(plan_row).to_contain_text("1 of 8")
    screenshot(page, "reading-compliance")

    plan_row.get_by_role("link", name="Maple Valley High crisis plan").click()
    page.get_by_label("State").select_option(label="Overdue")
    page.get_by_role("button", name="Show").click()
    people = page.locator("tbody tr")
    expect(people).to_have_count(4)
    expect(people.first).to_contain_text("Ben Brown")
    expect(people.first).to_contain_text("Overdue 10 days")
    expect(page.get_by_text("Ada Adams")).to_have_count(0)
    screenshot(page, "reading-compliance-plan")

    page.set_viewport_size(PHONE)
    page.reload()
    expect(people).to_have_count(4)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
    screenshot(page, "reading-compliance-plan-phone")

    page.goto(f"{live_server.url}{reverse('reading-compliance', kwargs={'agency_id': police.pk})}")
    page.get_by_role("link", name="Export evidence").click()
    page.get_by_label("PDF (for the file)").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(path)
    assert path.name.startswith("reading-evidence-ridgeford-pd-")
    assert path.read_bytes().startswith(b"%PDF")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the evidence form scrolls sideways on a phone ({width}px)"
    screenshot(page, "reading-evidence-phone")
    assert console_errors == []

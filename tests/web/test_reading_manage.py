"""Issue 15, item 1: on a 375 px phone, a police liaison makes a group and requires a plan of it, in the browser."""

from playwright.sync_api import expect

from reading.models import ReadingObligation, ReadingRequirement
from tests.web.conftest import PHONE, sign_in


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_on_a_phone_a_liaison_creates_a_group_and_requires_a_shared_plan_of_it(
    page, live_server, web_county, console_errors
):
    county = web_county
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "police_liaison")
    page.goto(f"{live_server.url}/agencies/{county.police.pk}/")
    page.get_by_role("link", name="Required reading").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Required reading of Ridgeford Police")
    assert overflow(page) == 0, f"the reading page scrolls sideways by {overflow(page)} px at 375 px"

    page.get_by_label("Name").fill("School Resource Officers")
    page.get_by_role("button", name="Create group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("School Resource Officers")
    person = page.get_by_label("Person")
    person.press_sequentially("police_o")  # the field suggests matching people as one types
    expect(page.locator('#reading-people-options option[value="police_officer"]')).to_have_count(1)
    person.fill("police_officer")
    page.get_by_label("Supervisor").check()
    page.get_by_role("button", name="Add to School Resource Officers").click()
    expect(page.get_by_role("rowheader", name="police_officer")).to_be_visible()
    assert overflow(page) == 0, f"the group page scrolls sideways by {overflow(page)} px at 375 px"

    page.get_by_role("link", name="Required reading").click()
    page.locator("#id_plan").select_option(label="Maple Valley High crisis plan (Maple Valley School District)")
    page.get_by_role("radio", name="A group").check()
    page.locator("#id_group").select_option(label="School Resource Officers")
    page.get_by_label("Days to acknowledge").fill("7")
    page.get_by_role("button", name="Require this plan").click()
    expect(page.get_by_text("Maple Valley High crisis plan is now required reading.")).to_be_visible()
    row = page.locator("table.reading-requirements tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("School Resource Officers")
    assert overflow(page) == 0
    assert ReadingRequirement.objects.get().due_days == 7
    assert list(ReadingObligation.objects.values_list("user__username", flat=True)) == ["police_officer"]
    assert console_errors == []

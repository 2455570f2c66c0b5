"""Issue 13, items 3 and 11 in a real browser: a coordinator imports last year's plan from Word, edits one section
with the toolbar, sees it saved by itself, publishes (the editor saves first) and downloads the PDF and the Word
file with the edit in them; on a phone the editor fits and leaving with unsaved edits is warned."""

import re

from playwright.sync_api import expect

from plans.models import Plan, VersionState
from tests.plans.docx_files import docx_upload, simple_document
from tests.plans.export_helpers import pdf_pages, read_docx, squashed
from tests.web.conftest import PHONE, SCREENSHOTS, sign_in

SAVED = re.compile(r"^Saved \d\d:\d\d$")


def viewport_screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def last_years_plan() -> bytes:
    return simple_document(
        ("Basic plan", "Maple Valley High follows the district's emergency operations plan."),
        ("Evacuation", "Leave by the nearest exit and gather on the north field."),
        ("Family reunification", "Parents are sent to the reunification site by text message."),
    )


def body_of(plan: Plan, key: str) -> str:
    return plan.versions.get(number=1).sections.get(key=key).body


def test_import_edit_with_the_toolbar_autosave_publish_and_export(
    page, live_server, web_county, tmp_path, console_errors
):
    sign_in(page, live_server, "district_admin")
    page.goto(f"{live_server.url}/plans/import/")
    upload = docx_upload(last_years_plan(), "maple-valley-eop-2025.docx")
    page.get_by_label("Word document (.docx)").set_input_files(
        files=[{"name": upload.name, "mimeType": "application/octet-stream", "buffer": upload.read()}]
    )
    page.get_by_role("button", name="Import and create the draft").click()
    expect(page.get_by_text("Preview of draft v1")).to_be_visible()
    plan = Plan.objects.latest("id")

    # The draft opens in the editor: an outline of closed sections; the contents list opens just one.
    page.get_by_role("link", name="Back to the editor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit draft v1")
    sections = page.locator("details.edit-section")
    expect(sections).to_have_count(3)
    expect(page.locator("details.edit-section[open]")).to_have_count(0)
    page.get_by_role("navigation", name="Contents").get_by_role("link", name="Family reunification").click()
    reunification = page.locator("#section-family-reunification")
    expect(reunification).to_have_attribute("open", "")
    expect(page.locator("details.edit-section[open]")).to_have_count(1)

    # The toolbar: a bulleted list and bold text, typed where the cursor is.
    text = reunification.get_by_label("Text")
    text.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    reunification.get_by_role("button", name="Bulleted list").click()
    page.keyboard.type("Parents wait at the north gate")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    reunification.get_by_role("button", name="Bold").click()
    page.keyboard.type("Bring photo ID")
    status = page.locator("#autosave-status")
    expect(status).to_have_text(SAVED, timeout=10_000)
    saved = body_of(plan, "family-reunification")
    assert saved.startswith("Parents are sent to the reunification site by text message.\n\n- Parents wait")
    assert "- Parents wait at the north gate" in saved
    assert "**Bring photo ID**" in saved
    expect(reunification.locator(".edit-section__unsaved")).to_be_hidden()

    # A table skeleton from the Table button, then the screenshot of the editor for the README.
    page.keyboard.press("Control+End")
    reunification.get_by_role("button", name="Table").click()
    page.keyboard.type("Grade")  # over the first heading, which the button selects
    unsaved = reunification.locator(".edit-section__unsaved")
    expect(unsaved).to_be_visible()
    expect(unsaved).to_be_hidden(timeout=10_000)
    expect(status).to_have_text(SAVED)
    table = "**Bring photo ID**\n\n| Grade | Column 2 |\n| --- | --- |\n|  |  |\n"
    assert table in body_of(plan, "family-reunification")
    page.evaluate("document.getElementById('sections').scrollIntoView()")  # just under the sticky Save bar
    viewport_screenshot(page, "editor-desktop")

    # Typing, then Publish… at once: the editor saves first, never leaving the edit behind.
    text.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("Staff release students one by one.")
    page.get_by_role("link", name="Publish…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Publish version 1")
    assert body_of(plan, "family-reunification").endswith("Staff release students one by one.")
    page.get_by_role("button", name="Publish version 1").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))
    plan.refresh_from_db()
    assert plan.current_version.number == 1
    assert plan.current_version.state == VersionState.PUBLISHED

    # The edit is in both exports.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    pdf_path = tmp_path / "plan.pdf"
    download_info.value.save_as(pdf_path)
    pdf_text = squashed(" ".join(pdf_pages(pdf_path.read_bytes())))
    assert "Parents wait at the north gate" in pdf_text
    assert "Bring photo ID" in pdf_text
    assert "Grade Column 2" in pdf_text
    assert "**" not in pdf_text  # rendered bold, not Markdown marks
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download Word").click()
    word_path = tmp_path / "plan.docx"
    download_info.value.save_as(word_path)
    paragraphs = [p.text for p in read_docx(word_path.read_bytes()).paragraphs]
    assert "Parents wait at the north gate" in paragraphs
    assert console_errors == []


def test_on_a_phone_the_editor_fits_and_leaving_with_unsaved_edits_is_warned(
    page, live_server, web_county, console_errors
):
    county = web_county
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "district_planner")
    page.goto(f"{live_server.url}/plans/{county.plan.pk}/versions/{county.draft.number}/edit/#section-section-1")
    section = page.locator("#section-section-1")
    expect(section).to_have_attribute("open", "")
    toolbar = section.get_by_role("toolbar")
    expect(toolbar.get_by_role("button")).to_have_count(8)
    for button in toolbar.get_by_role("button").all():
        box = button.bounding_box()
        assert box is not None
        assert box["x"] >= 0, "a toolbar button is off the screen"
        assert box["x"] + box["width"] <= PHONE["width"], "a toolbar button is off the screen"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the editor scrolls sideways at {PHONE['width']} px ({width} px)"

    section.get_by_label("Text").click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    section.get_by_role("button", name="Numbered list").click()
    page.keyboard.type("Call 911")
    expect(page.locator("#autosave-status")).to_have_text(SAVED, timeout=10_000)
    assert county.draft.sections.get(key="section-1").body == "Evacuate to the stadium.\n\n1. Call 911"
    page.evaluate("document.getElementById('sections').scrollIntoView()")  # just under the sticky Save bar
    viewport_screenshot(page, "editor-phone")

    # Typed and gone at once, before the autosave: the browser asks first.
    section.get_by_label("Text").type(" and the school office")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert console_errors == []

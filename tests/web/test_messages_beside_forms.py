"""Issue 13, item 5: after acknowledging, commenting or recording concurrence the page opens at the form, so its
success or error message is shown there, in view (at 375 px and on a desktop), and a refused concurrence keeps
the person's choice and text."""

import re

import pytest
from playwright.sync_api import expect

from plans import services as plan_services
from plans.models import Acknowledgement, PlanKind
from plans.section_outlines import default_sections
from reviews.models import Comment, Concurrence
from tests.conftest import web_client
from tests.plans.factories import draft
from tests.web.conftest import DESKTOP, PHONE, SCREENSHOTS, sign_in

VIEWPORTS = [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")]


def in_viewport(page, locator) -> bool:
    """Whether the element is wholly inside the window as it is scrolled now."""
    box = locator.bounding_box()
    assert box is not None, "the element is not rendered"
    size = page.evaluate("({width: window.innerWidth, height: window.innerHeight})")
    return box["y"] >= 0 and box["y"] + box["height"] <= size["height"] and box["x"] + box["width"] <= size["width"]


def focused_text(page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.innerText : ''")


@pytest.fixture
def long_plan(web_county):
    """v2 of the county plan is the school EOP template's 24 sections, so the plan page is many screens long."""
    county = web_county
    county.draft.delete()
    long_draft = plan_services.plan_version_create_draft(
        plan=county.plan, actor=county.owner_admin, sections=default_sections(plan_kind=PlanKind.SCHOOL_EOP)
    )
    plan_services.plan_version_publish(version=long_draft, actor=county.owner_admin)
    county.plan.refresh_from_db()
    return county


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_acknowledgement_message_is_shown_beside_the_button_in_view(
    page, live_server, long_plan, viewport, console_errors
):
    county = long_plan
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "police_liaison")
    page.goto(f"{live_server.url}/plans/{county.plan.pk}/")
    page.get_by_role("button", name="Acknowledge v2").click()
    expect(page).to_have_url(re.compile(rf"/plans/{county.plan.pk}/#acknowledge$"))
    message = page.get_by_text("You acknowledged v2 of Maple Valley High crisis plan.")
    expect(message).to_be_visible()
    assert in_viewport(page, message), "the acknowledgement's message is off-screen"
    assert page.evaluate("window.scrollY") > 0  # the page did open at the panel, below the top
    panel = page.locator("#acknowledge")
    expect(panel.get_by_role("status")).to_contain_text("You acknowledged v2")
    assert "You acknowledged v2" in focused_text(page)  # read out by a screen reader
    expect(page.locator(".messages")).to_have_count(0)  # not repeated at the top of the page
    assert Acknowledgement.objects.filter(user=county.partner_view_liaison, version__number=2).exists()
    assert console_errors == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_posted_comment_says_so_beside_the_comment_in_view(page, live_server, long_plan, viewport, console_errors):
    county = long_plan
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "fire_liaison")
    page.goto(f"{live_server.url}/plans/{county.plan.pk}/")
    section = page.locator("#section-annex-lockdown")
    section.locator("summary", has_text="Comment on").click()
    section.get_by_label("Comment on “Functional annex: Lockdown”").fill("Our crews enter by the gym doors.")
    section.get_by_role("button", name="Post comment").click()
    comment = Comment.objects.get()
    expect(page).to_have_url(re.compile(rf"#comment-{comment.pk}$"))
    message = page.get_by_text("Comment posted.")
    expect(message).to_be_visible()
    assert in_viewport(page, message), "the comment's message is off-screen"
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("Our crews enter by the gym doors.")
    assert "Comment posted." in focused_text(page)
    assert console_errors == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_refused_comment_says_why_beside_its_section(page, live_server, long_plan, viewport, console_errors):
    county = long_plan
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "fire_liaison")
    page.goto(f"{live_server.url}/plans/{county.plan.pk}/")
    section = page.locator("#section-annex-evacuation")
    section.locator("summary", has_text="Comment on").click()
    section.get_by_label("Comment on “Functional annex: Evacuation”").fill("   ")  # the browser lets spaces through
    section.get_by_role("button", name="Post comment").click()
    expect(page).to_have_url(re.compile(r"#comments-annex-evacuation$"))
    message = page.locator("#comments-annex-evacuation").get_by_role("status")
    expect(message).to_contain_text("The comment was not posted")
    assert in_viewport(page, message)
    assert not Comment.objects.exists()
    assert console_errors == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_recorded_concurrence_is_confirmed_beside_the_form_in_view(
    page, live_server, long_plan, viewport, console_errors
):
    county = long_plan
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "fire_liaison")
    page.goto(f"{live_server.url}/plans/{county.plan.pk}/")
    panel = page.locator("#concurrence")
    panel.get_by_label("Concur", exact=True).check()
    panel.get_by_role("button", name="Record concurrence").click()
    message = page.get_by_text("Recorded for Ridgeford Fire: concur with v2.")
    expect(message).to_be_visible()
    assert in_viewport(page, message), "the concurrence message is off-screen"
    assert Concurrence.objects.get().outcome == "concur"
    assert console_errors == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_refused_concurrence_keeps_the_choice_and_the_note_and_says_why_in_view(
    page, live_server, long_plan, viewport, console_errors
):
    county = long_plan
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "fire_liaison")
    page.goto(f"{live_server.url}/plans/{county.plan.pk}/")
    panel = page.locator("#concurrence")

    # Changes requested with no note and no change request on file: refused, the choice stays.
    panel.get_by_label("Changes requested", exact=True).check()
    panel.get_by_role("button", name="Record concurrence").click()
    message = page.get_by_text("Say which changes you request")
    expect(message.first).to_be_visible()
    assert in_viewport(page, page.locator("#concurrence-messages")), "the concurrence error is off-screen"
    assert "Say which changes you request" in focused_text(page)
    expect(panel.get_by_label("Changes requested", exact=True)).to_be_checked()
    expect(panel.get_by_label("Note")).to_have_attribute("aria-invalid", "true")
    # What the person sees, not the whole 24-section page.
    name = "concurrence-error-phone" if page.viewport_size == PHONE else "concurrence-error-desktop"
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))

    # A note written, then a new version is published while the liaison reads: refused, choice and note kept.
    panel.get_by_label("Note").fill("Staging must move to lot B before we can concur.")
    v3 = draft(county.plan, county.owner_planner, "Evacuate to lot B.")
    plan_services.plan_version_publish(version=v3, actor=county.owner_admin)
    panel.get_by_role("button", name="Record concurrence").click()
    expect(page.get_by_text("v3 was published while you were reading v2")).to_be_visible()
    assert in_viewport(page, page.locator("#concurrence-messages"))
    expect(panel.get_by_label("Changes requested", exact=True)).to_be_checked()
    expect(panel.get_by_label("Note")).to_have_value("Staging must move to lot B before we can concur.")
    expect(panel.get_by_role("heading", name="Concurrence with v3")).to_be_visible()
    assert not Concurrence.objects.exists()

    # Sent again, it is recorded for the version now current.
    panel.get_by_role("button", name="Record concurrence").click()
    expect(page.get_by_text("Recorded for Ridgeford Fire: changes requested with v3.")).to_be_visible()
    row = Concurrence.objects.get()
    assert (row.version.number, row.outcome, row.note) == (
        3,
        "changes_requested",
        "Staging must move to lot B before we can concur.",
    )
    assert console_errors == []


# --- Without a browser: where each message goes, and what a refused form keeps ---------------------------------


def region(html: str, place: str) -> str:
    """The text of the message region beside the element with id `place`, or "" when there is none."""
    match = re.search(
        rf'<div class="place-messages" id="{re.escape(place)}-messages" role="status"[^>]*>(.*?)</div>', html, re.S
    )
    return re.sub(r"<[^>]+>", " ", match.group(1)) if match else ""


def top_messages(html: str) -> str:
    match = re.search(r'<ul class="messages" role="status">(.*?)</ul>', html, re.S)
    return re.sub(r"<[^>]+>", " ", match.group(1)) if match else ""


def test_an_acknowledgement_says_so_in_its_panel_and_only_there(county):
    client = web_client(county.partner_view_member)
    response = client.post(f"/plans/{county.plan.pk}/acknowledge/", {"version": 1}, follow=True)
    html = response.content.decode()
    assert "You acknowledged v1 of Maple Valley High crisis plan." in region(html, "acknowledge")
    assert top_messages(html) == ""
    # Sent elsewhere (a `next` without the panel), the message is at the top of that page instead.
    response = client.post(f"/plans/{county.plan.pk}/acknowledge/", {"version": 1, "next": "/plans/"}, follow=True)
    assert "You acknowledged v1" in top_messages(response.content.decode())


def test_sharing_messages_are_shown_in_the_sharing_panel(county):
    client = web_client(county.owner_admin)
    response = client.post(f"/plans/{county.plan.pk}/share/", {"agency": county.unrelated.pk, "level": "view"})
    assert response["Location"].endswith("#sharing")
    html = client.get(response["Location"]).content.decode()
    assert "Shared with Far County Sheriff (view)." in region(html, "sharing")
    assert top_messages(html) == ""


def test_a_refused_concurrence_comes_back_with_the_choice_and_the_note_once(county):
    client = web_client(county.partner_comment_liaison)
    url = f"/plans/{county.plan.pk}/concurrence/"
    v2 = county.draft
    plan_services.plan_version_publish(version=v2, actor=county.owner_admin)  # published while the fire reads v1
    response = client.post(url, {"version": 1, "outcome": "changes_requested", "note": "Move staging to lot B."})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/plans/{county.plan.pk}/#concurrence")
    assert not Concurrence.objects.exists()
    html = client.get(response["Location"]).content.decode()
    assert "v2 was published while you were reading v1" in region(html, "concurrence")
    assert re.search(r'<input type="radio" name="outcome" value="changes_requested"[^>]*checked', html)
    assert "Move staging to lot B.</textarea>" in html
    assert 'name="version" value="2"' in html  # sent again, it is for the version now current
    # Once: the next visit shows an empty form.
    html = client.get(f"/plans/{county.plan.pk}/").content.decode()
    assert not re.search(r'value="changes_requested"[^>]*checked', html)
    assert "Move staging to lot B." not in html


def test_a_concurrence_error_is_shown_at_its_field(county):
    client = web_client(county.partner_comment_liaison)
    response = client.post(f"/plans/{county.plan.pk}/concurrence/", {"version": 1, "outcome": "changes_requested"})
    html = client.get(response["Location"]).content.decode()
    note = html.split('id="concurrence-note-error"', 1)[1].split("</div>", 1)[0]
    assert "Say which changes you request" in note
    textarea = re.search(r'<textarea name="note"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in textarea
    assert 'aria-describedby="concurrence-note-error concurrence-note-help"' in textarea


def test_kept_input_older_than_the_limit_is_not_brought_back(county):
    from reviews.concurrence_context import KEPT_SECONDS

    client = web_client(county.partner_comment_liaison)
    client.post(f"/plans/{county.plan.pk}/concurrence/", {"version": 1, "outcome": "changes_requested"})
    session = client.session
    session[f"concurrence-form-{county.plan.pk}"]["at"] -= KEPT_SECONDS + 1  # they went elsewhere for a while
    session.save()
    html = client.get(f"/plans/{county.plan.pk}/").content.decode()
    assert not re.search(r'value="changes_requested"[^>]*checked', html)

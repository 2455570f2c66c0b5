"""The "What changed" page (issue 13, item 4): changed key facts first, then sections as readable text with the
changes marked (never raw Markdown), then attachments added and removed; on a desktop and at 375 px."""

import re

from django.contrib.auth import get_user_model
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test.utils import CaptureQueriesContext
from playwright.sync_api import expect

from consistency.fact_services import facility_facts_set
from plans import services
from tests.conftest import web_client
from tests.plans.change_scenario import NEW_SITE, OLD_SITE, attach, reunification_moved
from tests.web.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.web.test_accessibility import violations_on

User = get_user_model()


def diff_page(user, plan, **query) -> str:
    response = web_client(user).get(f"/plans/{plan.pk}/diff/", query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def test_moving_the_reunification_site_shows_first_then_sections_then_attachments(county):
    moved = reunification_moved(county)

    page = diff_page(county.partner_view_liaison, county.plan, **{"from": moved.before.number})

    facts = page.index('id="changed-facts"')
    sections = page.index('id="change-family-reunification"')
    attachments = page.index('id="changed-attachments"')
    assert facts < sections < attachments
    row = page.split(f'id="fact-{county.school.pk}-reunification_site"', 1)[1].split("</tr>", 1)[0]
    assert "Family reunification site" in row
    assert "Changed" in row
    assert row.index(OLD_SITE) < row.index(NEW_SITE)
    assert re.search(rf"<del>\s*{re.escape(OLD_SITE)}", row)
    assert re.search(rf"<ins>\s*{re.escape(NEW_SITE)}", row)
    assert "41.8801, -87.6301" in row
    assert "Radio channel" not in page.split('id="changed-facts"', 1)[1].split("</section>", 1)[0]  # unchanged
    assert "Key facts</a>: 1 changed" in page


def test_a_section_edit_reads_as_text_with_the_changes_marked_not_markdown(county):
    moved = reunification_moved(county)

    page = diff_page(county.partner_view_liaison, county.plan, **{"from": moved.before.number})

    section = page.split('id="change-family-reunification"', 1)[1].split("</section>", 1)[0]
    assert "**" not in section
    assert "| ---" not in section
    assert "| Role" not in section
    assert "<table>" in section
    assert re.search(r"<del>\s*<strong>Lincoln Middle School gym</strong>", section)
    assert re.search(r"<ins>\s*<strong>Fairbrook Recreation Center</strong>", section)
    assert "<del>Principal</del> <ins>Assistant principal</ins>" in section
    assert '<tr class="diff-row--added"><td><ins>Medical</ins></td><td><ins>School nurse</ins></td></tr>' in section
    assert "<li><ins>Wait in the lobby until called</ins></li>" in section
    # The unchanged section is listed as such, not shown as a change.
    assert 'id="change-evacuation"' not in page
    assert "Unchanged</span> Evacuation" in page


def test_attachments_added_and_removed_are_listed_with_their_sizes(county):
    moved = reunification_moved(county)
    added = moved.after.attachments.get()
    removed = moved.before.attachments.get()

    page = diff_page(county.partner_view_liaison, county.plan, **{"from": moved.before.number})

    files = page.split('id="changed-attachments"', 1)[1].split("</section>", 1)[0]
    assert re.search(r'tag--ok">Added</span> <a href="[^"]+">reunification-map.pdf</a>', files)
    assert re.search(r'tag--bad">Removed</span> <a href="[^"]+">old-map.pdf</a>', files)
    assert f"PDF, {filesizeformat(added.size)}" in files
    assert f"PDF, {filesizeformat(removed.size)}" in files
    assert "2.1\xa0KB" in files
    assert f"/plans/{county.plan.pk}/versions/{moved.after.number}/attachments/{added.pk}/download/" in files
    assert "Attachments</a>: 1 added · 1 removed" in page


def test_the_page_makes_as_many_queries_for_many_changes_as_for_one(county, django_assert_max_num_queries):
    moved = reunification_moved(county)
    url = f"/plans/{county.plan.pk}/diff/"
    client = web_client(county.partner_view_liaison)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    few = len(queries)

    many = services.plan_version_create_draft(
        plan=county.plan,
        actor=county.owner_planner,
        sections=[
            {"key": f"s{i}", "title": f"Section {i}", "body": f"| a | b |\n|---|---|\n| {i} | **x** |"}
            for i in range(30)
        ],
    )
    facility_facts_set(
        version=many,
        facility=county.school,
        facts={"command_post": "Front office", "staging_area": "Lot B", "knox_box": "North door", "main_entry": "A"},
        actor=county.owner_planner,
    )
    for i in range(8):
        attach(many, county.owner_planner, f"map-{i}.pdf", size=i)
    services.plan_version_publish(version=many, actor=county.owner_admin)
    client = web_client(User.objects.get(pk=county.partner_view_liaison.pk))
    with django_assert_max_num_queries(few):
        page = client.get(url, {"from": moved.after.number}).content.decode()
    assert page.count('class="section diff-section') == 32
    assert page.count('tag--ok">Added</span> <a') == 8


# --- in a real browser -------------------------------------------------------------------------------------------


def _open_the_change(page, live_server, county, moved) -> None:
    sign_in(page, live_server, "police_liaison")
    page.goto(f"{live_server.url}/plans/{county.plan.pk}/")
    page.get_by_role("link", name="What changed", exact=True).click()
    expect(page.get_by_text(f"Changes since v{moved.before.number}")).to_be_visible()


def test_a_partner_sees_the_moved_site_first_and_the_edit_as_marked_text(page, live_server, web_county, console_errors):
    county = web_county
    moved = reunification_moved(county)
    services.plan_version_acknowledge(version=moved.before, actor=county.partner_view_liaison)
    page.set_viewport_size(DESKTOP)
    _open_the_change(page, live_server, county, moved)

    headings = page.locator("main h2").all_inner_texts()
    assert headings[0] == "Key facts"
    assert headings.index("Key facts") < headings.index("Changed Family reunification") < headings.index("Attachments")
    fact = page.locator(f"#fact-{county.school.pk}-reunification_site")
    expect(fact.locator("del")).to_contain_text(OLD_SITE)
    expect(fact.locator("ins")).to_contain_text(NEW_SITE)
    section = page.locator("#change-family-reunification")
    expect(section.locator("strong").first).to_be_visible()
    expect(section).not_to_contain_text("**")
    expect(section.get_by_role("table")).to_be_visible()
    expect(section.get_by_role("cell", name="Assistant principal")).to_be_visible()
    # Not colour alone: struck through and underlined, and named for screen readers.
    deleted, inserted = section.locator("del").first, section.locator("ins").first
    assert "line-through" in deleted.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert "underline" in inserted.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert "removed" in deleted.evaluate("e => getComputedStyle(e, '::before').content")
    assert "added" in inserted.evaluate("e => getComputedStyle(e, '::before').content")
    files = page.locator("#changed-attachments")
    expect(files.get_by_role("link", name="reunification-map.pdf")).to_be_visible()
    expect(files.get_by_role("link", name="old-map.pdf")).to_be_visible()
    screenshot(page, "diff-desktop")
    assert violations_on(page) == []
    assert console_errors == []


def test_what_changed_reads_on_a_phone_without_sideways_scrolling(page, live_server, web_county, console_errors):
    county = web_county
    moved = reunification_moved(county)
    page.set_viewport_size(PHONE)
    _open_the_change(page, live_server, county, moved)

    expect(page.locator(f"#fact-{county.school.pk}-reunification_site")).to_contain_text(NEW_SITE)
    expect(page.locator("#change-family-reunification").get_by_role("table")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "diff-phone")
    assert violations_on(page) == []
    assert console_errors == []

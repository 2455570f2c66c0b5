"""Plan sections render lists the way their writers typed them, and stay exactly as sanitized as before.

Writers type a list straight under its lead-in line ("Responding units:" then "- Police staging: …"), with no
blank line between: that must be a list, not one run-on paragraph, on every page that shows a section.
"""

import random
import re

import pytest

from plans import services
from plans.management.demo import agency_text, key_facts, school_text
from plans.management.demo.county import school_facts
from portal.markdown import render_markdown
from tests.conftest import web_client

# A line that opens a list item: "- ", "* ", "+ ", "1. " or "1) ", after any indentation.
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def items(html: str) -> list[str]:
    return re.findall(r"<li>(.*?)</li>", html, flags=re.DOTALL)


def test_a_list_right_after_a_line_renders_as_a_list():
    html = str(render_markdown("Responding units:\n- Police staging: west lot\n- Fire staging: front circle"))
    assert "<p>Responding units:</p>" in html
    assert "<ul>" in html
    assert items(html) == ["Police staging: west lot", "Fire staging: front circle"]


def test_a_numbered_list_right_after_a_line_renders_as_a_numbered_list():
    html = str(render_markdown("When the alarm sounds:\n1. Call 911.\n2. Take the roster.\n3. Close the door."))
    assert "<p>When the alarm sounds:</p>" in html
    assert "<ol>" in html
    assert items(html) == ["Call 911.", "Take the roster.", "Close the door."]


def test_a_numbered_list_keeps_its_first_number():
    html = str(render_markdown("Steps:\n\n3. Account for students.\n4. Reunify."))
    assert '<ol start="3">' in html


@pytest.mark.parametrize("indent", ["  ", "    "], ids=["two-spaces", "four-spaces"])
def test_nested_lists_render_nested(indent):
    text = f"Roles:\n- Staff\n{indent}- Teachers\n{indent}- Custodians\n- Students"
    html = str(render_markdown(text))
    assert re.search(r"<li>Staff\s*<ul>\s*<li>Teachers</li>\s*<li>Custodians</li>\s*</ul>\s*</li>", html), html
    assert re.search(r"</ul>\s*</li>\s*<li>Students</li>\s*</ul>", html), html


def test_a_numbered_list_with_bullets_under_an_item():
    html = str(render_markdown("1. Evacuate\n   - Take the roster\n2. Account for everyone"))
    assert re.search(r"<ol>\s*<li>Evacuate\s*<ul>\s*<li>Take the roster</li>\s*</ul>\s*</li>", html), html


def test_tables_emphasis_and_links_still_render():
    html = str(
        render_markdown("**Lock** the *doors*.\n\n| A | B |\n| --- | --- |\n| 1 | 2 |\n\n[map](https://example.org/m)")
    )
    assert "<strong>Lock</strong>" in html
    assert "<em>doors</em>" in html
    assert "<table>" in html
    assert "<td>1</td>" in html
    assert '<a href="https://example.org/m" rel="noopener noreferrer">map</a>' in html


def test_sanitizing_is_as_strict_as_before():
    text = (
        "<script>alert(1)</script>\n\n"
        '<img src="x" onerror="alert(2)">\n\n'
        '<p onclick="alert(3)" style="color:red">styled</p>\n\n'
        "[call](javascript:alert(4))\n\n"
        '<a href="data:text/html,boom">data</a>\n\n'
        '<iframe src="https://example.org"></iframe>\n\n'
        "- item <b>bold</b>"
    )
    html = str(render_markdown(text))
    for forbidden in ("<script", "alert(1)", "<img", "onerror", "onclick", "style=", "javascript:", "data:", "<iframe"):
        assert forbidden not in html
    assert "<li>item <b>bold</b></li>" in html


# -- the demo county's text ------------------------------------------------------------------------------------


def demo_school_plans() -> list[list[dict[str, str]]]:
    """The sections of the 19 demo school plans."""
    facts = school_facts(random.Random(0))  # noqa: S311 - repeatable demo facts, no secret
    return [school_text.school_sections(f, sro="Officer Demo", history=["Annual review"]) for f in facts]


def demo_sections() -> list[dict[str, str]]:
    """Every section the demo county publishes: the 19 school plans and the agencies' own plans."""
    sections = [section for plan in demo_school_plans() for section in plan]
    sections += agency_text.active_threat_sections(revised=False) + agency_text.active_threat_sections(revised=True)
    sections += agency_text.mutual_aid_sections() + agency_text.hazmat_sections()
    sections += agency_text.severe_weather_sections() + agency_text.mci_sections()
    sections += agency_text.reunification_sections() + key_facts.fire_preincident_sections()
    return sections


def test_demo_text_leaves_a_blank_line_before_every_list():
    """Written as most Markdown readers expect, so the text reads as lists in any tool it is copied to."""
    for section in demo_sections():
        previous = ""
        for line in section["body"].splitlines():
            if LIST_ITEM.match(line) and previous.strip():
                assert LIST_ITEM.match(previous), f"{section['key']}: no blank line before {line!r}"
            previous = line


@pytest.mark.parametrize("key", ["annex-evacuation", "hazard-active-threat"])
def test_every_demo_school_plan_shows_its_annex_as_a_list(key):
    plans = demo_school_plans()
    assert len(plans) == 19
    for sections in plans:
        body = next(section["body"] for section in sections if section["key"] == key)
        bullets = [line for line in body.splitlines() if LIST_ITEM.match(line)]
        html = str(render_markdown(body))
        assert len(items(html)) == len(bullets) >= 3, html
        assert "\n- " not in html  # no item left inside a paragraph


# -- every page that shows a section uses the one renderer ----------------------------------------------------


LISTED = "Responding units:\n- Police staging: west lot\n- Fire staging: front circle"


def test_the_draft_preview_shows_a_list_typed_right_after_a_line(county):
    services.plan_version_update_draft(
        version=county.draft,
        actor=county.owner_planner,
        sections=[{"key": "active-threat", "title": "Active threat", "body": LISTED}],
    )
    page = web_client(county.owner_planner).get(f"/plans/{county.plan.pk}/versions/{county.draft.number}/preview/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<p>Responding units:</p>" in html
    assert "<li>Police staging: west lot</li>" in html
    assert "<li>Fire staging: front circle</li>" in html


def test_the_plan_page_and_print_show_a_list_typed_right_after_a_line(county):
    services.plan_version_update_draft(
        version=county.draft,
        actor=county.owner_planner,
        sections=[{"key": "active-threat", "title": "Active threat", "body": LISTED}],
    )
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    client = web_client(county.partner_view_member)
    for url in (f"/plans/{county.plan.pk}/", f"/plans/{county.plan.pk}/print/"):
        page = client.get(url).content.decode()
        assert "<li>Police staging: west lot</li>" in page, url
        assert "<li>Fire staging: front circle</li>" in page, url

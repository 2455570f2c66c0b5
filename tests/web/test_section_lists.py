"""In the browser: the draft preview shows a demo school's evacuation and active-threat annexes as lists."""

import random

from playwright.sync_api import expect

from plans import services
from plans.management.demo import school_text
from plans.management.demo.county import school_facts
from tests.web.conftest import PHONE, SCREENSHOTS, sign_in

ANNEXES = ("annex-evacuation", "hazard-active-threat")


def test_the_draft_preview_shows_the_demo_annexes_as_lists_on_a_desktop_and_a_phone(page, live_server, web_county):
    facts = school_facts(random.Random(0))[0]  # noqa: S311 - repeatable demo facts, no secret
    sections = [
        section
        for section in school_text.school_sections(facts, sro="Officer Demo", history=["Annual review"])
        if section["key"] in ANNEXES
    ]
    draft = web_county.draft
    services.plan_version_update_draft(version=draft, actor=web_county.owner_planner, sections=sections)
    sign_in(page, live_server, "district_planner")
    page.goto(f"{live_server.url}/plans/{web_county.plan.pk}/versions/{draft.number}/preview/")
    evacuation = page.locator("#section-annex-evacuation .section__body")
    expect(evacuation.locator("ul > li")).to_have_count(4 if facts.stories == 2 else 3)
    expect(evacuation.locator("ul > li").first).to_contain_text("On-site assembly area")
    threat = page.locator("#section-hazard-active-threat .section__body")
    expect(threat.locator("ul > li")).to_have_count(4)
    expect(threat.locator("ul > li").nth(1)).to_contain_text("Police staging")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("main").screenshot(path=str(SCREENSHOTS / "draft-preview-lists-desktop.png"))
    page.set_viewport_size(PHONE)
    expect(threat.locator("ul > li").first).to_be_visible()
    page.locator("main").screenshot(path=str(SCREENSHOTS / "draft-preview-lists-phone.png"))

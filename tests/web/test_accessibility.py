"""Every main page passes axe-core's WCAG 2.1 A and AA rules, on a desktop and on a phone.

axe-core runs inside Debian's Chromium from the copy bundled in the axe-playwright-python package.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.web.conftest import DESKTOP, PHONE, sign_in

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations_on(page) -> list[str]:
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def owner_pages(county) -> list[str]:
    plan, draft = county.plan.pk, county.draft.number
    return [
        "/",
        "/plans/",
        f"/plans/{plan}/",
        f"/plans/{plan}/diff/",
        f"/plans/{plan}/print/",
        f"/plans/{plan}/concurrence/record/",
        f"/plans/{plan}/versions/{draft}/edit/",
        f"/plans/{plan}/versions/{draft}/publish/",
        f"/facilities/{county.school.pk}/",
        "/facilities/",
        f"/agencies/{county.district.pk}/",
        f"/agencies/{county.district.pk}/settings/",
        "/accounts/sessions/",
        "/alerts/",
        "/alerts/preferences/",
    ]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_owners_pages_have_no_wcag_violations(web_county, live_server, page, viewport):
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "district_admin")
    found = {}
    for path in owner_pages(web_county):
        page.goto(f"{live_server.url}{path}")
        if problems := violations_on(page):
            found[path] = problems
    assert found == {}


def test_a_partners_plan_page_and_the_sign_in_page_have_no_wcag_violations(web_county, live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    assert violations_on(page) == []
    sign_in(page, live_server, "fire_liaison")
    page.goto(f"{live_server.url}/plans/{web_county.plan.pk}/")
    assert violations_on(page) == []


def test_the_checker_itself_reports_a_broken_page(live_server, page):
    """Guards the guard: an image without a text alternative must be reported."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert any(problem.startswith("image-alt") for problem in violations_on(page))

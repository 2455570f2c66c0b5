"""Issue 20 in a real browser: the district publishes a new version of the school plan the police plan builds on;
the police admin's dashboard counts the changed source; the police planner reviews it and starts a draft that
shows the pending change beside its section; the police admin publishes; the plan page says which version of
the school plan it was written against now. On a desktop and on a 375 px phone."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from sources.models import SourceChange
from tests.sources.scene import build
from tests.web.conftest import DESKTOP, PASSWORD, PHONE, screenshot, sign_in
from tests.web.test_key_facts import open_page


def _passwords() -> None:
    for user in get_user_model().objects.all():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


@pytest.mark.parametrize(("viewport", "suffix"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_a_changed_source_is_reviewed_folded_in_and_published(browser, live_server, county, viewport, suffix):
    built = build(county)
    _passwords()
    errors: list[str] = []
    plan_url = f"{live_server.url}/plans/{built.plan.pk}/"

    # The district publishes v2 of the school plan the police plan builds on.
    context, page = open_page(browser, errors)
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "district_admin")
    page.goto(f"{live_server.url}/plans/{county.plan.pk}/versions/{county.draft.number}/publish/")
    page.get_by_role("button", name="Publish version 2").click()
    expect(page).to_have_url(re.compile(rf"/plans/{county.plan.pk}/$"))
    context.close()

    # The police admin's dashboard counts the changed source.
    context, page = open_page(browser, errors)
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "police_admin")
    expect(page.get_by_role("link", name="Active threat response plan: 1 source changed")).to_be_visible()
    screenshot(page, f"sources-dashboard-{suffix}")
    context.close()

    # The police planner opens the review and starts a draft: the pending change sits beside its section.
    change = SourceChange.objects.get()
    context, page = open_page(browser, errors)
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "police_planner")
    page.goto(plan_url)
    page.locator(f'a[href="/plans/{built.plan.pk}/source-changes/{change.pk}/"]').first.click()
    expect(page.get_by_text("Maple Valley High crisis plan is now at v2").first).to_be_visible()
    screenshot(page, f"sources-review-{suffix}")
    page.get_by_role("button", name="Start a draft to fold it in").click()
    section = page.locator("#section-reunification")
    expect(section.get_by_text("Source changed — review pending:")).to_be_visible()
    expect(section.get_by_role("link", name=re.compile("Maple Valley High crisis plan is now at v2"))).to_be_visible()
    screenshot(page, f"sources-editor-{suffix}")
    if section.get_attribute("open") is None:
        section.locator("summary").first.click()
    section.get_by_label("Text").fill("Parents meet at the stadium gate B, then the district's reunification site.")
    page.get_by_role("button", name="Save draft").first.click()
    context.close()

    # The police admin publishes; the plan page names the school plan's new version.
    context, page = open_page(browser, errors)
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "police_admin")
    page.goto(f"{plan_url}versions/3/publish/")
    page.get_by_role("button", name="Publish version 3").click()
    expect(page).to_have_url(re.compile(rf"/plans/{built.plan.pk}/$"))
    sources = page.locator("#sources")
    expect(sources).to_contain_text("Written against")
    expect(sources).to_contain_text("Maple Valley High crisis plan v2")
    screenshot(page, f"sources-plan-{suffix}")
    context.close()
    assert errors == []

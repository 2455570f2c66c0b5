"""Issue 14's "done means" in a real browser: the police admin reads who opened the active-threat plan this week
in the agency's audit trail and exports exactly those rows as CSV; the page works on a phone."""

import csv
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from agencies.models import Role
from plans.models import Classification, PlanKind, ShareLevel
from plans.services import plan_share, plan_version_create_draft, plan_version_publish
from tests.agencies.factories import member
from tests.plans.factories import make_plan
from tests.sign_in import SIGN_IN_URL, sign_in_form
from tests.web.conftest import PASSWORD, PHONE, screenshot, sign_in


@pytest.fixture
def active_threat(web_county):
    """The police's law-enforcement-sensitive active-threat plan, shared with the district, read by three people."""
    county = web_county
    police_admin = member(county.police, Role.ADMIN, username="police_admin")
    police_admin.set_password(PASSWORD)
    police_admin.save()
    plan = make_plan(
        owner=county.police,
        actor=police_admin,
        title="Ridgeford PD active threat response",
        kind=PlanKind.AGENCY_RESPONSE,
        classification=Classification.LAW_ENFORCEMENT_SENSITIVE,
        facilities=[county.school],
    )
    sections = [{"key": "command", "title": "Command", "body": "Unified command with the school."}]
    version = plan_version_create_draft(plan=plan, actor=police_admin, change_summary="First", sections=sections)
    plan_version_publish(version=version, actor=police_admin)
    plan_share(plan=plan, agency=county.district, level=ShareLevel.VIEW, actor=police_admin)
    detail = reverse("plans:detail", kwargs={"plan_id": plan.pk})
    for username in ("police_officer", "district_admin"):
        reader = Client()
        assert reader.post(SIGN_IN_URL, sign_in_form(username, PASSWORD)).status_code == 302
        assert reader.get(detail).status_code == 200
    return plan


def test_the_police_admin_reads_who_opened_the_active_threat_plan_this_week_and_exports_it(
    page, live_server, web_county, active_threat, tmp_path, console_errors
):
    sign_in(page, live_server, "police_admin")
    page.goto(f"{live_server.url}{reverse('agencies:detail', kwargs={'agency_id': web_county.police.pk})}")
    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", name=re.compile("Audit trail of Ridgeford Police"))).to_be_visible()

    page.get_by_label("Plan").select_option(label=active_threat.title)
    page.get_by_label("Action").select_option(label="Sensitive plan read")
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    page.get_by_label("From").fill(monday.isoformat())
    page.get_by_role("button", name="Filter").click()

    events = page.locator(".audit-event")
    expect(events).to_have_count(2)
    expect(page.get_by_text("2 events match the filters")).to_be_visible()
    readers = set(events.locator(".audit-event__who strong").all_inner_texts())
    assert readers == {"police_officer", "district_admin"}
    expect(events.first).to_contain_text(active_threat.title)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Export CSV")).click()
    path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(path)
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(row["person"] for row in rows) == ["district_admin", "police_officer"]
    assert {row["plan_id"] for row in rows} == {str(active_threat.pk)}
    assert {row["action"] for row in rows} == {"plan.read"}

    page.set_viewport_size(PHONE)
    page.reload()
    expect(events).to_have_count(2)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
    screenshot(page, "audit-trail-phone")
    assert console_errors == []

"""Offline copies in a real browser (issue 16, item 5): the SRO opens their school once, the installed service
worker keeps it and its plan, and with the network switched off both pages still open, labelled "Offline copy
as of …"; back online the page is live again, and signing out leaves nothing in the browser."""

import datetime
import re
import time

from django.urls import reverse
from playwright.sync_api import expect

from access.actors import SYSTEM
from agencies.models import AssignmentRole
from agencies.services import personnel_assignment_create
from tests.packets.helpers import made_packet
from tests.web.conftest import PHONE, screenshot, sign_in

KEPT = """() => caches.keys()
  .then((names) => Promise.all(names.map((name) => caches.open(name).then((cache) => cache.keys()))))
  .then((lists) => lists.flat().map((request) => new URL(request.url).pathname))"""


def kept_paths(page) -> list[str]:
    return page.evaluate(KEPT)


def wait_until(check, *, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the browser never got there"
        time.sleep(0.25)


def test_the_sro_opens_their_school_and_its_plan_without_a_connection(page, live_server, web_county, console_errors):
    county = web_county
    personnel_assignment_create(
        user=county.partner_view_member,
        agency=county.police,
        facility=county.school,
        role=AssignmentRole.SCHOOL_RESOURCE_OFFICER,
        started_on=datetime.date(2024, 8, 19),
        actor=SYSTEM,
        announce=False,
    )
    packet = made_packet(county, county.partner_view_member)
    packet_file = reverse("packets:file", kwargs={"packet_id": packet.pk})
    school = reverse("agencies:facility-detail", kwargs={"facility_id": county.school.pk})
    plan = reverse("plans:detail", kwargs={"plan_id": county.plan.pk})
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "police_officer")
    page.goto(f"{live_server.url}{school}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Maple Valley High")
    # The worker installs and keeps the school's page, its plan and the officer's field packet, though neither
    # the plan nor the packet was opened.
    wait_until(lambda: {school, plan, packet_file} <= set(kept_paths(page)))
    online = page.locator(".offline-copy")
    expect(online).to_have_count(0)

    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maple Valley High")
    banner = page.get_by_role("status").filter(has_text="Offline copy as of")
    expect(banner).to_be_visible()
    screenshot(page, "offline-building-phone")
    fetched = page.evaluate(f"fetch('{packet_file}').then((r) => [r.status, r.headers.get('Content-Type')])")
    assert fetched == [200, "application/pdf"]
    page.goto(f"{live_server.url}{plan}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maple Valley High crisis plan")
    expect(page.get_by_role("status").filter(has_text="Offline copy as of")).to_be_visible()
    # A page never kept says so instead of the browser's error page.
    page.goto(f"{live_server.url}{reverse('plans:list')}")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    page.get_by_role("link", name="Maple Valley High").click()
    expect(page.get_by_role("status").filter(has_text="Offline copy as of")).to_be_visible()

    page.context.set_offline(False)
    page.goto(f"{live_server.url}{school}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Maple Valley High")
    expect(page.locator(".offline-copy")).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/accounts/login/.*|.*/$"))
    wait_until(lambda: kept_paths(page) == [])
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then((found) => found.length)") == 0
    assert not [error for error in console_errors if "Content Security Policy" in error]

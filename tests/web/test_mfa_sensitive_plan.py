"""In a real browser, as in the demo: the police department requires multi-factor sign-in, also to read its
law-enforcement-sensitive active-threat plan. The officer signs in with the password and the code that
`manage.py demo_totp` prints and reads the plan; a district admin without a second factor is led to set one up."""

import io
import re

from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from access.actors import SYSTEM
from accounts.demo_totp import demo_totp_enrol
from agencies.models import Role
from agencies.services import agency_update, membership_add
from plans.models import Classification, PlanKind, ShareLevel
from plans.services import plan_share
from tests.agencies.factories import UserFactory
from tests.plans.factories import make_plan, publish
from tests.web.conftest import PASSWORD, PHONE, screenshot, sign_in

TITLE = "Active threat response plan"


def _demo_code(username: str) -> str:
    out = io.StringIO()
    with override_settings(DEBUG=True):
        call_command("demo_totp", username, stdout=out)
    return out.getvalue().strip()


def test_the_officer_signs_in_with_the_demo_code_and_reads_the_sensitive_plan_others_are_led_to_mfa(
    page, live_server, web_county, console_errors
):
    police = web_county.police
    chief = UserFactory(username="police_admin")
    chief.set_password(PASSWORD)
    chief.save()
    membership_add(agency=police, user=chief, role=Role.ADMIN, actor=SYSTEM)
    plan = make_plan(
        owner=police,
        actor=chief,
        title=TITLE,
        kind=PlanKind.OTHER,
        classification=Classification.LAW_ENFORCEMENT_SENSITIVE,
    )
    publish(plan, chief, "Contact teams enter by the east doors.", "Rescue task force stages at the stadium.")
    plan_share(plan=plan, agency=web_county.district, level=ShareLevel.VIEW, actor=chief)
    agency_update(agency=police, actor=SYSTEM, require_mfa=True, les_read_requires_mfa=True)
    demo_totp_enrol(users=[web_county.partner_view_member, chief])

    # The officer: password, then the demo code.
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("police_officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    screenshot(page, "mfa-challenge-phone")
    page.get_by_label("Code").fill(_demo_code("police_officer"))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.get_by_text("Rescue task force stages at the stadium.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # A district admin who signed in with the password only sees the title listed, and a way to the code.
    sign_in(page, live_server, "district_admin")
    page.goto(f"{live_server.url}/plans/")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name="This plan needs multi-factor sign-in")).to_be_visible()
    expect(page.get_by_text("Rescue task force")).to_have_count(0)
    expect(page.get_by_role("link", name="Set it up")).to_have_attribute("href", "/accounts/2fa/")
    screenshot(page, "mfa-plan-needs-mfa-phone")
    # The page's own 403 status is the only thing the console reports (no CSP violation, no broken script).
    assert [error for error in console_errors if "status of 403" not in error] == []

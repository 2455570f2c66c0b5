"""Multi-factor sign-in in a real browser: an agency requires it, a person enrols, signs in with a code, and
only then gets an API token."""

import re

from playwright.sync_api import expect
from rest_framework.test import APIClient

from access.actors import SYSTEM
from agencies.models import Role
from agencies.services import membership_add
from tests.agencies.factories import UserFactory
from tests.mfa import totp_code
from tests.web.conftest import PASSWORD, PHONE, screenshot, sign_in


def test_an_agency_requires_mfa_and_a_person_enrols_signs_in_with_a_code_then_gets_a_token(
    page, live_server, web_county, console_errors
):
    police = web_county.police
    police_admin = UserFactory(username="police_admin")
    police_admin.set_password(PASSWORD)
    police_admin.save()
    membership_add(agency=police, user=police_admin, role=Role.ADMIN, actor=SYSTEM)

    # The police admin turns the requirement on.
    sign_in(page, live_server, "police_admin")
    page.goto(f"{live_server.url}/agencies/{police.pk}/")
    page.get_by_role("link", name="Multi-factor sign-in").click()
    page.get_by_label("Require multi-factor sign-in for everyone in this agency").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("now requires multi-factor sign-in")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("police_officer"))).to_contain_text("No")
    page.get_by_role("button", name="Sign out").click()

    # The officer signs in and is asked to enrol before anything else.
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("police_officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    expect(page.get_by_text("Your agency requires multi-factor sign-in")).to_be_visible()
    screenshot(page, "mfa-enrol-phone")
    page.goto(f"{live_server.url}/plans/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    page.get_by_role("link", name="Activate").first.click()
    # Changing one's factors asks for the password once more.
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("img", name=re.compile(".+"))).to_be_visible()  # the QR code, drawn by the app
    secret = page.get_by_label("Authenticator secret").input_value()
    screenshot(page, "mfa-authenticator-app-phone")
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text(re.compile("recovery codes", re.IGNORECASE)).first).to_be_visible()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/$"))
    page.get_by_role("button", name="Sign out").click()

    # Signing in now takes the password and the app's code.
    page.get_by_label("Username").fill("police_officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    screenshot(page, "mfa-code-at-sign-in-phone")
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))

    # Only now a token: from the page, after the full sign-in.
    page.goto(f"{live_server.url}/accounts/api-tokens/")
    expect(page.get_by_text("confirm with your authenticator code")).to_have_count(0)
    page.get_by_label("Name").fill("CAD link")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("heading", name="Copy the token now")).to_be_visible()
    assert console_errors == []

    # The token endpoint without the code is refused for them.
    refused = APIClient().post(
        "/api/v1/auth/token/", {"username": "police_officer", "password": PASSWORD}, format="json"
    )
    assert refused.status_code == 400
    assert "otp" in refused.json()

"""Single sign-on does not stand in for the agency's second factor: a member of an agency that requires
multi-factor sign-in, coming back from the agency's identity provider, is still asked to enrol (no factor
yet) or for their code (an authenticator app) before any page opens."""

import re

from playwright.sync_api import expect

from tests.mfa import enrol_app, totp_code
from tests.sso.flow import connect
from tests.web import test_sso
from tests.web.test_sso import EMAIL, start_sso, through_the_provider

# The county emergency management agency and its admin em_admin, as in the SSO tests.
oem = test_sso.oem


def requiring_mfa(oidc_provider, oem):
    connect(oidc_provider, oem, domains=["lindell-oem.example.org"])
    oem.require_mfa = True
    oem.save(update_fields=["require_mfa"])


def test_sso_into_an_agency_requiring_mfa_still_asks_to_enrol(page, live_server, oidc_provider, oem, console_errors):
    requiring_mfa(oidc_provider, oem)
    start_sso(page, live_server, EMAIL)
    through_the_provider(page, oidc_provider, EMAIL)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    expect(page.get_by_text("Your agency requires multi-factor sign-in")).to_be_visible()
    for path in ("/", "/plans/", f"/agencies/{oem.pk}/"):
        page.goto(f"{live_server.url}{path}")
        expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    assert console_errors == []


def test_sso_of_a_person_with_an_authenticator_app_still_asks_for_the_code(
    page, live_server, oidc_provider, oem, console_errors
):
    requiring_mfa(oidc_provider, oem)
    em_admin = oem.memberships.get().user
    secret, _codes = enrol_app(em_admin)
    start_sso(page, live_server, EMAIL)
    through_the_provider(page, oidc_provider, EMAIL)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    # Not signed in yet: a page sends them to sign in, which is still waiting for the code.
    page.goto(f"{live_server.url}/plans/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    expect(page.locator(".site-user")).to_have_count(0)
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator(".site-user")).to_contain_text("em_admin")
    assert console_errors == []

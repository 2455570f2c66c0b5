"""Single sign-on in a real browser, against the real test identity provider (tests/oidc_provider/): the county
emergency management agency's admin sets it up, then signs in through the provider's own form."""

import re

import pytest
from playwright.sync_api import expect

from agencies.models import AgencyKind, Role
from tests.agencies.factories import AgencyFactory, member
from tests.oidc_provider import harness
from tests.sso.flow import connect
from tests.web.conftest import DESKTOP, PASSWORD, PHONE, screenshot, sign_in

OEM = "Lindell County Office of Emergency Management"
EMAIL = "em_admin@lindell-oem.example.org"


@pytest.fixture
def oem(transactional_db, oidc_provider, live_server):
    """The demo county's emergency management agency (seed_demo's names) and its admin em_admin."""
    agency = AgencyFactory(name=OEM, slug="lindell-oem", kind=AgencyKind.EMERGENCY_MANAGEMENT)
    admin = member(agency, Role.ADMIN, username="em_admin", email=EMAIL)
    admin.set_password(PASSWORD)
    admin.save(update_fields=["password"])
    oidc_provider.allow_redirect("lindell-oem", harness.callback_url(live_server.url, "lindell-oem"))
    return agency


def through_the_provider(page, oidc_provider, email: str) -> None:
    """On the provider's own sign-in form, as the person would."""
    expect(page.get_by_role("heading", name="County identity provider")).to_be_visible()
    assert page.url.startswith(oidc_provider.issuer)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(harness.PASSWORD)
    page.get_by_role("button", name="Sign in to the identity provider").click()


def start_sso(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Work e-mail").fill(email)
    page.get_by_role("button", name="Continue with my agency's sign-on (SSO)").click()
    expect(page.get_by_role("heading", name="Sign in with your agency")).to_be_visible()
    page.get_by_role("button", name=f"Sign in with {OEM} (SSO)").click()


def test_em_admin_sets_up_sso_then_signs_in_through_the_county_provider(
    page, live_server, oidc_provider, oem, console_errors
):
    sign_in(page, live_server, "em_admin")
    page.goto(f"{live_server.url}/agencies/{oem.pk}/")
    page.get_by_role("link", name="Single sign-on").click()
    expect(page.get_by_role("heading", name=f"Single sign-on for {OEM}")).to_be_visible()
    expect(page.get_by_label("Redirect URI")).to_have_value(harness.callback_url(live_server.url, "lindell-oem"))
    page.get_by_label("Issuer URL").fill(oidc_provider.issuer)
    page.get_by_label("Client id").fill(harness.client_id("lindell-oem"))
    page.get_by_label("Client secret").fill(harness.client_secret("lindell-oem"))
    page.get_by_label("Your people's e-mail domains").fill("lindell-oem.example.org")
    expect(page.get_by_label("Single sign-on is on")).to_be_checked()
    page.get_by_role("button", name="Save single sign-on").click()
    expect(page.get_by_text("Single sign-on saved.")).to_be_visible()
    expect(page.get_by_label("Client secret")).to_have_value("")
    screenshot(page, "agency-sso-settings")
    page.set_viewport_size(PHONE)
    expect(page.get_by_role("button", name="Save single sign-on")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    page.set_viewport_size(DESKTOP)
    start_sso(page, live_server, EMAIL)
    through_the_provider(page, oidc_provider, EMAIL)
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator(".site-user")).to_contain_text(OEM)
    expect(page.locator(".site-user")).to_contain_text("em_admin")
    assert console_errors == []


def test_the_sign_in_page_offers_the_agency_sign_on_on_a_phone(page, live_server, oem, console_errors):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="Does your agency use single sign-on?")).to_be_visible()
    screenshot(page, "sign-in-sso-phone")
    assert console_errors == []


def test_an_address_outside_the_agencys_domains_is_refused_with_a_clear_page(page, live_server, oidc_provider, oem):
    connect(oidc_provider, oem, domains=["lindell-oem.example.org"])
    start_sso(page, live_server, EMAIL)
    # At the provider, someone signs in with an account the agency does not vouch for.
    through_the_provider(page, oidc_provider, "contractor@consultancy.example.org")
    expect(page.get_by_role("heading", name=re.compile("Not signed in"))).to_be_visible()
    expect(page.get_by_text(f"is not an address {OEM} signs in with single sign-on")).to_be_visible()
    page.set_viewport_size(PHONE)
    screenshot(page, "sso-refused-phone")


def test_an_unverified_address_is_refused(page, live_server, oidc_provider, oem):
    member(oem, Role.MEMBER, username="em_staff01", email="em_staff01@lindell-oem.example.org")
    connect(oidc_provider, oem, domains=["lindell-oem.example.org"])
    start_sso(page, live_server, "em_staff01@lindell-oem.example.org")
    through_the_provider(page, oidc_provider, "em_staff01@lindell-oem.example.org")
    expect(page.get_by_text("has not verified em_staff01@lindell-oem.example.org")).to_be_visible()


def test_sso_only_refuses_the_password_form_and_offers_the_agency_button(page, live_server, oidc_provider, oem):
    connect(oidc_provider, oem, domains=["lindell-oem.example.org"], sso_only=True)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("em_admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name=f"Sign in with {OEM}")).to_be_visible()
    page.get_by_role("button", name=f"Sign in with {OEM} (SSO)").click()
    through_the_provider(page, oidc_provider, EMAIL)
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator(".site-user")).to_contain_text(OEM)

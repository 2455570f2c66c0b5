"""Passkeys in a real browser: Chromium's virtual authenticator (the DevTools WebAuthn domain) stands in for a
phone or a security key. A person adds a passkey under Sign-in security, then signs in with it alone."""

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from audit.models import AuditAction, AuditEvent
from tests.web.conftest import PASSWORD, sign_in


@pytest.fixture
def authenticator(page):
    """A platform authenticator with user verification (a phone's fingerprint), attached to this page."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
    }
    added = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    yield cdp, added["authenticatorId"]
    cdp.send("WebAuthn.disable")


def test_a_person_adds_a_passkey_then_signs_in_with_it_alone(
    page, live_server, web_county, settings, authenticator, console_errors
):
    # The live server's origin is plain http on localhost: a secure context for Chromium, not for fido2.
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    cdp, authenticator_id = authenticator
    officer = web_county.partner_view_member

    sign_in(page, live_server, "police_officer")
    page.get_by_role("link", name="Sign-in security").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    page.get_by_role("link", name="Add").click()
    # Changing one's factors asks for the password once more.
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/webauthn/add/"))
    page.get_by_label("Name").fill("Work phone")
    page.get_by_label("Passwordless").check()
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text(re.compile("recovery codes", re.IGNORECASE)).first).to_be_visible()

    passkey = Authenticator.objects.get(user=officer, type=Authenticator.Type.WEBAUTHN)
    assert passkey.data["name"] == "Work phone"
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]) == 1
    assert AuditEvent.objects.filter(actor=officer, action=AuditAction.MFA_ADD).exists()

    page.get_by_role("button", name="Sign out").click()

    # Back on the sign-in page: no username, no password, only the passkey.
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Use a passkey instead").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator(".site-user")).to_contain_text("police_officer")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert console_errors == []

"""`manage.py demo_totp`: the demo police accounts' code, for the demo only."""

import io
import time

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from accounts.demo_totp import DEMO_TOTP_SECRET, demo_totp_enrol
from tests.mfa import enrol_app, totp_code
from tests.sign_in import SIGN_IN_URL, sign_in_form

PASSWORD = "a-long-enough-passphrase-8"


def _code(username: str) -> str:
    out = io.StringIO()
    call_command("demo_totp", username, stdout=out)
    return out.getvalue().strip()


@override_settings(DEBUG=True)
def test_the_printed_code_signs_a_demo_account_in(county):
    officer = county.partner_view_member
    officer.set_password(PASSWORD)
    officer.save()
    demo_totp_enrol(users=[officer])
    # A code is good for its own 30 s step only (no tolerance: a wider one would outlast allauth's reuse guard),
    # so start early in a step: the sign-in below must not cross into the next one on a loaded machine.
    while time.time() % 30 > 15:
        time.sleep(0.5)
    code = _code(officer.username)
    assert code == totp_code(DEMO_TOTP_SECRET)
    client = Client()
    assert (
        client.post(SIGN_IN_URL, sign_in_form(officer.username, PASSWORD))["Location"] == "/accounts/2fa/authenticate/"
    )
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


@override_settings(DEBUG=True)
def test_it_refuses_an_account_whose_secret_is_not_the_demo_one(county):
    enrol_app(county.partner_view_liaison)
    for username in (county.partner_view_liaison.username, county.owner_admin.username, "nobody"):
        with pytest.raises(CommandError, match="not a demo account"):
            _code(username)


@override_settings(DEBUG=False)
def test_it_refuses_on_a_server_with_debug_off(county):
    demo_totp_enrol(users=[county.partner_view_member])
    with pytest.raises(CommandError, match="DEBUG on"):
        _code(county.partner_view_member.username)

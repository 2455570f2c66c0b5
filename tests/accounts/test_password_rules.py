"""Issue 14, item 4: password rules — Django's validators (12 characters at least), a breached-password check
that fails open to Django's common-password list, and Argon2 hashing that upgrades older hashes at sign-in."""

import hashlib
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from pwned_passwords_django.api import PwnedPasswords

from access.actors import SYSTEM
from agencies.services import user_create
from portal.errors import InvalidInputError
from portal.settings import base
from tests.sign_in import SIGN_IN_URL, sign_in_form

User = get_user_model()
ROOT = Path(__file__).resolve().parents[2]
BREACHED = "Summer2024-is-here"


def _suffix(password: str) -> str:
    return hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()[5:]


class RangeApi(BaseHTTPRequestHandler):
    """The Pwned Passwords range API, serving one breached password (and padding) on 127.0.0.1."""

    def do_GET(self) -> None:
        body = f"{_suffix(BREACHED)}:4211\r\n{'0' * 35}:0\r\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def breach_check(settings, monkeypatch):
    """The production validators, against a range API started here (no internet in tests)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), RangeApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(PwnedPasswords, "api_endpoint", f"http://127.0.0.1:{server.server_port}/range/")
    validators = list(base.AUTH_PASSWORD_VALIDATORS)
    validators[2] = {"NAME": "pwned_passwords_django.validators.PwnedPasswordsValidator"}
    settings.AUTH_PASSWORD_VALIDATORS = validators
    yield server
    server.shutdown()


def test_a_breached_password_is_refused_with_the_breach_check_on(breach_check):
    with pytest.raises(ValidationError, match="This password is too common"):
        validate_password(BREACHED)
    validate_password("Tangerine-Lighthouse-42")  # not in the corpus


def test_with_the_breach_api_unreachable_the_common_password_list_still_applies(breach_check, monkeypatch):
    breach_check.shutdown()
    breach_check.server_close()
    monkeypatch.setattr(PwnedPasswords, "api_endpoint", "http://127.0.0.1:9/range/")  # nothing listens
    with pytest.raises(ValidationError, match="This password is too common"):
        validate_password("password1234")  # on Django's list
    validate_password(BREACHED)  # not on Django's list: let through rather than refused for the outage


def test_the_production_settings_turn_the_breach_check_on_and_development_leaves_it_off():
    code = "from django.conf import settings; print(settings.AUTH_PASSWORD_VALIDATORS[2]['NAME'])"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "x" * 64,
        "ALLOWED_HOSTS": "concord.example.org",
    }
    env.pop("PASSWORD_BREACH_CHECK", None)
    done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "pwned_passwords_django.validators.PwnedPasswordsValidator"
    assert base.AUTH_PASSWORD_VALIDATORS[2]["NAME"].endswith("CommonPasswordValidator")


def test_a_password_shorter_than_twelve_characters_is_refused(db):
    with pytest.raises(InvalidInputError) as refused:
        user_create(actor=SYSTEM, username="shorty", email="s@example.org", password="Tangerine-1")
    assert refused.value.field == "password"
    assert "at least 12 characters" in refused.value.message
    assert not User.objects.filter(username="shorty").exists()


def test_argon2_hashes_new_passwords_and_upgrades_an_older_hash_at_sign_in(db, client, settings):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    user = User.objects.create(
        username="veteran", password=make_password("the-old-passphrase-1", hasher="pbkdf2_sha256")
    )
    assert user.password.startswith("pbkdf2_sha256$")
    response = client.post(SIGN_IN_URL, sign_in_form("veteran", "the-old-passphrase-1"))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert user.check_password("the-old-passphrase-1")

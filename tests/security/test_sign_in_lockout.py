"""Brute force: every sign-in path locks out an account, and an address, after repeated failures (django-axes)."""

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.agencies.factories import UserFactory

PASSWORD = "the-right-long-passphrase-7"
LIMIT = 5  # LOGIN_FAILURE_LIMIT's default: failures for one account, from any addresses
ADDRESS_LIMIT = 20  # LOGIN_ADDRESS_FAILURE_LIMIT's default: failures from one address, for any accounts


@dataclass(frozen=True)
class SignInPath:
    """One way to sign in: where to post, and how a success and a failure look there."""

    name: str
    url: str
    success_status: int
    json: bool = False
    username_field: str = "username"

    def attempt(self, username: str, password: str, address: str):
        credentials = {self.username_field: username, "password": password}
        if self.json:
            return APIClient().post(self.url, credentials, format="json", REMOTE_ADDR=address)
        return Client().post(self.url, credentials, REMOTE_ADDR=address)

    def signed_in(self, response, username: str) -> bool:
        if self.json:
            return (
                response.status_code == 200
                and ApiToken.objects.filter(pk=response.json().get("id"), user__username=username).exists()
            )
        return response.status_code == 302 and "_auth_user_id" in response.client.session


PATHS = [
    SignInPath("web form", "/accounts/login/", 302, username_field="login"),
    SignInPath("token endpoint", "/api/v1/auth/token/", 200, json=True),
]


def _person(username: str):
    # Staff, so the admin login accepts them when the password is right.
    user = UserFactory(username=username, is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def _assert_locked_out(path: SignInPath, response, username: str) -> None:
    """Refused with a message a person understands: what happened, when to try again, whom to ask."""
    assert response.status_code == 429, response.content[:500]
    assert int(response["Retry-After"]) > 25 * 60
    if path.json:
        assert response["Content-Type"].startswith("application/json")
        body = response.json()
        assert body["code"] == "locked_out"
        assert "token" not in body
        text = body["detail"]
        assert f"Too many failed sign-in attempts ({LIMIT} for one account, or {ADDRESS_LIMIT} from one" in text
    else:
        assert response["Content-Type"].startswith("text/html")
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
        assert "Sign-in paused" in text
        assert f"too many failed sign-in attempts for this account ({LIMIT}) or from your network address" in text
    assert re.search(r"Try again after \d\d:\d\d UTC", text), text
    assert "administrator" in text
    assert not path.signed_in(response, username)


@pytest.mark.parametrize("url", ["/api-auth/login/", "/admin/login/"])
def test_the_admin_and_the_browsable_api_sign_in_only_through_the_one_sign_in_page(db, url):
    """Their own password forms would skip the second factor: both lead to /accounts/login/ and sign nobody in."""
    _person("ada")
    client = Client()
    response = client.post(url, {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert client.get(url)["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_an_account_is_locked_after_repeated_failures_from_many_addresses(db, path):
    _person("ada")
    for i in range(LIMIT - 1):
        failed = path.attempt("ada", f"guess-{i}", address=f"198.51.100.{i + 1}")
        assert failed.status_code in {200, 400}, failed.content[:300]
        assert not path.signed_in(failed, "ada")
    # The failure that reaches the limit already answers with the lockout.
    _assert_locked_out(path, path.attempt("ada", "guess-last", address="198.51.100.99"), "ada")
    # The right password, from an address never seen before, is still refused while locked.
    _assert_locked_out(path, path.attempt("ada", PASSWORD, address="192.0.2.200"), "ada")
    # The lock is on the account, not on whoever signs in next: another person can.
    _person("grace")
    assert path.signed_in(path.attempt("grace", PASSWORD, address="192.0.2.201"), "grace")


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_an_address_is_locked_after_failures_across_many_accounts(db, path):
    for i in range(ADDRESS_LIMIT - 1):
        failed = path.attempt(f"user{i}", "guess", address="203.0.113.9")
        assert failed.status_code in {200, 400}
    _assert_locked_out(path, path.attempt("user-last", "guess", address="203.0.113.9"), "user-last")
    _person("ada")
    # A minute later: the token endpoint's throttle (20/minute, in the cache) has let go, the lock has not.
    cache.clear()
    _assert_locked_out(path, path.attempt("ada", PASSWORD, address="203.0.113.9"), "ada")
    # The same person from another address is not affected by that address's lock.
    assert path.signed_in(path.attempt("ada", PASSWORD, address="203.0.113.10"), "ada")


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_failures_below_the_limits_still_let_the_right_password_in(db, path):
    _person("ada")
    for i in range(LIMIT - 1):
        path.attempt("ada", f"guess-{i}", address="198.51.100.1")
    # Colleagues behind the same address (a station's NAT) mistyping theirs do not lock ada out.
    for i in range(ADDRESS_LIMIT - LIMIT):
        path.attempt(f"colleague{i}", "typo", address="198.51.100.1")
    assert path.signed_in(path.attempt("ada", PASSWORD, address="198.51.100.1"), "ada")


def test_failures_on_one_path_count_on_every_other(db):
    _person("ada")
    for i, path in enumerate((PATHS * LIMIT)[:LIMIT]):  # the limit reached by failures on both paths
        path.attempt("ada", f"guess-{i}", address=f"198.51.100.{i + 1}")
    for path in PATHS:
        _assert_locked_out(path, path.attempt("ada", PASSWORD, address="192.0.2.50"), "ada")


def test_the_lock_ends_after_the_cool_off(db):
    from axes.models import AccessAttempt

    web = PATHS[0]
    _person("ada")
    for i in range(LIMIT):
        web.attempt("ada", f"guess-{i}", address="198.51.100.1")
    _assert_locked_out(web, web.attempt("ada", PASSWORD, address="198.51.100.1"), "ada")
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=31))
    assert web.signed_in(web.attempt("ada", PASSWORD, address="198.51.100.1"), "ada")


def test_without_a_cool_off_the_lock_holds_until_an_operator_lifts_it_in_the_admin(db, settings):
    from axes.models import AccessAttempt

    settings.AXES_COOLOFF_TIME = None  # LOGIN_COOLOFF_MINUTES=0
    web, token = PATHS[0], PATHS[-1]
    _person("ada")
    for i in range(LIMIT):
        web.attempt("ada", f"guess-{i}", address="198.51.100.1")
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(days=30))

    page = web.attempt("ada", PASSWORD, address="198.51.100.1")
    assert page.status_code == 403
    assert "Retry-After" not in page
    assert b"stays locked until it is unlocked" in page.content
    api = token.attempt("ada", PASSWORD, address="198.51.100.1")
    assert api.status_code == 403
    assert "administrator" in api.json()["detail"]

    # The operator sees the record in the admin and deletes it: the person can sign in again.
    operator = UserFactory(username="root", is_staff=True, is_superuser=True)
    admin = Client()
    admin.force_login(operator)
    for records in ["accessattempt", "accessfailurelog"]:
        listing = admin.get(f"/admin/axes/{records}/")
        assert listing.status_code == 200
        assert b"ada" in listing.content
    attempt = AccessAttempt.objects.get(username="ada")
    assert admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}).status_code == 302
    assert web.signed_in(web.attempt("ada", PASSWORD, address="198.51.100.1"), "ada")


def test_attempts_are_recorded_in_the_database_with_address_and_path(db):
    from axes.models import AccessAttempt, AccessFailureLog

    for path in PATHS:
        path.attempt("ada", "guess", address="198.51.100.7")
    rows = AccessAttempt.objects.filter(username="ada")
    assert sum(rows.values_list("failures_since_start", flat=True)) == len(PATHS)
    assert set(rows.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    assert rows.get().path_info == PATHS[-1].url  # one row per account and address, with the latest path
    # The password typed is never stored.
    assert not any("guess" in row.post_data for row in rows)
    # Each failure is also kept on its own, with its path, after the counting rows expire.
    AccessAttempt.objects.all().delete()
    failures = AccessFailureLog.objects.filter(username="ada", ip_address="198.51.100.7")
    assert sorted(failures.values_list("path_info", flat=True)) == sorted(path.url for path in PATHS)


def test_a_lockout_signs_no_one_in_and_issues_no_token(db):
    user = _person("ada")
    token = PATHS[-1]
    for i in range(LIMIT + 3):
        token.attempt("ada", f"guess-{i}", address="198.51.100.1")
    token.attempt("ada", PASSWORD, address="198.51.100.1")
    assert not ApiToken.objects.filter(user=user).exists()
    assert get_user_model().objects.get(pk=user.pk).last_login is None


def _settings_under(env: dict[str, str]) -> dict:
    """The lockout and proxy settings a process started with these variables gets."""
    script = (
        "import json; from portal.settings import base as s; print(json.dumps({"
        "'limit': s.AXES_FAILURE_LIMIT, 'address_limit': s.LOGIN_ADDRESS_FAILURE_LIMIT, "
        "'cooloff': s.AXES_COOLOFF_TIME and s.AXES_COOLOFF_TIME.total_seconds(), "
        "'proxies': s.REST_FRAMEWORK['NUM_PROXIES']}))"
    )
    names = ["LOGIN_FAILURE_LIMIT", "LOGIN_ADDRESS_FAILURE_LIMIT", "LOGIN_COOLOFF_MINUTES", "NUM_PROXIES"]
    clean = {k: v for k, v in os.environ.items() if k not in names}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], env={**clean, **env}, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_policy_comes_from_the_environment_with_documented_defaults():
    assert _settings_under({}) == {"limit": 5, "address_limit": 20, "cooloff": 1800.0, "proxies": 0}
    assert _settings_under(
        {
            "LOGIN_FAILURE_LIMIT": "3",
            "LOGIN_ADDRESS_FAILURE_LIMIT": "50",
            "LOGIN_COOLOFF_MINUTES": "0",
            "NUM_PROXIES": "1",
        }
    ) == {"limit": 3, "address_limit": 50, "cooloff": None, "proxies": 1}

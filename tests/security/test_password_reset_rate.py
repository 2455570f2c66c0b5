"""Password-reset e-mails are rate-limited per e-mail address and per client address, without telling who exists."""

import re

import pytest
from django.test import Client

from tests.agencies.factories import UserFactory

RESET_URL = "/accounts/password_reset/"
PER_EMAIL = 3  # PASSWORD_RESET_RATE_PER_EMAIL's default: 3/h


def _ask(email: str, address: str = "198.51.100.1", forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return Client().post(RESET_URL, {"email": email}, REMOTE_ADDR=address, **extra)


@pytest.mark.parametrize("exists", [True, False], ids=["account", "no-account"])
def test_reset_mails_to_one_address_stop_at_the_limit_whatever_the_sender_address(db, mailoutbox, exists):
    if exists:
        UserFactory(username="ada", email="ada@police.example.org")
    statuses = [_ask("ada@police.example.org", address=f"198.51.100.{i}").status_code for i in range(PER_EMAIL)]
    assert statuses == [302] * PER_EMAIL
    limited = _ask("ADA@police.example.org", address="198.51.100.99")
    assert limited.status_code == 429
    assert b"Too many password-reset requests" in limited.content
    assert b"If an account uses that address" in limited.content
    assert len(mailoutbox) == (PER_EMAIL if exists else 0)


def test_the_limited_answer_is_the_same_for_an_account_and_for_no_account(db):
    UserFactory(username="ada", email="ada@police.example.org")
    answers = []
    for email in ["ada@police.example.org", "nobody@police.example.org"]:
        for i in range(PER_EMAIL):
            _ask(email, address=f"198.51.100.{i}")
        answers.append(_ask(email, address="198.51.100.99"))
    assert [a.status_code for a in answers] == [429, 429]
    # The same page but for the CSRF tokens and the typed address.
    pages = [re.sub(rb'(value="|"X-CSRFToken": ")[^"]*"', b"", a.content) for a in answers]
    assert pages[0] == pages[1]


def test_one_client_address_cannot_ask_for_many_accounts(db, mailoutbox, settings):
    settings.PASSWORD_RESET_RATE_PER_ADDRESS = "4/h"
    for i in range(5):
        UserFactory(username=f"officer{i}", email=f"officer{i}@police.example.org")
    # A new forged X-Forwarded-For on each try changes nothing (no proxy declared).
    statuses = [_ask(f"officer{i}@police.example.org", forwarded=f"192.0.2.{i}").status_code for i in range(5)]
    assert statuses == [302, 302, 302, 302, 429]
    assert len(mailoutbox) == 4
    assert _ask("officer4@police.example.org", address="198.51.100.2").status_code == 302
    assert len(mailoutbox) == 5


def test_with_the_cache_unreachable_a_reset_is_still_sent(db, mailoutbox, settings, caplog):
    UserFactory(username="ada", email="ada@police.example.org")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    assert _ask("ada@police.example.org").status_code == 302
    assert len(mailoutbox) == 1
    assert "rate limit skipped" in caplog.text

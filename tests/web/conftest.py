"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser) against the live server."""

import contextlib
import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

# Playwright's sync API runs an event loop in the test thread; Django's ORM is safe to use there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "docs" / "screenshots"
PASSWORD = "browser-test-password"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make test`, which installs Debian's chromium package.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP}


@pytest.fixture
def web_county(county):
    """The county of tests/conftest.py, with passwords so people can sign in through the form."""
    from django.contrib.auth import get_user_model

    for user in get_user_model().objects.all():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return county


def sign_in(page, live_server, username: str) -> None:
    """Sign in through the real form, as a person would."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under docs/screenshots/ for the README."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def console_errors(page):
    """Collects browser console errors (a CSP violation or a broken script shows up here)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture(autouse=True)
def _browser_settles_before_the_database_is_emptied(request):
    """A browser test's page stops talking to the live server before the test database is emptied.

    The dashboard loads its panels after the page (htmx), so a test that ends on it can leave requests in flight
    while the teardown truncates every table: the server thread's reads and the TRUNCATE then deadlock. The live
    server is requested here, after the page, so this teardown runs before the live server's and the database's.
    """
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    if "live_server" in request.fixturenames:
        request.getfixturevalue("live_server")
    yield
    if page.is_closed():
        return
    with contextlib.suppress(PlaywrightTimeoutError):  # still busy after 10 s: leave it anyway
        page.wait_for_load_state("networkidle", timeout=10_000)
    page.close()  # no polling or lazy panel after this point (and no "leave this page?" prompt: not run)

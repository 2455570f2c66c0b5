"""Issue 14, items 3 and 4 in real browsers: an agency's idle timeout signs its people out; "sign out everywhere"
ends a person's other browser; an admin's "sign out everywhere" for a member (a lost phone) ends their open
browser and their API token. Time is moved by editing the session's clocks, never by waiting."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect
from rest_framework.test import APIClient

from accounts.services import api_token_create
from agencies.models import Role
from portal.middleware import LAST_ACTIVITY_KEY, POLICY_KEY
from tests.agencies.factories import member
from tests.web.conftest import DESKTOP, PASSWORD, PHONE, screenshot, sign_in

User = get_user_model()


@pytest.fixture
def police(web_county):
    """The county, with an admin for the police department (police_admin) who can sign in."""
    admin = member(web_county.police, Role.ADMIN, username="police_admin")
    admin.set_password(PASSWORD)
    admin.save(update_fields=["password"])
    return web_county


def session_of(context) -> SessionStore:
    (cookie,) = [c for c in context.cookies() if c["name"] == "sessionid"]
    return SessionStore(session_key=cookie["value"])


def age(context, *, idle_seconds: int) -> None:
    """As if the browser had been left alone this long (and the policy read in its session were old)."""
    session = session_of(context)
    now = int(time.time())
    session[LAST_ACTIVITY_KEY] = now - idle_seconds
    session[POLICY_KEY] = [*session[POLICY_KEY][:2], now - idle_seconds]
    session.save()


def is_on_sign_in(page) -> bool:
    return re.search(r"/accounts/login/", page.url) is not None


def test_police_admin_sets_an_idle_timeout_and_an_idle_officer_is_signed_out(browser, live_server, police):
    admin_context = browser.new_context(viewport=DESKTOP)
    officer_context = browser.new_context(viewport=PHONE)
    admin, officer = admin_context.new_page(), officer_context.new_page()
    sign_in(officer, live_server, "police_officer")
    sign_in(admin, live_server, "police_admin")

    admin.goto(f"{live_server.url}/agencies/{police.police.pk}/")
    admin.get_by_role("link", name="Settings").click()
    expect(admin.get_by_role("heading", name="Session policy")).to_be_visible()
    admin.get_by_label("Sign out after inactivity (minutes)").fill("5")
    admin.get_by_role("button", name="Save session policy").click()
    expect(admin.get_by_text("Session policy saved")).to_be_visible()
    admin.set_viewport_size(PHONE)
    admin.reload()
    screenshot(admin, "agency-session-policy-phone")

    age(officer_context, idle_seconds=4 * 60)
    officer.goto(f"{live_server.url}/plans/")
    assert not is_on_sign_in(officer)  # four minutes: still within the police's five
    age(officer_context, idle_seconds=6 * 60)
    officer.goto(f"{live_server.url}/plans/")
    assert is_on_sign_in(officer)
    expect(officer.get_by_text("You were signed out after 5 minutes without activity")).to_be_visible()
    admin_context.close()
    officer_context.close()


def test_sign_out_everywhere_ends_the_persons_other_browser(browser, live_server, police):
    laptop = browser.new_context(viewport=DESKTOP)
    phone = browser.new_context(viewport=PHONE)
    on_laptop, on_phone = laptop.new_page(), phone.new_page()
    sign_in(on_laptop, live_server, "police_officer")
    sign_in(on_phone, live_server, "police_officer")
    _, token = api_token_create(user=police.partner_view_member, name="Patrol car tablet")

    on_laptop.goto(f"{live_server.url}/accounts/sessions/")
    expect(on_laptop.get_by_role("heading", level=1)).to_have_text("Where you are signed in")
    expect(on_laptop.get_by_text("This browser", exact=True)).to_be_visible()
    screenshot(on_laptop, "sign-out-everywhere-desktop")
    on_laptop.get_by_role("button", name="Sign out everywhere else").click()
    expect(on_laptop.get_by_text("1 other browser session")).to_be_visible()

    on_phone.goto(f"{live_server.url}/plans/")
    assert is_on_sign_in(on_phone)
    on_laptop.goto(f"{live_server.url}/plans/")
    assert not is_on_sign_in(on_laptop)  # the browser that asked stays signed in
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").status_code == 401
    laptop.close()
    phone.close()


def test_an_admin_signs_a_members_lost_phone_out_with_its_token(browser, live_server, police):
    admin_context = browser.new_context(viewport=PHONE)
    lost_phone = browser.new_context(viewport=PHONE)
    admin, officer = admin_context.new_page(), lost_phone.new_page()
    sign_in(officer, live_server, "police_officer")
    _, token = api_token_create(user=police.partner_view_member, name="Patrol car tablet")
    sign_in(admin, live_server, "police_admin")

    admin.goto(f"{live_server.url}/agencies/{police.police.pk}/#members")
    admin.get_by_role("link", name="Sign out everywhere for police_officer").click()
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Sign police_officer out everywhere?")
    screenshot(admin, "member-sign-out-everywhere-phone")
    admin.get_by_role("button", name="Sign out everywhere").click()
    expect(admin.get_by_text("police_officer is signed out everywhere")).to_be_visible()

    officer.goto(f"{live_server.url}/plans/")
    assert is_on_sign_in(officer)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").status_code == 401
    assert User.objects.get(username="police_officer").is_active  # still a member; signs in again
    admin_context.close()
    lost_phone.close()

"""Signing in and out in a real browser."""

import re

from playwright.sync_api import expect

from tests.web.conftest import PASSWORD, PHONE, screenshot, sign_in


def test_a_person_signs_in_sees_their_agency_and_signs_out(page, live_server, web_county, console_errors):
    sign_in(page, live_server, "police_liaison")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".site-user")).to_contain_text("Ridgeford Police")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert console_errors == []


def test_a_wrong_password_says_so_without_revealing_which_part_was_wrong(page, live_server, web_county):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("police_liaison")
    page.get_by_label("Password").fill(PASSWORD + "x")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()


def test_after_five_wrong_passwords_the_page_says_sign_in_is_paused_and_until_when(page, live_server, web_county):
    from tests.web.test_accessibility import violations_on

    page.goto(f"{live_server.url}/accounts/login/")
    for attempt in range(5):
        page.get_by_label("Username").fill("police_liaison")
        page.get_by_label("Password").fill(f"{PASSWORD}-{attempt}")
        page.get_by_role("button", name="Sign in").click()
        if attempt < 4:
            expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()
            page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="Sign-in paused")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Try again after \d\d:\d\d UTC"))).to_be_visible()
    expect(page.get_by_text("administrator", exact=False).first).to_be_visible()
    assert violations_on(page) == []
    page.set_viewport_size(PHONE)
    screenshot(page, "sign-in-paused-phone")
    # The right password is refused too while the pause lasts.
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("police_liaison")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign-in paused")).to_be_visible()

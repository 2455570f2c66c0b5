"""Signing in and out in a real browser."""

import re

from playwright.sync_api import expect

from tests.web.conftest import PASSWORD, sign_in


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

"""The API tokens page in a real browser: reached from the user menu, the token shown once, revoked after asking."""

import pytest
from rest_framework.test import APIClient

from tests.web.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.web.test_accessibility import violations_on


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_person_creates_copies_and_revokes_a_token_in_the_browser(
    web_county, live_server, page, console_errors, viewport
):
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "district_member")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("Dispatch CAD link")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_label("Token", exact=True).input_value()
    assert len(token) == 64
    assert violations_on(page) == []
    if viewport == DESKTOP:
        screenshot(page, "api-tokens")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").status_code == 200
    page.get_by_role("link", name="Revoke Dispatch CAD link").click()
    assert violations_on(page) == []
    page.get_by_role("button", name="Revoke token").click()
    assert "was revoked" in page.content()
    assert api.get("/api/v1/me/").status_code == 401
    assert console_errors == []

"""The calendar-feed page in a real browser: reached from API tokens, the link shown once, working, then revoked."""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from tests.feeds.helpers import summaries
from tests.web.conftest import DESKTOP, PHONE, sign_in
from tests.web.test_accessibility import violations_on
from tests.web.test_phone_layout import overflow


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_person_makes_a_calendar_link_subscribes_and_revokes_it(
    web_county, live_server, page, console_errors, viewport
):
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "police_officer")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_role("link", name="calendar feed").click()
    page.get_by_role("button", name="Create a link").click()
    url = page.get_by_label("Calendar link").input_value()
    assert violations_on(page) == []
    assert overflow(page) == 0
    path = urlsplit(url).path
    response = Client().get(path)
    assert response.status_code == 200
    assert any(summary.startswith("Review due: ") for summary in summaries(response.content))
    page.get_by_role("button", name="Revoke the link").click()
    assert "was revoked" in page.content()
    assert Client().get(path).status_code == 404
    assert console_errors == []

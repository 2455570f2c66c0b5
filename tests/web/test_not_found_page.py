"""With DEBUG on (the `make run` default) a page you may not see still answers Concord's own "Not found" page,
exactly as in production: never Django's debug page, which would also list every URL pattern of the portal."""

import pytest
from django.test import override_settings

from tests.conftest import web_client

PRODUCT_PAGE = "This page does not exist, or it is not shared with your agency."
DEBUG_PAGE_MARKS = ("Django tried these URL patterns", "seeing this error because you have", "technical_404")


def assert_product_not_found(response) -> None:
    page = response.content.decode()
    assert response.status_code == 404
    assert PRODUCT_PAGE in page
    for mark in DEBUG_PAGE_MARKS:
        assert mark not in page
    assert "api/v1/" not in page  # no URL pattern leaks
    assert "Back to your dashboard" in page


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
def test_a_plan_you_may_not_see_answers_the_product_not_found_page(county, debug):
    with override_settings(DEBUG=debug):
        response = web_client(county.unrelated_admin).get(f"/plans/{county.plan.pk}/")
    assert_product_not_found(response)


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
def test_an_address_that_matches_nothing_answers_the_product_not_found_page(county, debug):
    with override_settings(DEBUG=debug):
        response = web_client(county.owner_admin).get("/no-such-page/")
    assert_product_not_found(response)


def test_a_version_you_may_not_see_answers_the_same_page_as_one_that_does_not_exist(county):
    client = web_client(county.partner_view_member)
    with override_settings(DEBUG=True):
        draft = client.get(f"/plans/{county.plan.pk}/versions/{county.draft.number}/")
        missing = client.get(f"/plans/{county.plan.pk}/versions/99/")
    assert_product_not_found(draft)
    assert_product_not_found(missing)


def test_with_debug_on_a_missing_slash_still_redirects_and_the_api_still_answers_json(county):
    client = web_client(county.owner_admin)
    with override_settings(DEBUG=True):
        redirect = client.get("/plans")
        api = client.get("/api/v1/plans/999999/")
        unmatched_api = client.get("/api/v1/no-such-endpoint/")
    assert redirect.status_code == 301
    assert redirect["Location"] == "/plans/"
    assert api.status_code == 404
    assert "detail" in api.json()
    assert unmatched_api.status_code == 404
    assert unmatched_api.json() == {"detail": "Not found."}

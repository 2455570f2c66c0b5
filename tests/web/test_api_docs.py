"""The API is self-describing: OpenAPI schema and interactive docs, every asset served by Concord itself."""

import re

import pytest
import yaml


@pytest.mark.django_db
def test_schema_describes_every_v1_endpoint(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    paths = set(schema["paths"])
    expected = {
        "/api/v1/auth/token/",
        "/api/v1/me/",
        "/api/v1/users/",
        "/api/v1/agencies/",
        "/api/v1/agencies/{id}/",
        "/api/v1/agencies/{agency_id}/memberships/",
        "/api/v1/agencies/{agency_id}/memberships/{membership_id}/",
        "/api/v1/facilities/",
        "/api/v1/facilities/{id}/",
        "/api/v1/facilities/{facility_id}/plans/",
        "/api/v1/plans/",
        "/api/v1/plans/{id}/",
        "/api/v1/plans/{plan_id}/versions/",
        "/api/v1/plans/{plan_id}/versions/{number}/",
        "/api/v1/plans/{plan_id}/versions/{number}/publish/",
        "/api/v1/plans/{plan_id}/versions/{number}/withdraw/",
        "/api/v1/plans/{plan_id}/versions/{number}/diff/",
        "/api/v1/plans/{plan_id}/versions/{number}/acknowledge/",
        "/api/v1/plans/{plan_id}/acknowledgements/",
        "/api/v1/plans/{plan_id}/versions/{number}/attachments/",
        "/api/v1/plans/{plan_id}/versions/{number}/attachments/{attachment_id}/download/",
        "/api/v1/plans/{plan_id}/shares/",
        "/api/v1/plans/{plan_id}/shares/{agency_id}/",
        "/api/v1/plans/{plan_id}/versions/{number}/comments/",
        "/api/v1/plans/{plan_id}/versions/{number}/comments/{comment_id}/resolve/",
    }
    assert expected <= paths, expected - paths


@pytest.mark.django_db
def test_interactive_docs_load_their_assets_from_concord_not_a_cdn(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html.lower()
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert assets, "the docs page should reference its own static assets"
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset


@pytest.mark.django_db
def test_signed_out_visitors_land_on_the_sign_in_page_and_the_api_root_lists_collections(client):
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"] == "/accounts/login/"
    login = client.get("/accounts/login/")
    assert login.status_code == 200
    assert b'name="password"' in login.content
    root = client.get("/api/v1/", HTTP_ACCEPT="application/json")
    assert root.status_code == 200
    assert root.json()["plans"].endswith("/api/v1/plans/")


@pytest.mark.django_db
def test_pages_send_a_content_security_policy_that_allows_only_self(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    [stylesheet] = re.findall(r"<link rel=.stylesheet. href=.([^\"]+).", html)
    assert stylesheet.startswith("/static/")
    assert client.get(stylesheet).status_code == 200
    for script in re.findall(r'<script[^>]*src="([^"]+)"', html):
        assert script.startswith("/static/"), script
        assert client.get(script).status_code == 200
    # A JSON data block (the passkey sign-in's options) is not run by the browser; any other inline script is.
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert all('type="application/json"' in tag for tag in inline), "no inline scripts"

"""Signing in through the test identity provider with Django's test client: Concord's pages in the client, the
provider's pages over real HTTP (as the person's browser), and Concord's server calling the provider itself."""

import re
from urllib.parse import parse_qs, urlsplit

import requests
from django.test import Client

from access.actors import SYSTEM
from identity.services import agency_sso_configure
from tests.oidc_provider import harness


def connect(provider, agency, *, domains: list[str], sso_only: bool = False, enabled: bool = True):
    """The agency's admin has registered Concord at the provider and saved its settings."""
    return agency_sso_configure(
        agency=agency,
        actor=SYSTEM,
        issuer=provider.issuer,
        client_id=harness.client_id(agency.slug),
        client_secret=harness.client_secret(agency.slug),
        domains=domains,
        sso_only=sso_only,
        enabled=enabled,
    )


def at_provider(provider, authorize_url: str, email: str) -> str:
    """Sign in on the provider's own form; returns the URL it sends the browser back to (Concord's callback)."""
    browser = requests.Session()
    page = browser.get(authorize_url, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    next_url = parse_qs(urlsplit(page.url).query)["next"][0]
    signed_in = browser.post(
        page.url,
        data={"csrfmiddlewaretoken": token, "username": email, "password": harness.PASSWORD, "next": next_url},
        allow_redirects=False,
        timeout=10,
    )
    assert signed_in.status_code == 302, signed_in.text
    back = browser.get(f"{provider.issuer}{signed_in.headers['Location']}", allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    return back.headers["Location"]


def sso_sign_in(provider, email: str, *, client: Client | None = None, agency_slug: str | None = None):
    """The whole round trip from Concord's "Sign in with my agency" step; returns (client, final response)."""
    client = client or Client()
    if agency_slug is None:  # the step names the one agency whose button the person then presses
        step = client.post("/accounts/sso/", {"email": email})
        assert step.status_code == 200, step.content.decode()
        slugs = re.findall(r'name="agency" value="([^"]+)"', step.content.decode())
        assert len(slugs) == 1, slugs
        agency_slug = slugs[0]
    start = client.post("/accounts/sso/", {"email": email, "agency": agency_slug})
    assert start.status_code == 302, start.content.decode()
    assert start["Location"].startswith(f"{provider.issuer}/authorize/"), start["Location"]
    callback = urlsplit(at_provider(provider, start["Location"], email))
    return client, client.get(f"{callback.path}?{callback.query}")


def through_provider(provider, client: Client, slug: str, email: str):
    """Start at one agency's provider directly (its allauth login URL), whoever the e-mail belongs to."""
    start = client.post(f"/accounts/oidc/agency-{slug}/login/")
    assert start.status_code == 302, start.content.decode()
    callback = urlsplit(at_provider(provider, start["Location"], email))
    return client.get(f"{callback.path}?{callback.query}")

"""The test identity provider is a real OpenID Connect provider: discovery, keys, and a signed ID token."""

import base64
import hashlib
import json
import re
import secrets
from urllib.parse import parse_qs, urlparse

import requests
from jwcrypto import jwk, jwt

from tests.oidc_provider import harness


def test_discovery_names_the_issuer_and_its_endpoints(oidc_provider):
    discovery = requests.get(f"{oidc_provider.issuer}/.well-known/openid-configuration", timeout=5).json()
    assert discovery["issuer"] == oidc_provider.issuer
    assert discovery["authorization_endpoint"] == f"{oidc_provider.issuer}/authorize/"
    assert discovery["token_endpoint"] == f"{oidc_provider.issuer}/token/"
    assert "RS256" in discovery["id_token_signing_alg_values_supported"]


def test_jwks_publishes_the_rsa_signing_key(oidc_provider):
    discovery = requests.get(f"{oidc_provider.issuer}/.well-known/openid-configuration", timeout=5).json()
    keys = requests.get(discovery["jwks_uri"], timeout=5).json()["keys"]
    assert [(key["kty"], key["alg"], key["use"]) for key in keys] == [("RSA", "RS256", "sig")]


def _id_token_for(provider, email: str, slug: str = "lindell-oem") -> dict:
    """The authorization-code flow with PKCE, as a browser and a relying party would run it."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    redirect_uri = harness.callback_url("http://testserver", slug)
    browser = requests.Session()
    authorize = browser.get(
        f"{provider.issuer}/authorize/",
        params={
            "response_type": "code",
            "client_id": harness.client_id(slug),
            "redirect_uri": redirect_uri,
            "scope": "openid email profile",
            "state": "s",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
        timeout=5,
    )
    assert "/login/" in authorize.url
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', authorize.text).group(1)
    signed_in = browser.post(
        authorize.url,
        data={
            "csrfmiddlewaretoken": csrf,
            "username": email,
            "password": harness.PASSWORD,
            "next": parse_qs(urlparse(authorize.url).query)["next"][0],
        },
        allow_redirects=False,
        timeout=5,
    )
    back = browser.get(f"{provider.issuer}{signed_in.headers['Location']}", allow_redirects=False, timeout=5)
    assert back.headers["Location"].startswith(redirect_uri)
    code = parse_qs(urlparse(back.headers["Location"]).query)["code"][0]
    tokens = requests.post(
        f"{provider.issuer}/token/",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": harness.client_id(slug),
            "client_secret": harness.client_secret(slug),
            "code_verifier": verifier,
        },
        timeout=5,
    ).json()
    keys = jwk.JWKSet.from_json(requests.get(f"{provider.issuer}/.well-known/jwks.json", timeout=5).text)
    token = jwt.JWT(jwt=tokens["id_token"], key=keys, expected_type="JWS")
    return json.loads(token.claims)


def test_the_id_token_is_signed_and_says_whether_the_email_is_verified(oidc_provider):
    claims = _id_token_for(oidc_provider, "em_admin@lindell-oem.example.org")
    assert claims["iss"] == oidc_provider.issuer
    assert claims["aud"] == harness.client_id("lindell-oem")
    assert (claims["email"], claims["email_verified"]) == ("em_admin@lindell-oem.example.org", True)
    unverified = _id_token_for(oidc_provider, "em_staff01@lindell-oem.example.org")
    assert unverified["email_verified"] is False

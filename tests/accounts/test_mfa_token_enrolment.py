"""Existing API tokens of a person who becomes subject to an MFA requirement wait until they enrol."""

from rest_framework.test import APIClient

from access.actors import SYSTEM
from accounts.services import api_token_create
from agencies.models import Role
from agencies.services import agency_update, membership_add
from tests.mfa import enrol_app


def _client(user) -> APIClient:
    _token, plaintext = api_token_create(user=user, name="cad")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {plaintext}")
    return client


def test_a_token_stops_working_when_the_agency_requires_mfa_until_its_holder_enrols(county):
    officer = county.partner_view_member
    client = _client(officer)
    assert client.get("/api/v1/plans/").status_code == 200
    agency_update(agency=county.police, actor=SYSTEM, require_mfa=True)
    refused = client.get("/api/v1/plans/")
    assert refused.status_code == 403
    assert refused.json()["code"] == "mfa_enrolment_required"
    assert "/accounts/2fa/" in refused.json()["detail"]
    enrol_app(officer)
    assert client.get("/api/v1/plans/").status_code == 200


def test_joining_an_agency_that_requires_mfa_holds_the_tokens_too(county):
    agency_update(agency=county.unrelated, actor=SYSTEM, require_mfa=True)
    liaison = county.partner_comment_liaison
    client = _client(liaison)
    assert client.get("/api/v1/plans/").status_code == 200
    membership_add(agency=county.unrelated, user=liaison, role=Role.MEMBER, actor=SYSTEM)
    assert client.get("/api/v1/plans/").json()["code"] == "mfa_enrolment_required"

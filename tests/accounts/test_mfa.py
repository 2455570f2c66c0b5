"""Multi-factor sign-in: the token endpoint's one-time code, enrolment at sign-in when an agency requires it,
the tokens page after a full sign-in, and the audit trail of a person's factors."""

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from access.actors import SYSTEM
from accounts.models import ApiToken
from agencies.services import agency_update
from audit.models import AuditAction, AuditEvent
from tests.conftest import web_client
from tests.mfa import enrol_app, totp_code
from tests.sign_in import SIGN_IN_URL, sign_in_form

PASSWORD = "a-long-enough-passphrase-8"
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def officer(county):
    """A police officer with a password (the police department is a partner of the county's plan)."""
    user = county.partner_view_member
    user.set_password(PASSWORD)
    user.save()
    return user


def _token(username: str, **extra: str):
    return APIClient().post(TOKEN_URL, {"username": username, "password": PASSWORD, **extra}, format="json")


def test_the_token_endpoint_asks_a_person_with_mfa_for_their_code(officer):
    secret, codes = enrol_app(officer)
    missing = _token(officer.username)
    assert missing.status_code == 400
    assert "authenticator app" in missing.json()["otp"][0]
    wrong = _token(officer.username, otp="000000" if totp_code(secret) != "000000" else "111111")
    assert wrong.status_code == 400
    assert "wrong or has expired" in wrong.json()["otp"][0]
    assert not ApiToken.objects.filter(user=officer).exists()
    issued = _token(officer.username, otp=totp_code(secret))
    assert issued.status_code == 200, issued.content
    assert ApiToken.objects.filter(user=officer, pk=issued.json()["id"]).exists()
    # A recovery code works once.
    cache.clear()
    assert _token(officer.username, otp=codes[0]).status_code == 200
    assert _token(officer.username, otp=codes[0]).status_code == 400


def test_wrong_codes_count_toward_the_sign_in_lockout(officer):
    secret, _codes = enrol_app(officer)
    wrong = "000000" if totp_code(secret) != "000000" else "111111"
    for _ in range(4):
        assert _token(officer.username, otp=wrong).status_code == 400
    locked = _token(officer.username, otp=wrong)
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    # Even the right code is refused while the lock lasts.
    assert _token(officer.username, otp=totp_code(secret)).status_code == 429


def test_a_person_without_mfa_in_an_agency_requiring_it_gets_no_token_until_they_enrol(county, officer):
    agency_update(agency=county.police, actor=SYSTEM, require_mfa=True)
    refused = _token(officer.username)
    assert refused.status_code == 400
    assert "/accounts/2fa/" in refused.json()["otp"][0]
    assert _token(county.owner_member.username).status_code == 400  # wrong password for them: unrelated


def test_people_without_mfa_and_no_requirement_sign_in_to_the_api_as_before(officer):
    assert _token(officer.username).status_code == 200


def test_a_person_whose_agency_requires_mfa_is_sent_to_enrol_at_sign_in_and_can_use_nothing_else(
    county, officer, django_capture_on_commit_callbacks
):
    agency_update(agency=county.police, actor=SYSTEM, require_mfa=True)
    client = Client()
    signed_in = client.post(SIGN_IN_URL, sign_in_form(officer.username, PASSWORD))
    assert signed_in.status_code == 302
    for page in ["/", "/plans/", "/accounts/api-tokens/"]:
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"] == "/accounts/2fa/"
    api = client.get("/api/v1/plans/")
    assert api.status_code == 403
    assert api.json()["code"] == "mfa_enrolment_required"
    # The installable app's worker script and manifest hold no one's data and load on the enrolment page too;
    # what the device may keep offline is not listed before enrolment (redirected: the worker keeps nothing).
    assert client.get("/service-worker.js").status_code == 200
    assert client.get("/manifest.webmanifest").status_code == 200
    assert client.get("/offline/urls/").status_code == 302
    enrol_page = client.get("/accounts/2fa/", follow=True)
    assert enrol_page.status_code == 200
    assert b"Your agency requires multi-factor sign-in" in enrol_page.content
    # Enrolling through the page (the QR code's secret and its current code) opens the rest again; changing
    # one's factors asks for the password once more first (allauth's re-authentication).
    asked = client.get("/accounts/2fa/totp/activate/")
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    assert client.post(asked["Location"], {"password": PASSWORD}).status_code == 302
    activate = client.get("/accounts/2fa/totp/activate/")
    assert activate.status_code == 200
    secret = activate.context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):  # allauth announces the new factor after commit
        done = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert done.status_code == 302
    assert client.get("/").status_code == 200
    added = AuditEvent.objects.filter(action=AuditAction.MFA_ADD, actor=officer)
    assert set(added.values_list("details__type", flat=True)) >= {"totp"}


def test_a_person_in_no_agency_requiring_mfa_is_not_asked(county, officer):
    agency_update(agency=county.district, actor=SYSTEM, require_mfa=True)
    client = Client()
    client.post(SIGN_IN_URL, sign_in_form(officer.username, PASSWORD))
    assert client.get("/").status_code == 200


def test_staff_must_enrol_when_the_staff_rule_is_on(county, settings):
    settings.REQUIRE_MFA_FOR_STAFF = True
    staff = county.staff
    staff.set_password(PASSWORD)
    staff.save()
    client = Client()
    client.post(SIGN_IN_URL, sign_in_form(staff.username, PASSWORD))
    assert client.get("/")["Location"] == "/accounts/2fa/"


def test_sign_in_asks_for_the_code_of_a_person_with_mfa(officer):
    secret, _codes = enrol_app(officer)
    client = Client()
    first = client.post(SIGN_IN_URL, sign_in_form(officer.username, PASSWORD))
    assert first["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    assert client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)}).status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_the_tokens_page_issues_a_token_only_after_the_second_factor(officer):
    secret, _codes = enrol_app(officer)
    password_only = web_client(officer)  # a session that never used the second factor
    page = password_only.get("/accounts/api-tokens/")
    assert b"confirm with your authenticator code" in page.content
    refused = password_only.post("/accounts/api-tokens/", {"name": "cad"})
    assert refused.status_code == 200
    assert b"Confirm your second factor first" in refused.content
    assert not ApiToken.objects.filter(user=officer).exists()
    # Confirming the code in this session (allauth's re-authentication) lets the token through.
    confirm = password_only.post("/accounts/2fa/reauthenticate/", {"code": totp_code(secret)})
    assert confirm.status_code == 302
    created = password_only.post("/accounts/api-tokens/", {"name": "cad"})
    assert created.status_code == 200
    assert ApiToken.objects.filter(user=officer, name="cad").exists()


def test_the_agency_policy_change_is_audited_as_an_agency_update(county):
    admin = APIClient()
    admin.force_authenticate(county.owner_admin)
    response = admin.patch(f"/api/v1/agencies/{county.district.pk}/", {"require_mfa": True}, format="json")
    assert response.status_code == 200
    assert response.json()["require_mfa"] is True
    event = AuditEvent.objects.filter(action=AuditAction.AGENCY_UPDATE, agency=county.district).latest("pk")
    assert event.details["changes"] == {"require_mfa": [False, True]}
    member = APIClient()
    member.force_authenticate(county.owner_member)
    assert (
        member.patch(f"/api/v1/agencies/{county.district.pk}/", {"require_mfa": False}, format="json").status_code
        == 403
    )

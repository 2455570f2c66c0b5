"""Reading a law-enforcement-sensitive plan can need multi-factor sign-in: the owner's setting (or the platform's)
on and off, a reader with and without a second factor, in the web pages, the API and the exports. Only content
is gated: the plan's title still lists."""

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

from accounts.services import api_token_create
from agencies.models import Agency, Membership, Role
from audit.models import AuditAction, AuditEvent
from consistency.models import FactKey
from plans.models import Classification, Plan
from tests.agencies.factories import UserFactory
from tests.conftest import web_client
from tests.consistency.helpers import publish_facts
from tests.mfa import enrol_app, totp_code
from tests.plans.factories import make_plan
from tests.sign_in import SIGN_IN_URL, sign_in_form

PASSWORD = "a-long-enough-passphrase-8"
PAGE_TITLE = b"This plan needs multi-factor sign-in"


@pytest.fixture
def sensitive(county):
    """The county's plan made law-enforcement sensitive (the police department reads it as a partner)."""
    Plan.objects.filter(pk=county.plan.pk).update(classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    county.plan.refresh_from_db()
    return county.plan


def _owner_requires(county, required: bool) -> None:
    Agency.objects.filter(pk=county.district.pk).update(les_read_requires_mfa=required)


def _mfa_session(user) -> Client:
    """A browser that signed in with the password and the authenticator app's code."""
    secret, _codes = enrol_app(user)
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    assert client.post(SIGN_IN_URL, sign_in_form(user.username, PASSWORD))["Location"] == "/accounts/2fa/authenticate/"
    assert client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)}).status_code == 302
    return client


def _token_client(user, *, second_factor: bool) -> APIClient:
    if second_factor:
        enrol_app(user)
    _token, plaintext = api_token_create(user=user, name="cad", second_factor=second_factor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {plaintext}")
    return client


def _web_paths(county) -> list[str]:
    plan, number = county.plan.pk, county.published.number
    return [
        f"/plans/{plan}/",
        f"/plans/{plan}/versions/{number}/",
        f"/plans/{plan}/diff/",
        f"/plans/{plan}/print/",
        f"/plans/{plan}/versions/{number}/export.docx",
    ]


def _api_paths(county) -> list[str]:
    plan, number = county.plan.pk, county.published.number
    return [
        f"/api/v1/plans/{plan}/",
        f"/api/v1/plans/{plan}/versions/",
        f"/api/v1/plans/{plan}/versions/{number}/",
        f"/api/v1/plans/{plan}/versions/{number}/diff/",
        f"/api/v1/plans/{plan}/versions/{number}/attachments/",
        f"/api/v1/plans/{plan}/versions/{number}/export.docx",
    ]


def _reads() -> int:
    return AuditEvent.objects.filter(action=AuditAction.PLAN_READ).count()


@pytest.mark.parametrize("owner_requires", [False, True])
@pytest.mark.parametrize("reader_used_mfa", [False, True])
def test_the_web_pages_and_exports_of_a_sensitive_plan_follow_the_owners_setting(
    county, sensitive, owner_requires, reader_used_mfa
):
    _owner_requires(county, owner_requires)
    officer = county.partner_view_member
    client = _mfa_session(officer) if reader_used_mfa else web_client(officer)
    refused = owner_requires and not reader_used_mfa
    for path in _web_paths(county):
        before = _reads()
        response = client.get(path)
        if refused:
            assert response.status_code == 403, path
            assert PAGE_TITLE in response.content, path
            assert b"Maple Valley School District" in response.content
            assert b"Evacuate to the north field" not in response.content
            # The way to the code comes back to this very page.
            assert f"/accounts/2fa/reauthenticate/?next={path.replace('/', '%2F')}".encode() in response.content
            assert _reads() == before, path  # nothing was shown, so nothing was read
        else:
            assert response.status_code == 200, path
            assert _reads() == before + 1, path
    # Only content is gated: the list still names the plan.
    listing = client.get("/plans/")
    assert listing.status_code == 200
    assert b"Maple Valley High crisis plan" in listing.content


@pytest.mark.parametrize("owner_requires", [False, True])
@pytest.mark.parametrize("token_after_mfa", [False, True])
def test_the_api_answers_mfa_required_unless_the_token_was_issued_after_a_second_factor(
    county, sensitive, owner_requires, token_after_mfa
):
    _owner_requires(county, owner_requires)
    client = _token_client(county.partner_view_member, second_factor=token_after_mfa)
    refused = owner_requires and not token_after_mfa
    for path in _api_paths(county):
        before = _reads()
        response = client.get(path)
        if refused:
            assert response.status_code == 403, path
            body = response.json()
            assert body["code"] == "mfa_required", path
            assert "Maple Valley School District requires multi-factor sign-in" in body["detail"]
            assert "otp" in body["detail"]
            assert _reads() == before, path
        else:
            assert response.status_code == 200, (path, response.content[:200])
    listing = client.get("/api/v1/plans/")
    assert listing.status_code == 200
    assert [row["title"] for row in listing.json()["results"]] == ["Maple Valley High crisis plan"]


def test_a_write_that_would_show_the_content_is_refused_before_it_changes_anything(county, sensitive):
    _owner_requires(county, True)
    client = _token_client(county.owner_planner, second_factor=False)
    response = client.patch(f"/api/v1/plans/{county.plan.pk}/", {"title": "Renamed"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"
    county.plan.refresh_from_db()
    assert county.plan.title == "Maple Valley High crisis plan"


def test_a_token_from_the_token_endpoint_with_the_code_reads_the_plan(county, sensitive):
    _owner_requires(county, True)
    officer = county.partner_view_member
    secret, _codes = enrol_app(officer)
    officer.set_password(PASSWORD)
    officer.save()
    issued = APIClient().post(
        "/api/v1/auth/token/",
        {"username": officer.username, "password": PASSWORD, "otp": totp_code(secret)},
        format="json",
    )
    assert issued.status_code == 200, issued.content
    assert issued.json()["second_factor"] is True
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.json()['token']}")
    assert client.get(f"/api/v1/plans/{county.plan.pk}/").status_code == 200
    # A token it creates passes the second factor on.
    created = client.post("/api/v1/auth/tokens/", {"name": "second"}, format="json")
    assert created.json()["second_factor"] is True


def test_a_session_that_confirms_its_code_is_sent_back_to_the_plan(county, sensitive):
    _owner_requires(county, True)
    officer = county.partner_view_member
    secret, _codes = enrol_app(officer)
    client = web_client(officer)  # signed in without the second factor
    path = f"/plans/{county.plan.pk}/"
    assert client.get(path).status_code == 403
    confirmed = client.post(f"/accounts/2fa/reauthenticate/?next={path}", {"code": totp_code(secret)})
    assert confirmed["Location"] == path
    assert client.get(path).status_code == 200


@override_settings(REQUIRE_MFA_FOR_SENSITIVE_READS=True)
def test_the_platform_setting_gates_every_sensitive_plan_whatever_its_owner_says(county, sensitive):
    response = web_client(county.partner_view_member).get(f"/plans/{county.plan.pk}/")
    assert response.status_code == 403
    assert b"this platform asks everyone" in response.content


@override_settings(REQUIRE_MFA_FOR_SENSITIVE_READS=True)
def test_plans_that_are_not_law_enforcement_sensitive_need_no_second_factor(county):
    _owner_requires(county, True)
    assert web_client(county.partner_view_member).get(f"/plans/{county.plan.pk}/").status_code == 200
    assert (
        _token_client(county.partner_view_member, second_factor=False)
        .get(f"/api/v1/plans/{county.plan.pk}/")
        .status_code
        == 200
    )


def test_turning_the_setting_on_and_off_is_an_agency_update_naming_the_field(county):
    admin = web_client(county.owner_admin)
    url = f"/agencies/{county.district.pk}/mfa/"
    on = admin.post(url, {"les_read_requires_mfa": "on"}, follow=True)
    assert b"Reading your law-enforcement-sensitive plans now needs multi-factor sign-in" in on.content
    admin.post(url, {"require_mfa": ""})  # the box unticked (a browser sends the CSRF token)
    changes = [
        event.details["changes"]
        for event in AuditEvent.objects.filter(action=AuditAction.AGENCY_UPDATE, agency=county.district).order_by("pk")
    ]
    assert changes == [{"les_read_requires_mfa": [False, True]}, {"les_read_requires_mfa": [True, False]}]
    api = APIClient()
    api.force_authenticate(county.owner_admin)
    patched = api.patch(f"/api/v1/agencies/{county.district.pk}/", {"les_read_requires_mfa": True}, format="json")
    assert patched.json()["les_read_requires_mfa"] is True


def test_the_building_page_shows_the_facts_of_the_plans_read_without_the_withheld_ones_column(county, sensitive):
    """An officer without a second factor sees their own agency's facts under their own agency's name: the
    district's withheld sensitive plan has no column (it used to shift the columns, then fail the page)."""
    _owner_requires(county, True)
    police_admin = Membership.objects.create(
        user=UserFactory(username="police_chief"), agency=county.police, role=Role.ADMIN
    ).user
    police_plan = make_plan(
        owner=county.police, actor=police_admin, title="Patrol response", facilities=[county.school]
    )
    publish_facts(county.plan, county.owner_admin, {county.school: {FactKey.STAGING_AREA: "East bus loop"}}, "Next")
    publish_facts(police_plan, police_admin, {county.school: {FactKey.STAGING_AREA: "Stadium lot"}})
    response = web_client(county.partner_view_member).get(f"/facilities/{county.school.pk}/")
    assert response.status_code == 200
    table = response.content.decode().split('id="key-facts-heading"')[1].split("</table>")[0]
    assert "Stadium lot" in table
    assert "Patrol response" in table
    assert "East bus loop" not in table
    assert "Maple Valley High crisis plan" not in table

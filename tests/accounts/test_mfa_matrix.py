"""Tenant isolation of multi-factor sign-in: the agency's MFA page and enrolment list (its admins and staff),
your own enrolment in the API (yours alone), and a passkey by id (its holder alone)."""

import pytest
from allauth.mfa.models import Authenticator

from agencies.models import Agency
from tests.agencies.factories import UserFactory
from tests.conftest import web_client
from tests.mfa import enrol_app
from tests.permission_matrix import ACTORS, client_as, covers, matrix, user_of

PASSWORD = "a-long-enough-passphrase-8"
ADMINS_AND_STAFF = {**dict.fromkeys(ACTORS, 403), "owner_admin": 200, "staff": 200}


def policy() -> list[tuple]:
    return sorted(Agency.objects.values_list("pk", "require_mfa"))


@covers("agencies:mfa")
@pytest.mark.parametrize(("actor", "expected"), matrix(**{**ADMINS_AND_STAFF, "anonymous": 302}))
def test_only_agency_admins_and_staff_open_and_change_the_agency_mfa_page(county, actor, expected):
    enrol_app(county.owner_member)
    assert web_client(county.owner_admin).get("/agencies/999999/mfa/").status_code == 404
    client = web_client(user_of(county, actor))
    url = f"/agencies/{county.district.pk}/mfa/"
    before = policy()
    page = client.get(url)
    assert page.status_code == expected
    if expected == 200:
        text = page.content.decode()
        assert "district_member" in text
        assert "1 of 4 members have set one up" in text
    changed = client.post(url, {"require_mfa": "on"})
    if expected == 200:
        assert changed.status_code == 302
        assert Agency.objects.get(pk=county.district.pk).require_mfa
    else:
        assert changed.status_code == expected
        assert policy() == before


@covers("agency-mfa-enrolment")
@pytest.mark.parametrize(("actor", "expected"), matrix(**{**ADMINS_AND_STAFF, "anonymous": 401}))
def test_only_agency_admins_and_staff_list_who_has_enrolled(county, actor, expected):
    enrol_app(county.owner_member)
    response = client_as(county, actor).get(f"/api/v1/agencies/{county.district.pk}/mfa-enrolment/")
    assert response.status_code == expected, response.content
    if expected == 200:
        rows = {row["username"]: row for row in response.json()["results"]}
        assert set(rows) == {"district_admin", "district_planner", "district_liaison", "district_member"}
        assert rows["district_member"]["enrolled"] is True
        assert rows["district_member"]["authenticator_app"] is True
        assert rows["district_member"]["recovery_codes"] is True
        assert rows["district_admin"]["enrolled"] is False
    else:
        assert b"district_member" not in response.content
    assert client_as(county, "owner_admin").get("/api/v1/agencies/999999/mfa-enrolment/").status_code == 404


def test_the_enrolment_list_costs_the_same_queries_for_5_and_60_members(county, django_assert_max_num_queries):
    client = client_as(county, "owner_admin")
    url = f"/api/v1/agencies/{county.district.pk}/mfa-enrolment/"
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
    from access.actors import SYSTEM
    from agencies.services import membership_add

    for i in range(56):
        person = UserFactory(username=f"extra{i}")
        membership_add(agency=county.district, user=person, role="member", actor=SYSTEM)
        if i % 2:
            enrol_app(person)
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


@covers("me-mfa")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=401, **{a: 200 for a in ACTORS if a != "anonymous"}))
def test_everyone_reads_only_their_own_enrolment(county, actor, expected, django_assert_max_num_queries):
    enrol_app(county.owner_member)
    with django_assert_max_num_queries(6):
        response = client_as(county, actor).get("/api/v1/me/mfa/")
    assert response.status_code == expected
    if expected == 200:
        body = response.json()
        assert body["enrolled"] is (actor == "owner_member")
        assert body["mfa_required"] is False
        assert body["enrol_url"] == "/accounts/2fa/"


@covers("mfa_edit_webauthn", "mfa_remove_webauthn")
@pytest.mark.parametrize(
    ("actor", "expected"), matrix(**{**dict.fromkeys(ACTORS, 404), "anonymous": 302, "owner_member": 200})
)
def test_a_passkey_is_its_holders_alone(county, actor, expected):
    key = Authenticator.objects.create(
        user=county.owner_member, type=Authenticator.Type.WEBAUTHN, data={"name": "Desk key", "credential": {}}
    )
    person = user_of(county, actor)
    client = web_client(person)
    if person is not None:  # changing one's factors asks for the password again first: give it
        person.set_password(PASSWORD)
        person.save()
        client.force_login(person)
        assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    for url in (f"/accounts/2fa/webauthn/keys/{key.pk}/edit/", f"/accounts/2fa/webauthn/keys/{key.pk}/remove/"):
        assert client.get(url).status_code == expected, url
        if expected != 200:
            assert client.post(url, {"name": "Mine now"}).status_code == expected
    assert Authenticator.objects.filter(pk=key.pk, data__name="Desk key").exists()

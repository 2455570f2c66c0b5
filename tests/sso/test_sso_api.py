"""The agency single sign-on API: its admins (and platform staff) read, set up, change and remove it."""

import pytest
from allauth.socialaccount.models import SocialApp

from audit.models import AuditAction, AuditEvent
from identity.models import AgencySSO, SSODomain
from tests.conftest import client_for
from tests.permission_matrix import client_as, covers, matrix

ISSUER = "http://127.0.0.1:9/idp"  # never called: configuring checks the address, not the provider
SECRET = "the-district-idp-secret"


def sso_admins(ok: int) -> list:
    """Outside the district its configuration does not exist (404); its non-admin members get 403."""
    return matrix(
        anonymous=401,
        owner_admin=ok,
        owner_planner=403,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=404,
        partner_view_member=404,
        partner_comment_liaison=404,
        unrelated_admin=404,
        staff=ok,
    )


def url(county) -> str:
    return f"/api/v1/agencies/{county.district.pk}/sso/"


BODY = {
    "issuer": ISSUER,
    "client_id": "concord-district",
    "client_secret": SECRET,
    "domains": ["maple-valley.example.org"],
    "sso_only": True,
}


@pytest.fixture
def configured(county):
    response = client_for(county.owner_admin).put(url(county), BODY, format="json")
    assert response.status_code == 201, response.content
    return AgencySSO.objects.get(agency=county.district)


def world() -> list:
    return [
        sorted(SocialApp.objects.values_list("id", "provider_id", "client_id", "secret", "settings")),
        sorted(AgencySSO.objects.values_list("id", "agency_id", "sso_only", "enabled")),
        sorted(SSODomain.objects.values_list("sso_id", "domain")),
        AuditEvent.objects.count(),
    ]


@covers("agency-sso")
@pytest.mark.parametrize(("actor", "expected"), sso_admins(200))
def test_reading_the_configuration_never_shows_the_secret(county, configured, actor, expected):
    response = client_as(county, actor).get(url(county))
    assert response.status_code == expected, response.content
    assert SECRET not in response.content.decode()
    if expected == 200:
        assert response.json() == {
            "agency": county.district.pk,
            "provider_id": "agency-maple-valley",
            "redirect_uri": "http://testserver/accounts/oidc/agency-maple-valley/login/callback/",
            "issuer": ISSUER,
            "client_id": "concord-district",
            "client_secret_set": True,
            "domains": ["maple-valley.example.org"],
            "sso_only": True,
            "enabled": True,
            "updated_at": response.json()["updated_at"],
        }


@covers("agency-sso")
@pytest.mark.parametrize(("actor", "expected"), sso_admins(201))
def test_setting_up_single_sign_on(county, actor, expected):
    before = world()
    response = client_as(county, actor).put(url(county), BODY, format="json")
    assert response.status_code == expected, response.content
    if expected == 201:
        assert SECRET not in response.content.decode()
        sso = AgencySSO.objects.get(agency=county.district)
        assert (sso.app.secret, sso.app.settings["server_url"], sso.enforced) == (SECRET, ISSUER, True)
        event = AuditEvent.objects.get(action=AuditAction.SSO_CONFIGURE)
        assert SECRET not in str(event.details)
    else:
        assert world() == before


@covers("agency-sso")
@pytest.mark.parametrize(("actor", "expected"), sso_admins(200))
def test_changing_it_keeps_the_secret_unless_a_new_one_is_given(county, configured, actor, expected):
    before = world()
    change = {key: value for key, value in BODY.items() if key != "client_secret"}
    response = client_as(county, actor).put(url(county), {**change, "domains": ["mvsd.example.org"]}, format="json")
    assert response.status_code == expected, response.content
    if expected == 200:
        configured.refresh_from_db()
        configured.app.refresh_from_db()
        assert (configured.app.secret, configured.allowed_domains) == (SECRET, ["mvsd.example.org"])
        event = AuditEvent.objects.get(action=AuditAction.SSO_CHANGE)
        assert event.details == {"changes": {"domains": [["maple-valley.example.org"], ["mvsd.example.org"]]}}
    else:
        assert world() == before


@covers("agency-sso")
@pytest.mark.parametrize(("actor", "expected"), sso_admins(204))
def test_removing_it(county, configured, actor, expected):
    before = world()
    response = client_as(county, actor).delete(url(county))
    assert response.status_code == expected, response.content
    if expected == 204:
        assert not AgencySSO.objects.exists()
        assert not SocialApp.objects.exists()
        assert AuditEvent.objects.filter(action=AuditAction.SSO_REMOVE).count() == 1
    else:
        assert world() == before


def test_an_agency_without_single_sign_on_answers_404(county):
    assert client_for(county.owner_admin).get(url(county)).status_code == 404
    assert client_for(county.owner_admin).delete(url(county)).status_code == 404


def test_a_new_secret_replaces_the_old_one_and_the_audit_trail_says_so_without_either(county, configured):
    response = client_for(county.owner_admin).put(url(county), {**BODY, "client_secret": "rotated"}, format="json")
    assert response.status_code == 200
    configured.app.refresh_from_db()
    assert configured.app.secret == "rotated"
    event = AuditEvent.objects.get(action=AuditAction.SSO_CHANGE)
    assert event.details == {"changes": {"client_secret": ["(hidden)", "(replaced)"]}}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"client_secret": None}, "client_secret", "This field may not be null."),
        ({"issuer": "not a url"}, "issuer", "Enter the issuer URL"),
        ({"issuer": "ftp://idp.example.org"}, "issuer", "Concord may not call this issuer"),
        ({"issuer": "http://169.254.169.254/"}, "issuer", "Concord may not call this issuer"),
        ({"domains": []}, "domains", "This list may not be empty."),
        ({"client_id": "  "}, "client_id", "This field may not be blank."),
        ({"sso_only": "perhaps"}, "sso_only", "Must be a valid boolean."),
    ],
)
def test_bad_input_is_a_400_naming_the_field(county, change, field, message):
    response = client_for(county.owner_admin).put(url(county), {**BODY, **change}, format="json")
    assert response.status_code == 400, response.content
    assert message in " ".join(response.json()[field])
    assert not AgencySSO.objects.exists()


def test_the_first_setup_needs_a_secret(county):
    body = {key: value for key, value in BODY.items() if key != "client_secret"}
    response = client_for(county.owner_admin).put(url(county), body, format="json")
    assert response.status_code == 400
    assert response.json() == {"client_secret": ["Enter the client secret your identity provider gave Concord."]}


def test_reading_costs_a_fixed_number_of_queries(county, configured, django_assert_max_num_queries):
    client = client_for(county.owner_admin)
    with django_assert_max_num_queries(5):
        assert client.get(url(county)).status_code == 200


def test_an_agency_with_a_long_name_sets_it_up(county):
    county.district.name = "Maple Valley Community Unit School District Number 200"
    county.district.save(update_fields=["name"])
    assert client_for(county.owner_admin).put(url(county), BODY, format="json").status_code == 201


def test_a_bad_domain_is_named_by_its_place_in_the_list(county):
    body = {**BODY, "domains": ["maple-valley.example.org", "not a domain"]}
    response = client_for(county.owner_admin).put(url(county), body, format="json")
    assert response.status_code == 400
    assert response.json() == {"domains": {"1": ["Not an e-mail domain, e.g. ridgeford.gov."]}}

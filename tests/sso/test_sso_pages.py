"""The agency's single sign-on page: what to register at the provider, the settings, and removing it."""

import pytest
from allauth.socialaccount.models import SocialApp

from audit.models import AuditAction, AuditEvent
from identity.models import AgencySSO
from tests.conftest import web_client
from tests.permission_matrix import covers, matrix, user_of
from tests.sso.flow import connect

SECRET = "secret-of-maple-valley-at-the-idp"


@pytest.fixture
def configured(county, oidc_provider):
    return connect(oidc_provider, county.district, domains=["maple-valley.example.org"])


def page(county) -> str:
    return f"/agencies/{county.district.pk}/sso/"


@covers("identity:agency-sso", "identity:agency-sso-remove")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=302,
        owner_admin=200,
        owner_planner=403,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=404,
        partner_view_member=404,
        partner_comment_liaison=404,
        unrelated_admin=404,
        staff=200,
    ),
)
def test_only_the_agencys_admins_and_staff_open_its_single_sign_on_pages(
    county, oidc_provider, configured, actor, expected
):
    client = web_client(user_of(county, actor))
    for url in (page(county), f"{page(county)}remove/"):
        response = client.get(url)
        assert response.status_code == expected, url
        body = response.content.decode()
        assert SECRET not in body
        assert (oidc_provider.issuer in body) == (expected == 200), url
        if expected == 302:
            assert response["Location"].startswith("/accounts/login/")
    assert AgencySSO.objects.count() == 1


def test_the_page_shows_the_exact_redirect_uri_to_register(county):
    body = web_client(county.owner_admin).get(page(county)).content.decode()
    assert 'value="http://testserver/accounts/oidc/agency-maple-valley/login/callback/"' in body


def test_an_admin_sets_up_single_sign_on_and_the_secret_is_never_shown_back(county, oidc_provider):
    client = web_client(county.owner_admin)
    form = {
        "issuer": oidc_provider.issuer,
        "client_id": "concord-maple-valley",
        "client_secret": SECRET,
        "domains": "maple-valley.example.org, MVSD.example.org",
        "enabled": "on",
        "sso_only": "on",
    }
    response = client.post(page(county), form, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Single sign-on saved." in body
    assert SECRET not in body
    assert "A client secret is stored" in body
    assert 'value="maple-valley.example.org, mvsd.example.org"' in body
    sso = AgencySSO.objects.get(agency=county.district)
    assert (sso.app.secret, sso.enforced) == (SECRET, True)
    assert AuditEvent.objects.filter(action=AuditAction.SSO_CONFIGURE, actor=county.owner_admin).count() == 1


def test_a_bad_domain_is_shown_next_to_its_field(county, oidc_provider):
    form = {"issuer": oidc_provider.issuer, "client_id": "x", "client_secret": "y", "domains": "county gov!"}
    response = web_client(county.owner_admin).post(page(county), form)
    assert response.status_code == 200
    assert "Not an e-mail domain: county, gov!." in response.content.decode()
    assert not AgencySSO.objects.exists()


def test_removing_single_sign_on_after_confirming(county, configured):
    client = web_client(county.owner_admin)
    response = client.post(f"{page(county)}remove/", follow=True)
    assert "Single sign-on removed" in response.content.decode()
    assert not AgencySSO.objects.exists()
    assert not SocialApp.objects.exists()


def test_the_agency_page_links_its_admins_to_single_sign_on(county):
    body = web_client(county.owner_admin).get(f"/agencies/{county.district.pk}/").content.decode()
    assert page(county) in body
    body = web_client(county.owner_member).get(f"/agencies/{county.district.pk}/").content.decode()
    assert page(county) not in body


def test_the_page_costs_a_fixed_number_of_queries(county, configured, django_assert_max_num_queries):
    client = web_client(county.owner_admin)
    client.get(page(county))  # the session's first read of the active agency
    # Since issue 15 the header's count of plans to read is one of them.
    with django_assert_max_num_queries(10):
        assert client.get(page(county)).status_code == 200


def test_the_sign_in_page_carries_the_next_page_into_the_sso_step(county):
    from django.test import Client

    body = Client().get("/accounts/login/?next=/plans/").content.decode()
    sso_form = body.split('id="sso-heading"', 1)[1]
    assert '<input type="hidden" name="next" value="/plans/">' in sso_form

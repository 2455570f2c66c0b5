"""An agency that allows only single sign-on: its people get in through its provider, never with a password."""

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.agencies.factories import PASSWORD
from tests.sign_in import SIGN_IN_URL, sign_in_form
from tests.sso.flow import connect, sso_sign_in

DOMAIN = "maple-valley.example.org"


@pytest.fixture
def sso_only(county, oidc_provider):
    county.owner_admin.email = f"district_admin@{DOMAIN}"
    county.owner_admin.save(update_fields=["email"])
    return connect(oidc_provider, county.district, domains=[DOMAIN], sso_only=True)


def test_the_right_password_is_answered_with_sign_in_with_the_agency(county, sso_only):
    client = Client()
    response = client.post(SIGN_IN_URL, sign_in_form("district_admin", PASSWORD))
    assert response.status_code == 403
    body = response.content.decode()
    assert "Sign in with Maple Valley School District (SSO)" in body
    assert "signs its people in to Concord with its own single sign-on only" in body
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_still_reads_as_a_wrong_password(county, sso_only):
    response = Client().post(SIGN_IN_URL, sign_in_form("district_admin", "not-it"))
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "single sign-on only" not in response.content.decode()


def test_the_button_on_that_page_signs_them_in_through_the_provider(county, oidc_provider, sso_only):
    client, response = sso_sign_in(oidc_provider, f"district_admin@{DOMAIN}", agency_slug="maple-valley")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(county.owner_admin.pk)


def test_the_token_endpoint_refuses_a_password_and_says_where_to_get_tokens(county, sso_only):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "district_admin", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 403
    assert "single sign-on only" in response.json()["detail"]
    assert "API tokens page" in response.json()["detail"]
    assert not ApiToken.objects.filter(user=county.owner_admin).exists()


def test_after_sso_they_create_a_token_on_the_tokens_page(county, oidc_provider, sso_only):
    client, _ = sso_sign_in(oidc_provider, f"district_admin@{DOMAIN}")
    response = client.post("/accounts/api-tokens/", {"name": "Dispatch CAD link"})
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=county.owner_admin, name="Dispatch CAD link").exists()


def test_a_password_reset_sends_them_no_link(county, sso_only):
    response = Client().post("/accounts/password_reset/", {"email": f"district_admin@{DOMAIN}"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_people_of_other_agencies_keep_their_passwords(county, sso_only):
    client = Client()
    response = client.post(SIGN_IN_URL, sign_in_form("police_liaison", PASSWORD))
    assert response.status_code == 302
    county.partner_view_liaison.email = "liaison@ridgeford-pd.example.org"
    county.partner_view_liaison.save(update_fields=["email"])
    Client().post("/accounts/password_reset/", {"email": "liaison@ridgeford-pd.example.org"})
    assert len(mail.outbox) == 1


def test_a_member_of_two_agencies_is_bound_by_the_stricter(county, sso_only):
    from access.actors import SYSTEM
    from agencies.services import membership_add

    membership_add(agency=county.district, user=county.partner_view_liaison, role="member", actor=SYSTEM)
    response = Client().post(SIGN_IN_URL, sign_in_form("police_liaison", PASSWORD))
    assert response.status_code == 403
    assert "Sign in with Maple Valley School District (SSO)" in response.content.decode()


def test_switching_sso_off_lets_passwords_in_again(county, oidc_provider, sso_only):
    connect(oidc_provider, county.district, domains=[DOMAIN], sso_only=True, enabled=False)
    response = Client().post(SIGN_IN_URL, sign_in_form("district_admin", PASSWORD))
    assert response.status_code == 302

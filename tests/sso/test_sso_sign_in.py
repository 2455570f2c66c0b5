"""Signing in through an agency's own identity provider, against the real test provider (tests/oidc_provider/)."""

from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from audit.models import AuditAction, AuditEvent
from tests.sso.flow import at_provider, connect, sso_sign_in, through_provider

DISTRICT_DOMAIN = "maple-valley.example.org"


@pytest.fixture
def district_sso(county, oidc_provider):
    county.owner_admin.email = f"district_admin@{DISTRICT_DOMAIN}"
    county.owner_admin.save(update_fields=["email"])
    return connect(oidc_provider, county.district, domains=[DISTRICT_DOMAIN])


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def test_a_member_signs_in_with_their_agency_account_and_lands_on_the_dashboard(county, oidc_provider, district_sso):
    client, response = sso_sign_in(oidc_provider, f"district_admin@{DISTRICT_DOMAIN}")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user_id(client) == str(county.owner_admin.pk)
    assert client.get("/").status_code == 200
    account = SocialAccount.objects.get(user=county.owner_admin)
    assert account.provider == "agency-maple-valley"
    event = AuditEvent.objects.get(action=AuditAction.SSO_SIGN_IN)
    assert (event.actor_id, event.agency_id) == (county.owner_admin.pk, county.district.pk)
    assert event.details == {"email": f"district_admin@{DISTRICT_DOMAIN}", "provider": "agency-maple-valley"}


def test_the_second_sign_in_uses_the_connection_made_by_the_first(county, oidc_provider, district_sso):
    sso_sign_in(oidc_provider, f"district_admin@{DISTRICT_DOMAIN}")
    client, _ = sso_sign_in(oidc_provider, f"district_admin@{DISTRICT_DOMAIN}")
    assert signed_in_user_id(client) == str(county.owner_admin.pk)
    assert SocialAccount.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.SSO_SIGN_IN).count() == 2


def test_a_next_page_survives_the_round_trip(county, oidc_provider, district_sso):
    client = Client()
    form = {"email": f"district_admin@{DISTRICT_DOMAIN}", "agency": "maple-valley", "next": "/plans/"}
    start = client.post("/accounts/sso/", form)
    callback = urlsplit(at_provider(oidc_provider, start["Location"], f"district_admin@{DISTRICT_DOMAIN}"))
    response = client.get(f"{callback.path}?{callback.query}")
    assert response["Location"] == "/plans/"


def test_an_address_outside_the_agencys_domains_is_refused(county, oidc_provider, district_sso):
    # The provider vouches for the contractor's address, but the district does not vouch for its domain.
    client = Client()
    response = through_provider(oidc_provider, client, "maple-valley", "contractor@consultancy.example.org")
    assert response.status_code == 403
    assert "contractor@consultancy.example.org is not an address Maple Valley School District signs in" in (
        response.content.decode()
    )
    assert signed_in_user_id(client) is None
    assert not SocialAccount.objects.exists()


def test_an_unverified_address_is_refused_even_for_an_existing_member(county, oidc_provider):
    county.owner_member.email = "em_staff01@lindell-oem.example.org"
    county.owner_member.save(update_fields=["email"])
    connect(oidc_provider, county.district, domains=["lindell-oem.example.org"])
    client = Client()
    response = through_provider(oidc_provider, client, "maple-valley", "em_staff01@lindell-oem.example.org")
    assert response.status_code == 403
    assert "has not verified em_staff01@lindell-oem.example.org" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_no_account_is_created_for_a_person_concord_does_not_know(county, oidc_provider):
    connect(oidc_provider, county.police, domains=["ridgeford-pd.example.org"])
    users_before = county.police.memberships.count()
    client = Client()
    response = through_provider(oidc_provider, client, "ridgeford-pd", "stranger@ridgeford-pd.example.org")
    assert response.status_code == 403
    assert (
        "No Concord account for stranger@ridgeford-pd.example.org in Ridgeford Police — ask your agency&#x27;s "
        "Concord admin" in response.content.decode()
    )
    assert county.police.memberships.count() == users_before
    assert signed_in_user_id(client) is None


def test_another_agencys_provider_cannot_sign_in_this_person(county, oidc_provider):
    """The police officer's address is verified, and the district even lists the police domain by mistake:
    the district's provider still signs in only the district's own members."""
    county.partner_view_member.email = "police_officer@ridgeford-pd.example.org"
    county.partner_view_member.save(update_fields=["email"])
    connect(oidc_provider, county.district, domains=[DISTRICT_DOMAIN, "ridgeford-pd.example.org"])
    client = Client()
    response = through_provider(oidc_provider, client, "maple-valley", "police_officer@ridgeford-pd.example.org")
    assert response.status_code == 403
    assert "No Concord account for police_officer@ridgeford-pd.example.org in Maple Valley School District" in (
        response.content.decode()
    )
    assert signed_in_user_id(client) is None


def test_a_deactivated_member_is_refused(county, oidc_provider, district_sso):
    sso_sign_in(oidc_provider, f"district_admin@{DISTRICT_DOMAIN}")
    county.owner_admin.is_active = False
    county.owner_admin.save(update_fields=["is_active"])
    client = Client()
    response = through_provider(oidc_provider, client, "maple-valley", f"district_admin@{DISTRICT_DOMAIN}")
    assert response.status_code == 403
    assert signed_in_user_id(client) is None


def test_a_switched_off_provider_is_not_offered_and_signs_nobody_in(county, oidc_provider):
    county.owner_admin.email = f"district_admin@{DISTRICT_DOMAIN}"
    county.owner_admin.save(update_fields=["email"])
    connect(oidc_provider, county.district, domains=[DISTRICT_DOMAIN], enabled=False)
    response = Client().post("/accounts/sso/", {"email": f"district_admin@{DISTRICT_DOMAIN}"})
    assert response.status_code == 200
    assert "No agency here signs in this address with single sign-on" in response.content.decode()
    assert Client().post("/accounts/oidc/agency-maple-valley/login/").status_code == 404


def test_an_unknown_domain_is_told_to_use_a_password(county, oidc_provider, district_sso):
    response = Client().post("/accounts/sso/", {"email": "someone@elsewhere.example.org"})
    assert response.status_code == 200
    assert "Sign in with your username and password" in response.content.decode()


def test_two_agencies_sharing_a_domain_let_the_person_choose(county, oidc_provider, district_sso):
    connect(oidc_provider, county.police, domains=[DISTRICT_DOMAIN])
    response = Client().post("/accounts/sso/", {"email": f"district_admin@{DISTRICT_DOMAIN}"})
    page = response.content.decode()
    assert "Sign in with Maple Valley School District (SSO)" in page
    assert "Sign in with Ridgeford Police (SSO)" in page
    client, response = sso_sign_in(oidc_provider, f"district_admin@{DISTRICT_DOMAIN}", agency_slug="maple-valley")
    assert signed_in_user_id(client) == str(county.owner_admin.pk)


def test_the_step_page_lets_its_button_go_to_the_provider_and_nowhere_else(county, oidc_provider, district_sso):
    # The button's form is redirected to the provider: without this, the browser's CSP would block it.
    response = Client().post("/accounts/sso/", {"email": f"district_admin@{DISTRICT_DOMAIN}"})
    form_action = next(part.strip() for part in response["Content-Security-Policy"].split(";") if "form-action" in part)
    assert form_action == f"form-action 'self' {oidc_provider.issuer}"
    assert "form-action 'self';" in Client().get("/accounts/login/")["Content-Security-Policy"] + ";"

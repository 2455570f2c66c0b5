"""Platform operators set up an agency's single sign-on in the Django admin, through the same service."""

import pytest
from allauth.socialaccount.models import SocialApp
from django.contrib import admin
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from identity.models import AgencySSO
from tests.agencies.factories import UserFactory
from tests.sso.flow import connect


@pytest.fixture
def operator_client(client, county):
    client.force_login(UserFactory(username="platform_operator", is_staff=True, is_superuser=True))
    return client


def test_an_operator_sets_up_an_agencys_single_sign_on_and_it_is_audited(operator_client, county, oidc_provider):
    response = operator_client.post(
        reverse("admin:identity_agencysso_add"),
        {
            "agency": county.police.pk,
            "issuer": oidc_provider.issuer,
            "client_id": "concord-ridgeford-pd",
            "client_secret": "s3cret",
            "domains": "ridgeford-pd.example.org",
            "enabled": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    sso = AgencySSO.objects.get(agency=county.police)
    assert (sso.app.secret, sso.allowed_domains, sso.enabled) == ("s3cret", ["ridgeford-pd.example.org"], True)
    assert AuditEvent.objects.get(action=AuditAction.SSO_CONFIGURE).actor_username == "platform_operator"
    page = operator_client.get(reverse("admin:identity_agencysso_change", args=[sso.pk])).content.decode()
    assert "s3cret" not in page


def test_a_bad_issuer_is_shown_on_the_admin_form(operator_client, county):
    response = operator_client.post(
        reverse("admin:identity_agencysso_add"),
        {"agency": county.police.pk, "issuer": "nope", "client_id": "x", "client_secret": "y", "domains": "a.org"},
    )
    assert response.status_code == 200
    assert "Enter the issuer URL" in response.content.decode()
    assert not AgencySSO.objects.exists()


def test_removing_it_in_the_admin_goes_through_the_service(operator_client, county, oidc_provider):
    sso = connect(oidc_provider, county.police, domains=["ridgeford-pd.example.org"])
    response = operator_client.post(reverse("admin:identity_agencysso_delete", args=[sso.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not SocialApp.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.SSO_REMOVE).count() == 1


def test_provider_settings_are_not_editable_behind_the_audit_trails_back():
    assert SocialApp not in admin.site._registry

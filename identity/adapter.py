"""django-allauth's social sign-in, Concord's way: one OpenID Connect provider per agency, matched to existing
members only (identity.matching), never a new account, and a clear page for every refusal."""

from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render

from identity import selectors
from identity.matching import SSORefusal, sso_match
from identity.services import sso_sign_in_record
from portal.api.request_info import client_ip


def refusal_page(request: HttpRequest, refusal: SSORefusal) -> ImmediateHttpResponse:
    response = render(request, "identity/sso_refused.html", {"refusal": refusal}, status=403)
    return ImmediateHttpResponse(response)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Only enabled agency providers exist for allauth; their answers go through sso_match."""

    def list_apps(self, request: HttpRequest | None, provider: Any = None, client_id: Any = None) -> list[SocialApp]:
        # Agency providers live in the database only; a disabled one does not exist for sign-in.
        apps = SocialApp.objects.filter(agency_sso__enabled=True)
        if provider:
            apps = (
                apps.filter(provider_id=provider) if provider.startswith("agency-") else apps.filter(provider=provider)
            )
        if client_id:
            apps = apps.filter(client_id=client_id)
        return list(apps)

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False  # invitations stay the way in

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        sso = selectors.sso_for_provider_id(sociallogin.account.provider)
        if sso is None:
            raise refusal_page(request, SSORefusal("Single sign-on is off", "This agency's sign-on is switched off."))
        addresses = sociallogin.email_addresses
        email = addresses[0].email if addresses else ""
        verified = bool(addresses and addresses[0].verified)
        connected = sociallogin.user if sociallogin.is_existing else None
        try:
            user = sso_match(sso=sso, email=email, email_verified=verified, connected_user=connected)
        except SSORefusal as refusal:
            raise refusal_page(request, refusal) from None
        # The link to the provider's subject (first sign-in only) and its audit row stand or fall together.
        with transaction.atomic():
            if not sociallogin.is_existing:
                sociallogin.connect(request, user)
            sso_sign_in_record(user=user, sso=sso, email=email, ip_address=client_ip(request))

"""SSO-only agencies: their people sign in through the agency's provider, never with a Concord password.

Asked by the password sign-in (accounts.adapter), the token endpoint and the password reset form."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from identity.http import allow_forms_to_providers
from identity.selectors import sso_enforced_for


def sso_only_message(agency_name: str) -> str:
    return (
        f'{agency_name} signs its people in with single sign-on only: use "Sign in with {agency_name} (SSO)" '
        "on the sign-in page, then create API tokens on the API tokens page."
    )


def password_sign_in_refusal(
    request: HttpRequest, user: AbstractBaseUser | AnonymousUser, *, via_sso: bool, next_url: str | None
) -> HttpResponse | None:
    """The page that sends a person whose agency enforces SSO to it, after their password checked out
    (so it reveals nothing to someone who does not know it); None when they may sign in."""
    if via_sso:
        return None
    sso = sso_enforced_for(user=user)
    if sso is None:
        return None
    context = {"sso": sso, "email": getattr(user, "email", ""), "next": next_url or ""}
    return allow_forms_to_providers(render(request, "identity/sso_required.html", context, status=403), [sso])


def password_token_refusal(user: AbstractBaseUser | AnonymousUser) -> str | None:
    """Why the token endpoint may not issue this person a token for their password (None: it may)."""
    sso = sso_enforced_for(user=user)
    return sso_only_message(sso.agency.name) if sso else None

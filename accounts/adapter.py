"""How django-allauth behaves in Concord: nobody signs up, and sign-in speaks the product's words."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse

from identity.policy import password_sign_in_refusal
from portal.api.request_info import client_ip
from portal.redirects import safe_redirect_target


class AccountAdapter(DefaultAccountAdapter):
    """Accounts come from agency invitations (or an operator), never from a public sign-up form."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # The wording people already know from the sign-in page (it does not say which part was wrong).
        "username_password_mismatch": (
            "Please enter a correct username and password. Note that both fields may be case-sensitive."
        ),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        # The one rule for the client address (NUM_PROXIES), as axes, throttles and the audit trail use it.
        return client_ip(request) or ""

    def is_safe_url(self, url: str) -> bool:
        # The product's one rule for `next`: this host only, and never from https down to http.
        return bool(url) and safe_redirect_target(context.request, url, "") == url

    def pre_login(self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> HttpResponse | None:
        # A person whose agency allows only single sign-on is sent to it, even with the right password.
        via_sso = bool((kwargs.get("signal_kwargs") or {}).get("sociallogin"))
        refusal = password_sign_in_refusal(request, user, via_sso=via_sso, next_url=kwargs.get("redirect_url"))
        return refusal or super().pre_login(request, user, **kwargs)

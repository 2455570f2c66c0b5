"""How django-allauth behaves in Concord: nobody signs up, and sign-in speaks the product's words."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.http import HttpRequest

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

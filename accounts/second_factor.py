"""Marks the signed-in user of a browser session that used a second factor (portal.second_factor), so the gate
lets it read content that needs one (access.second_factor). API tokens are marked by accounts.authentication."""

from collections.abc import Callable

from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse

from accounts.mfa_policy import session_used_mfa
from portal.second_factor import second_factor_mark


class SessionSecondFactorMiddleware:
    """After authentication: a session whose sign-in records include a second factor counts as multi-factor."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        # Only a signed-in session: anonymous requests and API tokens never load a user here.
        if session is not None and SESSION_KEY in session and session_used_mfa(request):
            second_factor_mark(request.user, passed=True)
        return self.get_response(request)

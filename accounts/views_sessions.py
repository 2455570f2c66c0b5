"""The signed-in person's "Sessions" page: where they are signed in, and "sign out everywhere else"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from accounts import services
from accounts.selectors import api_tokens_of
from accounts.sessions import browser_sessions_of
from portal.api.request_info import client_ip
from portal.types import AuthenticatedHttpRequest


@login_required
def sessions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List the person's browser sessions (GET); end all the others and every API token (POST)."""
    if request.method == "POST":
        ended = services.sign_out_everywhere(
            user=request.user,
            actor=request.user,
            keep_session_key=request.session.session_key,
            ip_address=client_ip(request),
        )
        feed = ""
        if ended.calendar_feed:
            feed = " Your calendar-feed link no longer works: create a new one to subscribe again."
        messages.success(
            request,
            f"Signed out everywhere else: {ended.sessions} other browser session(s) ended and "
            f"{ended.tokens} API token(s) revoked. This browser stays signed in.{feed}",
        )
        return redirect("accounts:sessions")
    context = {
        "sessions": browser_sessions_of(user=request.user),
        "current_key": request.session.session_key,
        "token_count": api_tokens_of(user=request.user).count(),
    }
    return render(request, "accounts/sessions.html", context)

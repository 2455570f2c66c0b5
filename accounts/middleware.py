"""Sends a signed-in person who must use multi-factor sign-in, and has no second factor yet, to enrol.

Whether enrolment is due is decided once, when the session signs in (accounts.mfa_enrolment), and kept in
the session: pages of everyone else cost no query for it, and a policy switched on takes effect at each
person's next sign-in.
"""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.mfa_enrolment import ENROLMENT_DUE_KEY
from accounts.mfa_policy import has_mfa

ENROL_MESSAGE = (
    "Your agency requires multi-factor sign-in. Set up an authenticator app or a passkey to continue; "
    "then keep your recovery codes somewhere safe."
)
# What stays reachable before enrolment: the enrolment pages themselves, signing out, static assets, the site's
# icon, and the installable app's manifest and service worker (no one's data; a redirected worker script is an
# error in the browser). What the worker may keep (/offline/urls/) stays closed: redirected, it keeps nothing.
OPEN_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/static/",
    "/service-worker.js",
    "/manifest.webmanifest",
    "/favicon.ico",
)


class MfaEnrolmentMiddleware:
    """Until they enrol, pages redirect to the MFA page (HTMX: HX-Redirect) and the API answers 403."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(ENROLMENT_DUE_KEY) and not request.path.startswith(OPEN_PREFIXES):
            # Asked (one query) only while enrolment is due: once they have a factor, pages open again.
            if not has_mfa(request.user):
                return _send_to_enrol(request)
            del session[ENROLMENT_DUE_KEY]
        return self.get_response(request)


def _send_to_enrol(request: HttpRequest) -> HttpResponse:
    enrol = reverse("mfa_index")
    if request.path.startswith("/api/"):
        detail = f"{ENROL_MESSAGE} Enrol in the web page {enrol}."
        return JsonResponse({"detail": detail, "code": "mfa_enrolment_required"}, status=403)
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = enrol
        return response
    messages.warning(request, ENROL_MESSAGE)
    return redirect(enrol)

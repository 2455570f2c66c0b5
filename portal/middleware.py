"""Ends signed-in browser sessions after a period of inactivity."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse

LAST_ACTIVITY_KEY = "concord_last_activity"
# Requests that refresh a page in the background (alert polling) carry this header and do not
# count as activity, so an unattended open page still signs out.
BACKGROUND_HEADER = "HTTP_X_CONCORD_BACKGROUND"
# Activity is written to the session no more than once a minute (or a tenth of the timeout, if shorter), so
# a page view does not cost a transaction and a commit each time; sign-out may come that much earlier.
ACTIVITY_RESOLUTION_SECONDS = 60


class IdleTimeoutMiddleware:
    """Signs the user out when their last real request is older than SESSION_IDLE_TIMEOUT_SECONDS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                logout(request)
            elif BACKGROUND_HEADER not in request.META and (last is None or now - last >= _resolution()):
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


def _resolution() -> int:
    return min(ACTIVITY_RESOLUTION_SECONDS, settings.SESSION_IDLE_TIMEOUT_SECONDS // 10)


def record_sign_in_as_activity(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    """Signing in is activity: the first page after it need not write the session again."""
    # Only a signed-in session: an API token sign-in must not open an empty session (a row and a cookie).
    if request is not None and SESSION_KEY in getattr(request, "session", {}):
        request.session[LAST_ACTIVITY_KEY] = int(time.time())

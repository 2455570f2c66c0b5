"""Ends signed-in browser sessions after a period of inactivity."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

LAST_ACTIVITY_KEY = "concord_last_activity"
# Requests that refresh a page in the background (alert polling) carry this header and do not
# count as activity, so an unattended open page still signs out.
BACKGROUND_HEADER = "HTTP_X_CONCORD_BACKGROUND"


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
            elif BACKGROUND_HEADER not in request.META:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)

"""Ends signed-in browser sessions by the person's session policy: after inactivity, and a set time after sign-in."""

import time
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse

from portal.session_policy import SessionPolicy, session_policy_for

LAST_ACTIVITY_KEY = "concord_last_activity"
SIGNED_IN_AT_KEY = "concord_signed_in_at"
# The person's policy, [idle seconds, lifetime seconds, when it was read], so a request does not query it.
POLICY_KEY = "concord_session_policy"
# Requests that refresh a page in the background (alert polling) carry this header and do not
# count as activity, so an unattended open page still signs out.
BACKGROUND_HEADER = "HTTP_X_CONCORD_BACKGROUND"
# Activity is written to the session no more than once a minute (or a tenth of the timeout, if shorter), so
# a page view does not cost a transaction and a commit each time; sign-out may come that much earlier.
ACTIVITY_RESOLUTION_SECONDS = 60
# The policy kept in the session is read again after this long: an agency's new policy, or a membership
# gained or lost, reaches a session in use within a minute, and an idle one at its next request.
POLICY_REFRESH_SECONDS = 60


class IdleTimeoutMiddleware:
    """Signs the user out when their last real request is older than their policy's idle timeout, or their
    sign-in older than its lifetime (the strictest of their agencies'; see agencies/session_policy.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            session = request.session
            now = int(time.time())
            policy = _policy(session, user, now)
            last = session.get(LAST_ACTIVITY_KEY)
            signed_in_at = session.get(SIGNED_IN_AT_KEY)
            idle_too_long = last is not None and now - last > policy.idle_seconds
            if idle_too_long or (signed_in_at is not None and now - signed_in_at > policy.max_seconds):
                logout(request)
                messages.info(request, _why_signed_out(policy, idle=idle_too_long), fail_silently=True)
            else:
                if signed_in_at is None:  # a session from before lifetimes were kept: its lifetime starts now
                    session[SIGNED_IN_AT_KEY] = now
                if BACKGROUND_HEADER not in request.META and (
                    last is None or now - last >= _resolution(policy.idle_seconds)
                ):
                    session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


def _policy(session: SessionBase, user: object, now: int) -> SessionPolicy:
    """The policy kept in the session while it is fresh; else read (one query) and kept again."""
    kept = session.get(POLICY_KEY)
    if isinstance(kept, list) and len(kept) == 3 and now - kept[2] < POLICY_REFRESH_SECONDS:
        return SessionPolicy(idle_seconds=kept[0], max_seconds=kept[1])
    policy = session_policy_for(user)  # type: ignore[arg-type]  # a signed-in user
    session[POLICY_KEY] = [policy.idle_seconds, policy.max_seconds, now]
    return policy


def _why_signed_out(policy: SessionPolicy, *, idle: bool) -> str:
    if idle:
        return (
            f"You were signed out after {_duration(policy.idle_seconds)} without activity, as your agency's "
            "session policy asks. Sign in again to continue."
        )
    return (
        f"You were signed out {_duration(policy.max_seconds)} after signing in, as your agency's session policy "
        "asks. Sign in again to continue."
    )


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _resolution(idle_seconds: int) -> int:
    return max(1, min(ACTIVITY_RESOLUTION_SECONDS, idle_seconds // 10))


def record_sign_in_as_activity(
    sender: object, request: HttpRequest | None, user: object = None, **kwargs: object
) -> None:
    """Signing in is activity and starts the session's lifetime; the person's policy is read now, so the
    pages that follow need not read it."""
    # Only a signed-in session: an API token sign-in must not open an empty session (a row and a cookie).
    if request is not None and SESSION_KEY in getattr(request, "session", {}):
        now = int(time.time())
        request.session[LAST_ACTIVITY_KEY] = now
        request.session[SIGNED_IN_AT_KEY] = now
        if user is not None:
            policy = session_policy_for(user)  # type: ignore[arg-type]  # the user signing in
            request.session[POLICY_KEY] = [policy.idle_seconds, policy.max_seconds, now]

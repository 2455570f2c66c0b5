"""A person's signed-in browser sessions, as django-allauth's usersessions tracks them (one row per session).

allauth records the sessions its own sign-in forms open; `track_signed_in_session` records every other sign-in
too (the admin's and the browsable API's login, which call Django's `login()`), so "sign out everywhere"
reaches each of them.
"""

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.usersessions.adapter import get_adapter as get_sessions_adapter
from allauth.usersessions.models import UserSession
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

# The address of a session opened without a client (in-process: the test client, a management command).
NO_ADDRESS = "0.0.0.0"  # noqa: S104 - recorded, never bound to


def browser_sessions_of(*, user: User) -> list[UserSession]:
    """The person's sessions that still sign them in, oldest first (ended or expired ones are dropped)."""
    return sorted(UserSession.objects.purge_and_list(user), key=lambda session: session.created_at)


def browser_sessions_end(*, user: User, keep_session_key: str | None = None) -> int:
    """End every browser session of the person but `keep_session_key`; how many ended."""
    sessions: QuerySet[UserSession] = UserSession.objects.filter(user_id=user.pk)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    ending = list(sessions)
    get_sessions_adapter().end_sessions(ending)  # each deletes its Django session and its row
    return len(ending)


def track_signed_in_session(
    sender: object, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: object
) -> None:
    """Django's user_logged_in: note the new session for its person, whichever way they signed in."""
    session = getattr(request, "session", None)
    if request is None or session is None or SESSION_KEY not in session:
        return  # an API token sign-in opens no session
    if not session.session_key:
        session.save()
    try:
        address = get_account_adapter().get_client_ip(request) or NO_ADDRESS
    except PermissionDenied:
        address = NO_ADDRESS
    UserSession.objects.get_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "ip": address,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[
                : UserSession._meta.get_field("user_agent").max_length
            ],
        },
    )

"""Sign-ins in the audit trail: success, sign-out, failure (the username tried, never the password) and lockout.

Receivers of Django's and django-axes' signals, because those are the only places every sign-in path meets
(the sign-in page, the API's token endpoint, the admin). Each event is shown in the trail of every agency the
person belongs to at that moment; a failure for a username nobody has is the platform operator's alone.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.http import HttpRequest

from agencies.models import Membership
from audit.models import AuditAction, AuditEvent
from audit.services import audit_event_show_to
from portal.api.request_info import client_ip

USERNAME_KEPT = 150  # the column's length; a longer "username" typed at the form is cut, not refused


def sign_in_event_record(
    *,
    action: AuditAction,
    username: str,
    user: User | None,
    request: HttpRequest | None,
    signed_in: bool,
) -> AuditEvent:
    """One sign-in event about an account (or an unknown username), shown to the account's agencies."""
    path = getattr(request, "path", "") or ""
    with transaction.atomic():
        event = AuditEvent.objects.create(
            actor=user if signed_in else None,
            actor_username=username[:USERNAME_KEPT],
            action=action,
            object_type="auth.user",
            object_id=str(user.pk) if user is not None else "",
            object_repr=username[:300],
            ip_address=client_ip(request) if request is not None else None,
            details={"via": "api" if path.startswith("/api/") else "admin" if path.startswith("/admin/") else "web"},
        )
        if user is not None:
            audit_event_show_to(event=event, agency_ids=Membership.objects.filter(user=user).values("agency_id"))
    return event


def _account(username: str) -> User | None:
    if not username:
        return None
    return User.objects.filter(**{User.USERNAME_FIELD: username}).first()


def record_sign_in(sender: object, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """user_logged_in: a web, admin or API-token sign-in."""
    sign_in_event_record(
        action=AuditAction.SIGN_IN, username=user.get_username(), user=user, request=request, signed_in=True
    )


def record_sign_out(
    sender: object, request: HttpRequest | None, user: User | AnonymousUser | None, **kwargs: Any
) -> None:
    """user_logged_out: only a session that was signed in leaves a record."""
    if user is None or not user.is_authenticated:
        return
    sign_in_event_record(
        action=AuditAction.SIGN_OUT, username=user.get_username(), user=user, request=request, signed_in=True
    )


def record_sign_in_failure(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """user_login_failed: Django has already masked the password in `credentials`; only the username is kept."""
    username = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")
    sign_in_event_record(
        action=AuditAction.SIGN_IN_FAILED, username=username, user=_account(username), request=request, signed_in=False
    )


def record_lockout(sender: object, request: HttpRequest | None, username: str | None, **kwargs: Any) -> None:
    """django-axes' user_locked_out: too many failures for this account or address."""
    name = username or ""
    sign_in_event_record(
        action=AuditAction.LOCKED_OUT, username=name, user=_account(name), request=request, signed_in=False
    )

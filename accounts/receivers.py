"""Revoke a person's API tokens whenever their password changes or they are deactivated.

A signal rather than calls in each view: the invariant must hold on every path that changes these
fields — Django's password change and reset views, the admin's user and password forms,
`manage.py changepassword`, and any service — and the receiver only calls the service.
"""

from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import User
from django.http import HttpRequest

from accounts import services
from audit.models import AuditAction
from portal.api.request_info import client_ip


def revoke_api_tokens_when_credentials_change(
    sender: type, instance: User, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """post_save of the user: a new password or is_active=False revokes all of the person's tokens."""
    if created or raw:
        return
    # set_password() keeps the raw password in _password until save() has run; Django's own re-hashing
    # at sign-in (a hasher upgrade) clears it before saving, so only a real change is seen here.
    if getattr(instance, "_password", None) is not None:
        services.api_tokens_revoke_all(user=instance, reason="password changed")
    elif not instance.is_active:
        services.api_tokens_revoke_all(user=instance, reason="account deactivated")


def _mfa_receiver(action: AuditAction) -> Callable[..., None]:
    def record(
        sender: object, request: HttpRequest | None, user: User, authenticator: Authenticator, **kwargs: Any
    ) -> None:
        ip_address = client_ip(request) if request is not None else None
        services.mfa_change_record(user=user, authenticator=authenticator, action=action, ip_address=ip_address)

    return record


# allauth.mfa's signals (authenticator_added, _removed, _reset): every change to a person's factors is audited.
record_mfa_added = _mfa_receiver(AuditAction.MFA_ADD)
record_mfa_removed = _mfa_receiver(AuditAction.MFA_REMOVE)
record_mfa_reset = _mfa_receiver(AuditAction.MFA_RECOVERY_CODES_RESET)

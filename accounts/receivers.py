"""Revoke a person's API tokens whenever their password changes or they are deactivated.

A signal rather than calls in each view: the invariant must hold on every path that changes these
fields — Django's password change and reset views, the admin's user and password forms,
`manage.py changepassword`, and any service — and the receiver only calls the service.
"""

from typing import Any

from django.contrib.auth.models import User

from accounts import services


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

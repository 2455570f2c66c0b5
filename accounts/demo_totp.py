"""DEMO ONLY: the one published authenticator-app secret of the demo county's police accounts.

`manage.py seed_demo` enrols every police member with it, because the demo police department requires
multi-factor sign-in; `manage.py demo_totp <username>` prints its current code. It is public (it is in this
file), so an account with it has no second factor worth the name: it never exists outside the demo, and the
command refuses any account whose secret is another, and any server with DEBUG off.
"""

import time
from collections.abc import Iterable

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt, encrypt
from django.contrib.auth.models import AbstractBaseUser

# Base32, 20 bytes; spells what it is so nobody mistakes it for a real one.
DEMO_TOTP_SECRET = "DEMOONLYDEMOONLYDEMOONLYDEMOONLY"  # noqa: S105


def demo_totp_enrol(*, users: Iterable[AbstractBaseUser]) -> int:
    """Give each of these demo people an authenticator app with the demo secret (one insert)."""
    secret = encrypt(DEMO_TOTP_SECRET)
    rows = [Authenticator(user=user, type=Authenticator.Type.TOTP, data={"secret": secret}) for user in users]
    return len(Authenticator.objects.bulk_create(rows))


def demo_totp_code(*, user: AbstractBaseUser) -> str | None:
    """The current code of a demo account's app; None unless its secret is the demo one."""
    app = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).first()
    if app is None or decrypt(app.data.get("secret", "")) != DEMO_TOTP_SECRET:
        return None
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30))

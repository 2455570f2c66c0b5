"""Second factors for tests: enrol a person's authenticator app and compute its current code, as the app would."""

import time

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value


def totp_code(secret: str, *, offset: int = 0) -> str:
    """The six-digit code an authenticator app shows now (offset: that many 30-second steps later)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def enrol_app(user) -> tuple[str, list[str]]:
    """Give the person an authenticator app and recovery codes; returns the app's secret and the codes."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    return secret, codes

"""The session's "enrolment due" flag, set at sign-in (accounts.middleware clears it once a factor exists)."""

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

from accounts.mfa_policy import has_mfa, mfa_required_for

ENROLMENT_DUE_KEY = "concord_mfa_enrolment_due"


def flag_enrolment_at_sign_in(
    sender: object, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: object
) -> None:
    """user_logged_in: a browser session of a person who must use MFA and has no factor must enrol first."""
    # Only a browser session: an API token sign-in has none (and the token endpoint asks for enrolment itself).
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return
    if mfa_required_for(user) and not has_mfa(user):
        session[ENROLMENT_DUE_KEY] = True
    else:
        session.pop(ENROLMENT_DUE_KEY, None)

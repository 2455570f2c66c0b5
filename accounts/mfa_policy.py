"""Who must sign in with a second factor, whether they have one, and whether this session used it."""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef
from django.http import HttpRequest

from agencies.models import Membership

# Recovery codes alone are no second factor: they come with an app or a key and only stand in for it.
FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def mfa_required_for(user: AbstractBaseUser | AnonymousUser) -> bool:
    """A person must use MFA when any of their agencies requires it, or they are platform staff and
    REQUIRE_MFA_FOR_STAFF is on."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_staff", False) and settings.REQUIRE_MFA_FOR_STAFF:
        return True
    return Membership.objects.filter(user_id=user.pk, agency__require_mfa=True).exists()


def has_mfa(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether the person has enrolled an authenticator app or a passkey/security key."""
    return user.is_authenticated and Authenticator.objects.filter(user_id=user.pk, type__in=FACTOR_TYPES).exists()


def enrolment_due(user: AbstractBaseUser) -> bool:
    """Whether MFA is required of the person and they have no second factor (one indexed query, asked on every
    API token request, so a policy switched on holds for tokens at once)."""
    if getattr(user, "is_staff", False) and settings.REQUIRE_MFA_FOR_STAFF:
        return not has_mfa(user)
    required = Exists(Membership.objects.filter(user_id=OuterRef("pk"), agency__require_mfa=True))
    enrolled = Exists(Authenticator.objects.filter(user_id=OuterRef("pk"), type__in=FACTOR_TYPES))
    return get_user_model().objects.filter(required, ~enrolled, pk=user.pk).exists()


def session_used_mfa(request: HttpRequest) -> bool:
    """Whether this browser session was signed in (or re-confirmed) with a second factor."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)

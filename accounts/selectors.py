"""What a person may see of API tokens (their own, never anyone else's) and of second factors."""

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import ApiToken
from agencies.models import Membership


def api_tokens_of(*, user: User | AnonymousUser) -> QuerySet[ApiToken]:
    """The person's tokens that still work, newest first (another person's token is simply not there: 404)."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()), user=user)


def memberships_with_mfa(*, agency_id: int) -> QuerySet[Membership]:
    """An agency's members, each marked with the second factors they have enrolled (for its admins)."""

    def enrolled(kind: str) -> Exists:
        return Exists(Authenticator.objects.filter(user_id=OuterRef("user_id"), type=kind))

    return (
        Membership.objects.filter(agency_id=agency_id)
        .select_related("user")
        .annotate(
            has_app=enrolled(Authenticator.Type.TOTP),
            has_passkey=enrolled(Authenticator.Type.WEBAUTHN),
            has_recovery_codes=enrolled(Authenticator.Type.RECOVERY_CODES),
        )
        .order_by("user__username")
    )

"""What a person may see of API tokens: their own, never anyone else's."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import ApiToken


def api_tokens_of(*, user: User | AnonymousUser) -> QuerySet[ApiToken]:
    """The person's tokens that still work, newest first (another person's token is simply not there: 404)."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()), user=user)

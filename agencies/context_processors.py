"""What every page needs: the signed-in person's agencies, the active one, and the unread alert count."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from portal.agency_context import active_membership, memberships_for


def portal(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"alert_poll_seconds": settings.ALERT_POLL_SECONDS}
    from notifications.selectors import unread_count

    memberships = memberships_for(request)
    return {
        "my_memberships": memberships,
        "active_membership": active_membership(request),
        "unread_alerts": unread_count(user=user),
        "alert_poll_seconds": settings.ALERT_POLL_SECONDS,
    }

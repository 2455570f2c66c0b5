"""What every page needs from alerts: the header badge's unread count and how often it is polled."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from notifications.selectors import unread_count


def alerts(request: HttpRequest) -> dict[str, Any]:
    """The unread count for a signed-in person; the poll interval for every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"alert_poll_seconds": settings.ALERT_POLL_SECONDS}
    return {"unread_alerts": unread_count(user=user), "alert_poll_seconds": settings.ALERT_POLL_SECONDS}

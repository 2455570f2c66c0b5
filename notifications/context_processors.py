"""What every page needs from alerts: the header badge's unread count and how often it is polled."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from reading.header_counts import request_header_counts


def alerts(request: HttpRequest) -> dict[str, Any]:
    """The unread count for a signed-in person (cached with the header's other count, read only when a template
    reads it); the poll interval for every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"alert_poll_seconds": settings.ALERT_POLL_SECONDS}
    unread = SimpleLazyObject(lambda: request_header_counts(request).unread_alerts)
    return {"unread_alerts": unread, "alert_poll_seconds": settings.ALERT_POLL_SECONDS}

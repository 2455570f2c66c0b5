"""The latest-alerts panel (on the dashboard, then polled by htmx): its alerts and a key that changes with them."""

import zlib
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User

from notifications import selectors

LATEST_COUNT = 5


def latest_alerts_context(*, user: User) -> dict[str, Any]:
    """The person's newest alerts for the dashboard, and a short key that changes when they change."""
    alerts = list(selectors.notifications_of(user=user)[:LATEST_COUNT])
    state = ",".join(f"{n.pk}:{int(n.read_at is not None)}:{int(n.plan_visible)}" for n in alerts)
    return {
        "latest_alerts": alerts,
        "latest_alerts_key": format(zlib.crc32(state.encode()), "x"),
        # The newest alert the page has shown: the next poll tells a new one from a change to these.
        "latest_alerts_newest": alerts[0].pk if alerts else 0,
        "alert_poll_seconds": settings.ALERT_POLL_SECONDS,
    }

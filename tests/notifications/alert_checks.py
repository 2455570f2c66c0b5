"""Waiting for alerts that a real worker delivers, and checking each partner member got exactly one."""

import time

from agencies.models import Membership
from notifications.models import Notification


def wait_for(condition, timeout: float = 30.0, what: str = "condition") -> float:
    """Seconds until `condition()` held; fails after `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}")


def expected_recipients(county) -> set[int]:
    """Every member of the county's district, police and fire but the owner admin who publishes."""
    return set(
        Membership.objects.filter(agency__in=[county.district, county.police, county.fire])
        .exclude(user=county.owner_admin)
        .values_list("user_id", flat=True)
    )


def exactly_once(event, recipients: set[int]) -> bool:
    rows = list(Notification.objects.filter(event=event).values_list("user_id", flat=True))
    return len(rows) == len(set(rows)) and set(rows) == recipients

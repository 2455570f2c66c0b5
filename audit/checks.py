"""Start-up check: the audit trail is never configured to be kept less than a year."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from audit.retention import RETENTION_FLOOR_DAYS


@register()
def audit_retention_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """AUDIT_RETENTION_DAYS below the floor is an error, so runserver, migrate and `check --deploy` refuse it."""
    days = getattr(settings, "AUDIT_RETENTION_DAYS", RETENTION_FLOOR_DAYS)
    if isinstance(days, int) and not isinstance(days, bool) and days >= RETENTION_FLOOR_DAYS:
        return []
    return [
        Error(
            f"AUDIT_RETENTION_DAYS={days!r} is below the minimum of {RETENTION_FLOOR_DAYS} days.",
            hint=f"Keep the audit trail at least {RETENTION_FLOOR_DAYS} days (CJIS asks for a year): "
            "set AUDIT_RETENTION_DAYS to 365 or more, or leave it unset.",
            id="audit.E001",
        )
    ]

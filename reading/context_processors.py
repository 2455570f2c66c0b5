"""What every page needs from required reading: how many plans the signed-in person still has to read (the
header's "To read (N)" link, shown only when they owe something)."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from reading.header_counts import request_header_counts


def to_read(request: HttpRequest) -> dict[str, Any]:
    """The person's cached count (reading/header_counts.py), read only when a template reads it: a view that
    already knows the count (the dashboard) passes its own `to_read_count`, which replaces this one unread."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"to_read_count": SimpleLazyObject(lambda: request_header_counts(request).to_read)}

"""What the page header counts for a person: plans to read and unread alerts, cached between requests by
`portal.header_cache` (per person, under a version the services that move either count bump)."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.http import HttpRequest

from notifications.selectors import unread_count
from portal.header_cache import cached_counts
from reading.selectors_queue import to_read_count


@dataclass(frozen=True)
class HeaderCounts:
    """What the header shows of a person's own work: plans to read and unread alerts."""

    to_read: int
    unread_alerts: int


def header_counts(*, user: User) -> HeaderCounts:
    """The person's counts: cached, else two COUNT queries."""
    to_read, unread = cached_counts(user_id=user.pk, count=lambda: (to_read_count(user=user), unread_count(user=user)))
    return HeaderCounts(to_read=to_read, unread_alerts=unread)


def request_header_counts(request: HttpRequest) -> HeaderCounts:
    """`header_counts` of the request's signed-in person, read once per request (both badges share it)."""
    counts = getattr(request, "_concord_header_counts", None)
    if counts is None:
        counts = header_counts(user=request.user)  # type: ignore[arg-type]  # callers check it is signed in
        request._concord_header_counts = counts  # type: ignore[attr-defined]  # a per-request cache
    return counts

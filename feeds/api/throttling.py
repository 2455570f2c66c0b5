"""The calendar feed's rate limit, counted per link: calendar apps poll, and one leaked link must not be hammered."""

from typing import Any

from rest_framework.request import Request

from feeds.services import token_digest
from portal.api.throttling import ScopedRateThrottle


class CalendarFeedThrottle(ScopedRateThrottle):
    """The view's `throttle_scope` rate, per link (its digest: the secret itself never reaches the cache)."""

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": token_digest(view.kwargs.get("token", ""))}

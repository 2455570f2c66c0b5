"""The one guard against open redirects: every `next` (and the 413 page's back link) goes through it."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_redirect_target(request: HttpRequest, candidate: str, fallback: str) -> str:
    """`candidate` if it leads back into this site (and, from an https page, stays on https); else `fallback`."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback

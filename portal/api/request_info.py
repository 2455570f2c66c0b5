"""The one answer to "which address is this request from?" for throttling, sign-in lockout and audit."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request


def client_ip(request: HttpRequest | Request) -> str | None:
    """The caller's address: the TCP peer, or the one the nearest of NUM_PROXIES trusted proxies saw.

    Each trusted reverse proxy appends the address it received the request from to X-Forwarded-For,
    so with NUM_PROXIES = N the N-th entry from the right was written by our outermost proxy; every
    entry left of it came from the client and can be anything. With N = 0 the header is ignored.
    An entry that is not an address (a misconfigured proxy) falls back to REMOTE_ADDR.
    """
    remote_addr = request.META.get("REMOTE_ADDR") or None
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies <= 0 or not forwarded:
        return remote_addr
    hops = [hop.strip() for hop in forwarded.split(",")]
    candidate = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr

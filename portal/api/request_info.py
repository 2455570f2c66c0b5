from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address for the audit trail.

    Behind NUM_PROXIES trusted reverse proxies, the address the nearest untrusted hop was seen
    from is taken from X-Forwarded-For (the same rule DRF's throttles use); otherwise REMOTE_ADDR.
    """
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR") or None

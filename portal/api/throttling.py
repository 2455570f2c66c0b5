"""DRF's throttles, keyed on the same client address as the sign-in lockout and the audit trail."""

from rest_framework import throttling
from rest_framework.request import Request

from portal.api.request_info import client_ip


class ClientAddressMixin:
    """Anonymous callers are counted per client_ip(), so a forged X-Forwarded-For is a no-op."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request) or ""


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(ClientAddressMixin, throttling.ScopedRateThrottle):
    pass

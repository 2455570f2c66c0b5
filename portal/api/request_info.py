from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address as the web server saw it (set the proxy to pass the real one)."""
    return request.META.get("REMOTE_ADDR") or None

"""Concord's own "Not found" page, also while DEBUG is on.

With DEBUG on (the `make run` default) Django answers a 404 with its technical page instead of the
project's: it lists every URL pattern of the portal, and a plan someone may not see would not look the way
it does in production ("not found, or not shared with your agency"). This answers the production page,
through the same 404 handler, whatever DEBUG says. Errors other than 404 keep Django's debug pages.
"""

from collections.abc import Callable
from typing import Protocol, cast

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, get_resolver, get_urlconf


class ErrorHandler(Protocol):
    """A URLconf's 404 handler, such as django.views.defaults.page_not_found."""

    def __call__(self, request: HttpRequest, exception: Exception) -> HttpResponse: ...


def _product_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """What Django answers a 404 with when DEBUG is off: the URLconf's 404 handler (templates/404.html)."""
    # Called as Django calls it, with the exception (the stubs leave that argument out of the type).
    handler = cast(ErrorHandler, get_resolver(get_urlconf()).resolve_error_handler(404))
    return handler(request, exception=exception)


class NotFoundPageMiddleware:
    """Replaces Django's technical 404 page by the product's while DEBUG is on; does nothing when it is off."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No view was found for the address, so the 404 is Django's answer to it (the technical page in DEBUG).
        if settings.DEBUG and response.status_code == 404 and request.resolver_match is None:
            return _product_not_found(request, Resolver404({"path": request.path_info}))
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A view raised Http404 (what someone may not see, or what does not exist)."""
        if settings.DEBUG and isinstance(exception, Http404):
            return _product_not_found(request, exception)
        return None

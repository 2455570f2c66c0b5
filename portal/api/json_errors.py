"""Every error under /api/ is JSON, whichever layer produced it.

DRF answers JSON for what its views raise, but some errors happen before or around a DRF view and were Django's
HTML pages: a URL that matches nothing (`/api/v1/plans/1/versions/abc/`), a 400 for a suspicious request, a
server error, a page from another middleware. This turns such a response into `{"detail": …}` with the same
status and headers (Retry-After, Allow); DRF's own responses (the browsable API included) are left as they are.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.response import Response

API_PREFIX = "/api/"
# Headers of an error response that still mean something once the body is JSON.
KEPT_HEADERS = ("Retry-After", "Allow", "WWW-Authenticate", "Vary", "Cache-Control")
MESSAGES = {
    400: "Bad request.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    405: "Method not allowed.",
    413: "The request body is too large.",
    500: "Server error: it was logged. Try again in a minute; if it keeps happening, tell your platform operator.",
    503: "Temporarily unavailable: try again shortly.",
}


class ApiJsonErrorsMiddleware:
    """Rewrites a non-JSON error response under /api/ as JSON; the outermost middleware, so it sees all of them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path_info.startswith(API_PREFIX)
            or isinstance(response, Response)
            or "json" in response.get("Content-Type", "")
        ):
            return response
        detail = MESSAGES.get(response.status_code, response.reason_phrase)
        rewritten = JsonResponse({"detail": detail}, status=response.status_code)
        for header in KEPT_HEADERS:
            if header in response:
                rewritten[header] = response[header]
        return rewritten

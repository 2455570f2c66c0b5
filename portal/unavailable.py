"""While PostgreSQL cannot be reached: 503 with Retry-After, as JSON under /api/ and as a page elsewhere.

Two small hooks call `response_if_unavailable`:
- `server_error`, the project's handler500. The first database query of a request is usually made
  by the session and authentication middleware, before any view, so only the handler Django runs
  for every uncaught exception (inside its except block) sees those errors;
- the API's exception handler (portal/api/exceptions.py), because DRF handles its views' own
  exceptions, e.g. token authentication, before Django does.
Only connection failures count (no SQLSTATE, or classes 08, 53 and 57P: refused, dropped, too many
connections, shutting down); any other database error stays a 500.
"""

import logging
import sys
from typing import TypeGuard

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error as django_server_error

from portal.outages import WarnOncePerInterval

logger = logging.getLogger(__name__)

MESSAGE = "Concord is temporarily unavailable: its database cannot be reached. Please try again shortly."
_UNAVAILABLE_SQLSTATE_CLASSES = ("08", "53", "57P")
_warning = WarnOncePerInterval()
# If even the site's base template cannot be rendered, this page still tells the person what happened.
_FALLBACK_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Temporarily unavailable · Concord</title>'
    "</head><body><main><h1>Concord is temporarily unavailable</h1><p>Please try again in a minute.</p>"
    "</main></body></html>"
)


def database_unavailable(error: BaseException | None) -> TypeGuard[OperationalError | InterfaceError]:
    """Whether `error` means PostgreSQL cannot be reached (rather than a bad query)."""
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    cause = error.__cause__
    if not isinstance(cause, psycopg.Error):
        return False
    return cause.sqlstate is None or cause.sqlstate.startswith(_UNAVAILABLE_SQLSTATE_CLASSES)


def response_if_unavailable(request: HttpRequest, error: BaseException | None) -> HttpResponse | None:
    """The 503 answer when `error` is the database being unreachable; None for any other error."""
    if not database_unavailable(error):
        return None
    due, skipped = _warning.due()
    if due:
        cause = error.__cause__
        logger.error(
            "PostgreSQL unreachable (%s: %s): answering 503 with Retry-After (%d more such requests since the last "
            "warning).",
            type(cause).__name__,
            str(cause).replace("\n", " "),
            skipped,
        )
    retry_after = str(settings.UNAVAILABLE_RETRY_AFTER_SECONDS)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": MESSAGE}, status=503)
    else:
        response = HttpResponse(_page(retry_after), status=503)
    response["Retry-After"] = retry_after
    response["Cache-Control"] = "no-store"
    return response


def _page(retry_after: str) -> str:
    # Rendered without the request: no context processors, so no session, user or alert-count lookup.
    try:
        return render_to_string("unavailable.html", {"retry_after": retry_after})
    except Exception:
        logger.warning("The unavailable page could not be rendered; sending the plain one.", exc_info=True)
        return _FALLBACK_PAGE


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: a 503 page or JSON when the database is unreachable, otherwise Django's own 500 page."""
    return response_if_unavailable(request, sys.exc_info()[1]) or django_server_error(request, template_name)


class SkipUnavailableResponses:
    """Logging filter for `django.request`: the 503s above are reported by the one-line warning instead."""

    def filter(self, record: object) -> bool:
        return getattr(record, "status_code", None) != 503

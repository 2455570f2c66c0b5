"""A request id for every request, carried into its log lines and the Celery tasks it enqueues.

The id comes from the client's or proxy's `X-Request-ID` when it is a plain token, else a new one; it is sent
back in the response's `X-Request-ID`. One log line per request (logger `concord.request`) names the route, the
ids in its URL, the status and the time taken: never the raw path or query string, which can hold secrets
(password-reset keys, calendar-feed tokens) or search terms.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_current: ContextVar[str | None] = ContextVar("concord_request_id", default=None)

request_logger = logging.getLogger("concord.request")


def current_request_id() -> str | None:
    """The id of the request (or task) this code runs for, if any."""
    return _current.get()


def request_id_enter(value: str | None) -> Token[str | None]:
    """Make `value` the current request id until `request_id_leave` is given the returned token."""
    return _current.set(value)


def request_id_leave(token: Token[str | None]) -> None:
    _current.reset(token)


@contextmanager
def request_id_set(value: str | None) -> Iterator[None]:
    """Run the block with `value` as the current request id."""
    token = request_id_enter(value)
    try:
        yield
    finally:
        request_id_leave(token)


def accepted_request_id(supplied: str | None) -> str:
    """The supplied id when it is a plain token (no spaces, quotes or newlines to forge log lines), else a new one."""
    if supplied and _ACCEPTED.match(supplied):
        return supplied
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Outermost middleware: sets the request id, answers it back, and writes the request's one log line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accepted_request_id(request.headers.get(HEADER))
        started = time.monotonic()
        with request_id_set(request_id):
            response = self.get_response(request)
            response[HEADER] = request_id
            request_logger.info("request", extra=_request_fields(request, response, started))
        return response


def _request_fields(request: HttpRequest, response: HttpResponse, started: float) -> dict[str, object]:
    match = request.resolver_match
    return {
        "method": request.method,
        "view": match.view_name if match else None,
        "route": match.route if match else None,
        # Only the numeric ids of the URL (plan_id, version number...): tokens and keys stay out of the log.
        "url_ids": {key: value for key, value in match.kwargs.items() if isinstance(value, int)} if match else {},
        "status": response.status_code,
        "duration_ms": round((time.monotonic() - started) * 1000, 1),
        "user_id": _user_id(request),
    }


def _user_id(request: HttpRequest) -> int | None:
    # Only a user the request already loaded: the log line never costs a session or user query of its own.
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


class RequestIdLogFilter(logging.Filter):
    """Adds `request_id` to every log record, so each line written for a request or task names it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True

"""Sign-in lockout (django-axes): what a locked-out person or API client is told, on every sign-in path."""

import math
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from rest_framework.request import Request

from portal.api.request_info import client_ip


class SignInLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per address of its own (AXES_HANDLER).

    Axes compares one count with one limit. Many people can sign in from one address (a station
    behind NAT), so an address gets LOGIN_ADDRESS_FAILURE_LIMIT failures across all its accounts
    while an account gets AXES_FAILURE_LIMIT from all addresses.
    """

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        parameters = [str(parameter) for parameter in get_lockout_parameters(request, credentials)]
        totals = {
            parameter: attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True)
        }
        # A request without a username (a malformed API call) is no account's failure.
        by_account = totals.get("username", 0) if get_client_username(request, credentials) else 0
        if totals.get("ip_address", 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(by_account, settings.AXES_FAILURE_LIMIT)
        return by_account

    def user_logged_in(self, sender: object, request: HttpRequest, user: object, **kwargs: object) -> None:
        # An API token sign-in has no browser session; axes would create one (a row and a cookie) only to
        # hash its key into the access log.
        if getattr(getattr(request, "session", None), "session_key", "") is None:
            request = _WithoutSession(request)  # type: ignore[assignment]  # duck-typed stand-in for axes' log
        super().user_logged_in(sender, request, user, **kwargs)


class _WithoutSession:
    """The request as axes' access log sees it when there is no session to record."""

    def __init__(self, request: HttpRequest) -> None:
        self.__dict__["_wrapped"] = request

    def __getattr__(self, name: str) -> Any:
        if name == "session":
            raise AttributeError(name)
        return getattr(self._wrapped, name)

    def __setattr__(self, name: str, value: object) -> None:
        setattr(self._wrapped, name, value)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The answer to a locked-out sign-in (AXES_LOCKOUT_CALLABLE): JSON under /api/, a page elsewhere.

    With a cool-off, 429 and Retry-After name when to try again; locked until an operator unlocks
    it, 403 says so. The answer is the same whether the password typed was right or wrong.
    """
    until = _locked_until(request, credentials)
    retry_after = math.ceil((until - timezone.now()).total_seconds()) if until else None
    status = 429 if until else 403
    why = (
        f"Too many failed sign-in attempts ({settings.AXES_FAILURE_LIMIT} for one account, or "
        f"{settings.LOGIN_ADDRESS_FAILURE_LIMIT} from one network address)"
    )
    if until:
        detail = (
            f"{why}: sign-in is paused. Try again after {until:%H:%M} UTC (in about {_minutes(retry_after)}), "
            "or ask the Concord operator to unlock it (your agency's Concord administrator can reach them)."
        )
    else:
        detail = (
            f"{why}: sign-in is locked until it is unlocked. Ask the Concord operator to unlock it "
            "(your agency's Concord administrator can reach them)."
        )
    if _wants_json(request):
        body: dict[str, Any] = {"detail": detail, "code": "locked_out"}
        if until:
            body["retry_after_seconds"] = retry_after
            body["locked_until"] = until.isoformat()
        response: HttpResponse = JsonResponse(body, status=status)
    else:
        context = {
            "account_limit": settings.AXES_FAILURE_LIMIT,
            "address_limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT,
            "until": until,
            "retry_minutes": _minutes(retry_after) if retry_after else None,
        }
        response = render(request, "registration/locked_out.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def attempted_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The account a sign-in attempt names (AXES_USERNAME_CALLABLE), whichever form it came from.

    authenticate() is always called with `username` (allauth's backend too); without credentials (the
    lockout check before a form is read) it is the posted field: `login` on allauth's form, `username`
    on the admin's, the browsable API's and the token endpoint's.
    """
    data = credentials or getattr(request, "data", None) or request.POST
    if not hasattr(data, "get"):  # a JSON body that is not an object names no account
        return None
    username = data.get("username") or data.get("login")
    return username if isinstance(username, str) else None


def flag_wrapped_request(sender: object, request: HttpRequest | Request | None = None, **kwargs: object) -> None:
    """Axes flags the request it was given; a DRF view gives it DRF's wrapper, which the middleware never sees.

    Copy the flag to the Django request inside, so AxesMiddleware answers any DRF view that calls
    authenticate(request=request, ...) (the token endpoint) with the lockout response too.
    """
    inner = getattr(request, "_request", None)
    if isinstance(request, Request) and inner is not None:
        inner.axes_locked_out = True
        inner.axes_credentials = getattr(request, "axes_credentials", None)


def _locked_until(request: HttpRequest, credentials: dict | None) -> datetime | None:
    """When the lock ends: the cool-off after the latest failure counted against this account or address."""
    cool_off: timedelta | None = get_cool_off(request)
    if cool_off is None:
        return None
    username = get_client_username(request, credentials)
    matches = Q(ip_address=client_ip(request))
    if username:
        matches |= Q(username=username)
    latest = AccessAttempt.objects.filter(matches).aggregate(latest=Max("attempt_time"))["latest"]
    return (latest or timezone.now()) + cool_off


def _minutes(seconds: int | None) -> str:
    minutes = max(1, math.ceil((seconds or 0) / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _wants_json(request: HttpRequest) -> bool:
    if request.path.startswith("/api/"):
        return True
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"

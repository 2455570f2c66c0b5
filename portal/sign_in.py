"""Sign-in lockout (django-axes): what a locked-out person or API client is told, on every sign-in path."""

import math
from datetime import datetime, timedelta
from typing import Any

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from rest_framework.request import Request

from portal.api.request_info import client_ip


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The answer to a locked-out sign-in (AXES_LOCKOUT_CALLABLE): JSON under /api/, a page elsewhere.

    With a cool-off, 429 and Retry-After name when to try again; locked until an operator unlocks
    it, 403 says so. The password was not checked, so nothing here tells whether it was right.
    """
    until = _locked_until(request, credentials)
    retry_after = math.ceil((until - timezone.now()).total_seconds()) if until else None
    status = 429 if until else 403
    if until:
        detail = (
            f"Sign-in is paused after {settings.AXES_FAILURE_LIMIT} failed attempts for this account or from "
            f"this address. Try again after {until:%H:%M} UTC (in about {_minutes(retry_after)}), or ask your "
            "agency's Concord administrator or the Concord operator to unlock it."
        )
    else:
        detail = (
            f"Sign-in is locked after {settings.AXES_FAILURE_LIMIT} failed attempts for this account or from "
            "this address. Ask your agency's Concord administrator or the Concord operator to unlock it."
        )
    if _wants_json(request):
        body: dict[str, Any] = {"detail": detail, "code": "locked_out"}
        if until:
            body["retry_after_seconds"] = retry_after
            body["locked_until"] = until.isoformat()
        response: HttpResponse = JsonResponse(body, status=status)
    else:
        context = {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "until": until,
            "retry_minutes": _minutes(retry_after) if retry_after else None,
        }
        response = render(request, "registration/locked_out.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


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

"""Maps domain errors to the status codes of API.md, so no refusal becomes a 500."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.errors import (
    ConflictError,
    DomainError,
    InvalidInputError,
    NotAllowedError,
    PayloadTooLargeError,
    SecondFactorRequiredError,
)
from portal.unavailable import response_if_unavailable

_STATUS_BY_ERROR = {
    ConflictError: status.HTTP_409_CONFLICT,
    InvalidInputError: status.HTTP_400_BAD_REQUEST,
    NotAllowedError: status.HTTP_403_FORBIDDEN,
    PayloadTooLargeError: status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | HttpResponse | None:
    """DRF's handler, plus domain errors, Django validation errors and the database being unreachable (503)."""
    if (unavailable := response_if_unavailable(context["request"], exc)) is not None:
        return unavailable
    if isinstance(exc, DomainError):
        code = next(
            (code for cls, code in _STATUS_BY_ERROR.items() if isinstance(exc, cls)),
            status.HTTP_400_BAD_REQUEST,
        )
        body: dict[str, Any] = {exc.field: [exc.message]} if exc.field and code == 400 else {"detail": exc.message}
        if isinstance(exc, SecondFactorRequiredError):
            body["code"] = exc.code
        return Response(body, status=code)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response({"detail": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    # A refusal with a code of its own (e.g. `mfa_enrolment_required`) names it beside the detail.
    refusal_code = getattr(getattr(exc, "detail", None), "code", None)
    if (
        response is not None
        and isinstance(exc, PermissionDenied)
        and refusal_code != PermissionDenied.default_code
        and isinstance(response.data, dict)
    ):
        response.data["code"] = refusal_code
    return response

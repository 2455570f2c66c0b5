"""Refuses a request whose declared body size is over the limit of its view, before any of the body is read.

Django reads a body only when something asks for it, but CSRF checks on web forms read it before the view runs, and
a multipart upload is spooled to a temporary file as it is read: without this a 200 MB upload was written to disk
and only then refused. The limit of a view is DATA_UPLOAD_MAX_MEMORY_SIZE (what Django accepts for a form or JSON
body) unless the view declares its own (`max_request_bytes`, see `upload_request_limit`).
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from portal.redirects import safe_redirect_target

# A multipart upload carries the file plus its part headers, the boundaries and the form's few other fields.
UPLOAD_FORM_OVERHEAD_BYTES = 64 * 1024


def upload_request_limit() -> int:
    """The largest request an attachment upload may declare: the file limit plus the form around it."""
    return settings.ATTACHMENT_MAX_BYTES + UPLOAD_FORM_OVERHEAD_BYTES


def accepts_uploads(view: Callable[..., Any]) -> Callable[..., Any]:
    """Marks a function view as taking attachment uploads (its limit is `upload_request_limit()`)."""
    view.max_request_bytes = upload_request_limit  # type: ignore[attr-defined]  # a marker read by the middleware
    return view


def _limit_of(view: Callable[..., Any]) -> tuple[int | None, bool]:
    """The view's limit, and whether it is an upload's."""
    # DRF's as_view() keeps the class on the function it returns; a function view carries the attribute itself.
    declared = getattr(getattr(view, "cls", None), "max_request_bytes", None) or getattr(
        view, "max_request_bytes", None
    )
    if declared is not None:
        return (declared() if callable(declared) else int(declared)), True
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE, False


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size} bytes"


class RequestSizeLimitMiddleware:
    """413 for a declared Content-Length over the view's limit; placed before CsrfViewMiddleware, which reads forms."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: tuple, kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django reads no body for a Content-Length it cannot parse
        limit, is_upload = _limit_of(view)
        if limit is None or declared <= limit:
            return None
        if is_upload:
            what = (
                f"The upload is {_megabytes(declared)}; a file may be at most "
                f"{_megabytes(settings.ATTACHMENT_MAX_BYTES)}."
            )
            todo = "Nothing was stored. Make the file smaller (e.g. export it at a lower resolution, or split it)."
        else:
            what = f"The request body is {_megabytes(declared)}; requests may be at most {_megabytes(limit)}."
            todo = "Nothing was changed. Send less at a time."
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": f"{what} {todo}"}, status=413)
        back_url = safe_redirect_target(request, request.META.get("HTTP_REFERER", ""), reverse("dashboard"))
        context = {"what": what, "todo": todo, "back_url": back_url}
        return render(request, "413.html", context, status=413)

"""The response that serves a building document's file: shown by the browser itself (an image, or a PDF in its
viewer), never guessed at (nosniff), never kept in a shared cache."""

from django.http import FileResponse

from buildings.models import BuildingDocumentVersion


def document_file_response(version: BuildingDocumentVersion) -> FileResponse:
    response = FileResponse(
        version.file.open("rb"), as_attachment=False, filename=version.filename, content_type=version.content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # The browser's own image page and PDF viewer style themselves and embed the file: the file is never HTML
    # (sniffed on upload, nosniff here), so its policy lets them, and still runs no script.
    response._csp_replace = {  # type: ignore[attr-defined]  # read by django-csp
        "default-src": ["'none'"],
        "img-src": ["'self'"],
        "style-src": ["'unsafe-inline'"],
        "object-src": ["'self'"],
        "script-src": ["'none'"],
    }
    return response

"""How an exported copy leaves as an HTTP download (web pages and the API alike)."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from plans.services.exports import ExportFile


def export_response(export: ExportFile) -> HttpResponse:
    """The copy as an attachment under its safe name, never cached by a shared cache or sniffed."""
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=export.filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response

"""The after-action report as a PDF over the API: the same export service as the web page
(exercises/report_pdf.py), which checks the reader, lays out the copy and audits it."""

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from exercises.api.views import ExerciseScoped
from exercises.report_pdf import report_pdf_export
from plans.export.download import export_response
from plans.export.pdf import CONTENT_TYPE, PdfUnavailableError
from portal.api.request_info import client_ip
from portal.api.schema import ErrorSerializer
from portal.types import AuthenticatedRequest


class PdfRenderer(BaseRenderer):
    """Lets a client ask for a PDF in Accept; the view answers the file itself, never rendered data."""

    media_type = CONTENT_TYPE
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return data if isinstance(data, bytes) else b""


class ReportPdfView(ExerciseScoped):
    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(
        operation_id="v1_exercises_report_pdf",
        summary="The after-action report as a PDF",
        description=(
            "A final report for any participating agency; a draft one for the lead agency's admins and liaisons, "
            "marked DRAFT on every page (its other members: 403; anyone else: 404). An agency that only views the "
            "exercise (it holds a plan of the building) gets 403. Every page names who generated the copy and "
            "when; each copy is audited (`aar.export`, with its SHA-256)."
        ),
        responses={
            (200, CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
            (503, "application/json"): OpenApiResponse(
                ErrorSerializer, description="PDF export is not set up on this server (Pango missing)."
            ),
        },
    )
    def get(self, request: AuthenticatedRequest, exercise_id: int) -> HttpResponse:
        exercise = self.get_exercise()
        try:
            export = report_pdf_export(exercise=exercise, actor=request.user, ip_address=client_ip(request))
        except PdfUnavailableError as error:
            return Response({"detail": error.message}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return export_response(export)

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        # Refusals and errors are JSON, whatever file type the client asked for in Accept.
        if isinstance(response, Response) and not isinstance(getattr(request, "accepted_renderer", None), JSONRenderer):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

"""API downloads of a version as PDF or Word: the same export service as the web pages (plans/services/exports.py),
which checks the reader, renders the copy and audits it."""

from typing import Any, ClassVar

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from access.http import PlanScopedMixin
from plans.export import pdf, word
from plans.export.download import export_response
from plans.export.pdf import PdfUnavailableError
from plans.services import ExportFormat, plan_version_export
from portal.api.request_info import client_ip
from portal.api.schema import ErrorSerializer


class _FileRenderer(BaseRenderer):
    """Lets a client ask for the file's type in Accept; the view answers the file itself, never rendered data."""

    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return data if isinstance(data, bytes) else b""


class PdfRenderer(_FileRenderer):
    media_type = pdf.CONTENT_TYPE
    format = "pdf"


class DocxRenderer(_FileRenderer):
    media_type = word.CONTENT_TYPE
    format = "docx"


class _VersionExportView(PlanScopedMixin, APIView):
    """The reading of the version's content is recorded by the service (sensitive plans), so no `content_reads`."""

    fmt: ClassVar[str]

    def get(self, request: Request, plan_id: int, number: int) -> HttpResponse:
        version = self.get_version()
        try:
            export = plan_version_export(
                version=version, actor=request.user, fmt=self.fmt, ip_address=client_ip(request)
            )
        except PdfUnavailableError as error:
            return Response({"detail": error.message}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return export_response(export)

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        # Refusals and errors are JSON, whatever file type the client asked for in Accept.
        if isinstance(response, Response) and not isinstance(getattr(request, "accepted_renderer", None), JSONRenderer):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


_UNAVAILABLE = OpenApiResponse(ErrorSerializer, description="PDF export is not set up on this server (Pango missing).")
_DESCRIPTION = (
    "For anyone who may read this version (drafts: the owner's admins, planners and liaisons; anyone else gets "
    "404). The copy shows the plan's title, agency, version, publish date (or `Draft — not published`), content "
    "hash, key facts, every section and the list of attachments, with the classification marking on every page; "
    "a law-enforcement-sensitive copy also names the reader and the time in every page's footer. Each export is "
    "audited (`plan.export`), and for a sensitive plan recorded as a read. Downloaded as "
    "`<title-slug>-v<number>.<extension>`."
)


class VersionExportPdfView(_VersionExportView):
    fmt = ExportFormat.PDF
    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(
        operation_id="v1_plans_versions_export_pdf",
        summary="Export a version as PDF",
        description=_DESCRIPTION + " Letter pages (A4 with `EXPORT_PAPER_SIZE=a4`), numbered `Page X of Y`.",
        responses={
            (200, pdf.CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
            (503, "application/json"): _UNAVAILABLE,
        },
    )
    def get(self, request: Request, plan_id: int, number: int) -> HttpResponse:
        return super().get(request, plan_id, number)


class VersionExportDocxView(_VersionExportView):
    fmt = ExportFormat.DOCX
    renderer_classes = [JSONRenderer, DocxRenderer]

    @extend_schema(
        operation_id="v1_plans_versions_export_docx",
        summary="Export a version as a Word document",
        description=_DESCRIPTION + " The marking is in every page's header and footer.",
        responses={(200, word.CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The .docx file.")},
    )
    def get(self, request: Request, plan_id: int, number: int) -> HttpResponse:
        return super().get(request, plan_id, number)

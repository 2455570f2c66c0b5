"""The API of the Word import: the services the web pages use (plans/views_import.py), multipart bodies."""

from typing import ClassVar

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from access.http import PlanScopedMixin
from plans.api.import_serializers import DraftImportSerializer, ImportResultSerializer, PlanImportSerializer
from plans.api.views import IDEMPOTENCY_HEADER, _idempotency_key  # POST /plans/'s reading of the header
from plans.services.imports import plan_import_create, plan_import_draft
from portal.api.request_info import client_ip
from portal.request_size import upload_request_limit
from portal.types import AuthenticatedRequest


class PlanImportView(APIView):
    """A new plan from a Word document; its first draft holds the document (never published)."""

    parser_classes = [MultiPartParser]
    # RequestSizeLimitMiddleware refuses a larger declared body before reading it (413).
    max_request_bytes = staticmethod(upload_request_limit)

    @extend_schema(
        operation_id="v1_plans_import_create",
        request={"multipart/form-data": PlanImportSerializer},
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.UUID,
                location=OpenApiParameter.HEADER,
                description="A UUID the client makes for this import: the same request sent again with it returns "
                "the plan and draft it made (200) instead of a second plan.",
            )
        ],
        responses={201: ImportResultSerializer, 200: ImportResultSerializer},
        description="Admins and planners of the owner agency. A file that is not a usable Word document (not a "
        ".docx, damaged, encrypted, a zip bomb) is a 400 on `file`.",
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        key = _idempotency_key(request)
        incoming = PlanImportSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        result = plan_import_create(
            actor=request.user,
            upload=data["file"],
            owner_agency=data["owner_agency"],
            kind=data["kind"],
            title=" ".join(data["title"].split()),
            classification=data["classification"],
            creation_key=key,
            max_bytes=settings.ATTACHMENT_MAX_BYTES,
            ip_address=client_ip(request),
        )
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(ImportResultSerializer(result).data, status=code)


class DraftImportView(PlanScopedMixin, APIView):
    """A new draft of a plan from a Word document; open drafts are left as they are."""

    parser_classes = [MultiPartParser]
    max_request_bytes = staticmethod(upload_request_limit)
    # The response shows counts and warnings about the uploaded document, none of the plan's stored content.
    content_reads: ClassVar[dict[str, str]] = {}

    @extend_schema(
        operation_id="v1_plans_import_draft_create",
        request={"multipart/form-data": DraftImportSerializer},
        responses={201: ImportResultSerializer, 200: ImportResultSerializer},
        description="Owner admins and planners. The same document again while its draft is open returns that "
        "draft (200).",
    )
    def post(self, request: AuthenticatedRequest, plan_id: int) -> Response:
        self.require(self.get_access().can_edit, "Only admins and planners of the owner agency may start drafts.")
        incoming = DraftImportSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        result = plan_import_draft(
            plan=self.get_plan(),
            actor=request.user,
            upload=incoming.validated_data["file"],
            max_bytes=settings.ATTACHMENT_MAX_BYTES,
            ip_address=client_ip(request),
        )
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(ImportResultSerializer(result).data, status=code)

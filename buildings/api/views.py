"""The building documents API: list and add, retrieve, replace (a new version), download; 404 for what the user
may not see, 403 for a visible document they may not replace."""

from typing import Any

from django.conf import settings
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from access.facilities import building_documents_visible_to
from access.sensitive_reads import sensitive_document_read_record
from agencies.models import Facility
from agencies.selectors import facilities_visible_to
from buildings import services
from buildings.api import serializers
from buildings.files import document_file_response
from buildings.models import BuildingDocument
from buildings.selectors import document_versions, facility_documents
from portal.api.request_info import client_ip
from portal.request_size import upload_request_limit
from portal.types import AuthenticatedRequest


class FacilityScoped(generics.GenericAPIView):
    queryset = BuildingDocument.objects.none()

    def get_facility(self) -> Facility:
        return get_object_or_404(facilities_visible_to(user=self.request.user), pk=self.kwargs["facility_id"])

    def get_document(self) -> BuildingDocument:
        return get_object_or_404(
            building_documents_visible_to(user=self.request.user),
            pk=self.kwargs["document_id"],
            facility_id=self.get_facility().pk,
        )

    def record_read(self, document: BuildingDocument, what: str, obj: Any = None) -> None:
        """Refuse (403 `mfa_required`) or audit the read of a law-enforcement-sensitive document."""
        sensitive_document_read_record(
            document=document, actor=self.request.user, ip_address=client_ip(self.request), what=what, obj=obj
        )


class FacilityDocumentListView(FacilityScoped):
    serializer_class = serializers.DocumentSerializer
    parser_classes = [MultiPartParser]
    # RequestSizeLimitMiddleware refuses a larger declared body before reading it (413).
    max_request_bytes = staticmethod(upload_request_limit)

    @extend_schema(responses=serializers.DocumentSerializer(many=True))
    def get(self, request: Request, facility_id: int) -> Response:
        """The building's documents the user may see, with their current versions."""
        documents = facility_documents(user=request.user, facility=self.get_facility())
        page = self.paginate_queryset(documents)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": serializers.DocumentUploadSerializer},
        responses={201: serializers.DocumentSerializer},
    )
    def post(self, request: AuthenticatedRequest, facility_id: int) -> Response:
        """Add a document (its version 1): the owner's admins and planners, or a partner's (its annotation)."""
        facility = self.get_facility()
        incoming = serializers.DocumentUploadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        document = services.building_document_add(
            facility=facility,
            actor=request.user,
            kind=data["kind"],
            title=data["title"],
            classification=data["classification"],
            upload=data["file"],
            max_bytes=settings.ATTACHMENT_MAX_BYTES,
            change_note=data["change_note"],
            ip_address=client_ip(request),
        )
        return Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)


class FacilityDocumentDetailView(FacilityScoped):
    serializer_class = serializers.DocumentDetailSerializer

    @extend_schema(responses=serializers.DocumentDetailSerializer)
    def get(self, request: Request, facility_id: int, document_id: int) -> Response:
        """One document with every version (a law-enforcement-sensitive one's read is audited)."""
        document = self.get_document()
        self.record_read(document, "document")
        document.versions_listed = list(document_versions(document=document))  # type: ignore[attr-defined]
        return Response(self.get_serializer(document).data)


class FacilityDocumentVersionsView(FacilityScoped):
    serializer_class = serializers.DocumentVersionSerializer
    parser_classes = [MultiPartParser]
    max_request_bytes = staticmethod(upload_request_limit)

    @extend_schema(
        request={"multipart/form-data": serializers.DocumentReplaceSerializer},
        responses={201: serializers.DocumentVersionSerializer},
    )
    def post(self, request: AuthenticatedRequest, facility_id: int, document_id: int) -> Response:
        """Replace the file: a new version, alerted with what changed (the agency that added it only)."""
        document = self.get_document()
        incoming = serializers.DocumentReplaceSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        version = services.building_document_replace(
            document=document,
            actor=request.user,
            upload=incoming.validated_data["file"],
            max_bytes=settings.ATTACHMENT_MAX_BYTES,
            change_note=incoming.validated_data["change_note"],
            ip_address=client_ip(request),
        )
        return Response(self.get_serializer(version).data, status=status.HTTP_201_CREATED)


class FacilityDocumentDownloadView(FacilityScoped):
    @extend_schema(responses={(200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The file, inline.")})
    def get(self, request: Request, facility_id: int, document_id: int, number: int) -> FileResponse:
        """One version's file with its own Content-Type (PDF, PNG or JPEG), shown inline."""
        document = self.get_document()
        version = get_object_or_404(document_versions(document=document), number=number)
        self.record_read(document, "file", obj=version)
        return document_file_response(version)

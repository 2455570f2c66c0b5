"""Partner concurrence over the API: a version's status per partner, recording an outcome, the plan's record."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from access.http import PlanScopedMixin
from portal.api.request_info import client_ip
from portal.api.schema import conflict
from portal.types import AuthenticatedRequest
from reviews.api import concurrence_serializers as serializers
from reviews.concurrence_export import CSV_COLUMNS, concurrence_csv
from reviews.concurrence_selectors import concurrence_status, plan_concurrence_record
from reviews.concurrence_services import concurrence_record
from reviews.models import Concurrence


class ConcurrenceCSVRenderer(BaseRenderer):
    """The concurrence record as a CSV download (`?format=csv` or `Accept: text/csv`)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return concurrence_csv(data).encode("utf-8")


class ConcurrenceListView(PlanScopedMixin, generics.GenericAPIView):
    """GET: each partner's concurrence with the version; POST: a partner's admin or liaison records one."""

    serializer_class = serializers.ConcurrenceStatusSerializer
    queryset = Concurrence.objects.none()
    # Partners' outcomes and notes on a law-enforcement-sensitive plan are its content.
    content_reads = {"GET": "concurrence"}

    @extend_schema(
        summary="Partner concurrence with a version",
        description="Owner members see every partner agency; a partner's members see their own agency; "
        "readers of a public plan see none. `status` is the newest outcome recorded on this version, "
        "`pending` for the current version when nothing is recorded.",
        responses=serializers.ConcurrenceStatusSerializer(many=True),
    )
    def get(self, request: Request, plan_id: int, number: int) -> Response:
        version = self.shown_object = self.get_version()
        rows = concurrence_status(access=self.get_access(), version=version)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Record concur or changes requested",
        description="Admins and liaisons of a partner agency the plan is shared with, on the current published "
        "version only (409 otherwise). `changes_requested` needs a note or an open change request of the "
        "agency; the agency's open change requests are kept with the record. Records are append-only: the "
        "newest counts.",
        request=serializers.ConcurrenceWriteSerializer,
        responses={
            201: serializers.ConcurrenceCreatedSerializer,
            409: conflict("The version is not the current published one."),
        },
    )
    def post(self, request: AuthenticatedRequest, plan_id: int, number: int) -> Response:
        version = self.get_version()
        incoming = serializers.ConcurrenceWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        concurrence = concurrence_record(
            version=version,
            agency=data.get("agency"),
            actor=request.user,
            outcome=data["outcome"],
            note=data.get("note", ""),
            ip_address=client_ip(request),
        )
        return Response(serializers.ConcurrenceCreatedSerializer(concurrence).data, status=status.HTTP_201_CREATED)


class ConcurrenceRecordView(PlanScopedMixin, APIView):
    """The owner's evidence of which partner concurred with which version, and when."""

    # api_settings imports the setting's classes; the stubs type them as the dotted paths.
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, ConcurrenceCSVRenderer]  # type: ignore[list-item]
    content_reads = {"GET": "concurrence_record"}

    @extend_schema(
        summary="The plan's concurrence record",
        description="For members of the owner agency: every released version x partner agency with the newest "
        "outcome and the full history. `?format=csv` downloads it as CSV (one row per recorded outcome, "
        f"columns {', '.join(CSV_COLUMNS)}).",
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], description="`csv` for a download.")
        ],
        responses={
            (200, "application/json"): serializers.ConcurrenceRecordSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One row per recorded outcome."),
        },
    )
    def get(self, request: Request, plan_id: int) -> Response:
        access = self.get_access()
        self.require(access.can_read_all_concurrence, "Only members of the owner agency see the concurrence record.")
        data = serializers.ConcurrenceRecordSerializer(plan_concurrence_record(access=access)).data
        response = Response(data)
        if isinstance(request.accepted_renderer, ConcurrenceCSVRenderer):
            filename = f"concurrence-plan-{self.get_plan().pk}.csv"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            response["Cache-Control"] = "private, no-store"
        return response

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        # Only the record itself is CSV: refusals, errors and OPTIONS (the endpoint's description) stay JSON.
        is_record = request.method in ("GET", "HEAD") and response.status_code < 400
        if not is_record and isinstance(getattr(request, "accepted_renderer", None), ConcurrenceCSVRenderer):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

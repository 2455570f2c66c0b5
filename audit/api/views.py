"""An agency's audit trail in the API: the same filters and rules as the web page (audit/views.py)."""

from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from audit import selectors
from audit.api.serializers import AuditEventSerializer
from audit.csv_export import CSV_COLUMNS, csv_download, filter_values
from audit.filters import AuditEventApiFilter
from audit.models import AuditAction, AuditEvent
from audit.services import audit_trail_export_record
from portal.api.pagination import KeysFirstPagination
from portal.api.request_info import client_ip

RULES = (
    "For the agency's admins only: anyone outside the agency gets 404, a member who is not an admin 403. "
    "Filters: `person` (username), `plan` (a plan id you may see), `action`, `since` and `until` (dates, inclusive)."
)


class AgencyTrailMixin:
    """The agency's trail, once the person is known to be its admin (404/403 otherwise)."""

    kwargs: dict[str, Any]

    def get_queryset(self) -> QuerySet[AuditEvent]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reads the model, with no URL arguments
            return AuditEvent.objects.none()
        request: Request = self.request  # type: ignore[attr-defined]  # the view's; the mixin comes first in the MRO
        agency = selectors.audit_agency_for(user=request.user, agency_id=self.kwargs["agency_id"])
        self.agency = agency
        return selectors.audit_trail_of(user=request.user, agency=agency).select_related("agency")


# django-filter's method filters lose their types in the schema: say what a valid value is.
TRAIL_PARAMETERS = [
    OpenApiParameter("person", {"type": "string", "maxLength": 150}, description="Username, as written (any case)."),
    OpenApiParameter("since", OpenApiTypes.DATE, description="First day (YYYY-MM-DD)."),
    OpenApiParameter("until", OpenApiTypes.DATE, description="Last day, included (YYYY-MM-DD)."),
]


@extend_schema(summary="An agency's audit trail", description=f"Newest first. {RULES}", parameters=TRAIL_PARAMETERS)
class AuditEventListView(AgencyTrailMixin, generics.ListAPIView[AuditEvent]):
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventApiFilter
    pagination_class = KeysFirstPagination


class AuditEventExportView(AgencyTrailMixin, generics.GenericAPIView[AuditEvent]):
    filterset_class = AuditEventApiFilter
    pagination_class = None

    @extend_schema(
        summary="Download an agency's audit trail as CSV",
        parameters=[
            *TRAIL_PARAMETERS,
            OpenApiParameter("plan", OpenApiTypes.INT, description="Id of a plan."),
            OpenApiParameter("action", OpenApiTypes.STR, enum=AuditAction.values, description="Action."),
        ],
        description=f"The filtered events, newest first, streamed as CSV (columns {', '.join(CSV_COLUMNS)}); the "
        f"export itself is recorded in the trail. {RULES}",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One row per event.")},
    )
    def get(self, request: Request, agency_id: int) -> StreamingHttpResponse:
        queryset = self.get_queryset()
        trail = AuditEventApiFilter(request.query_params, queryset=queryset, request=request)
        if not trail.is_valid():
            raise ValidationError(trail.errors)
        export = audit_trail_export_record(
            actor=request.user,  # type: ignore[arg-type]  # signed in: the agency check above let them through
            agency=self.agency,
            filters=filter_values(trail),
            ip_address=client_ip(request),
        )
        return csv_download(trail.qs.exclude(pk=export.pk), self.agency.slug)

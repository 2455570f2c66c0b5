"""The compliance API: per plan and per person (the same selectors as the pages), and the evidence export."""

from typing import Any

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotAcceptable, ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Role
from plans.export.pdf import PdfUnavailableError
from portal.api.pagination import StandardPagination
from portal.api.request_info import client_ip
from portal.api.schema import ErrorSerializer
from portal.errors import InvalidInputError
from reading import selectors_compliance as selectors
from reading.api.serializers_compliance import PersonComplianceSerializer, PlanComplianceSerializer
from reading.evidence import CSV_COLUMNS, INCLUDES, EvidencePeriod
from reading.evidence_download import evidence_download
from reading.evidence_services import evidence_agency, reading_evidence_export
from reading.forms_compliance import (
    PEOPLE_SORT_CHOICES,
    PLAN_SORT_CHOICES,
    ComplianceFilterForm,
    EvidencePeriodForm,
)

SCOPE = (
    "For the agency's admins and liaisons (everyone) and its groups' supervisors (their groups' people only); "
    "anyone outside the agency gets 404, any other member 403. A plan's owner never sees a partner's people here."
)


def _choices(pairs: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> list[str]:
    return [key for key, _ in pairs]


FILTER_PARAMETERS = [
    OpenApiParameter("group", OpenApiTypes.INT, description="A group's id; one outside your scope lists nobody."),
    OpenApiParameter("role", OpenApiTypes.STR, enum=_choices(Role.choices), description="People with this role."),
    OpenApiParameter(
        "state",
        OpenApiTypes.STR,
        enum=_choices(selectors.State.CHOICES),
        description="Keep the rows with someone (something) overdue or due; `acknowledged`: everything read.",
    ),
]


def _messages(form: Any) -> dict[str, list[str]]:
    return {name: [str(message) for message in messages] for name, messages in form.errors.items()}


def _filters(request: Request, scope: selectors.ComplianceScope, sorts: list[tuple[str, str]]) -> Any:
    form = ComplianceFilterForm(request.query_params, groups=[], sorts=sorts, any_group=True)
    if not form.is_valid():
        raise ValidationError(_messages(form))
    return form.filters()


class AgencyReadingComplianceView(APIView):
    pagination_class = StandardPagination  # paginated by hand below; named here so the schema shows the envelope

    @extend_schema(
        summary="Who has read each required plan",
        description="Per plan the agency requires: how many of the people in your scope must acknowledge the "
        f"current version, have, are due and are overdue, and the longest overdue. {SCOPE}",
        parameters=[
            *FILTER_PARAMETERS,
            OpenApiParameter("sort", OpenApiTypes.STR, enum=_choices(PLAN_SORT_CHOICES), description="Order."),
        ],
        responses=PlanComplianceSerializer(many=True),
    )
    def get(self, request: Request, agency_id: int) -> Response:
        scope = selectors.compliance_scope_for(user=request.user, agency_id=agency_id)
        filters = _filters(request, scope, PLAN_SORT_CHOICES)
        now = timezone.now()
        paginator = StandardPagination()
        # Hundreds of plans at most: one query for all of them, the count their length (as the page does).
        page = paginator.paginate_queryset(
            list(selectors.plan_summaries(scope=scope, filters=filters, now=now)), request, view=self
        )
        rows = [
            {**row, "longest_overdue_days": selectors.days_overdue(row["oldest_overdue"], now)} for row in page or []
        ]
        return paginator.get_paginated_response(PlanComplianceSerializer(rows, many=True).data)


class AgencyReadingCompliancePeopleView(APIView):
    pagination_class = StandardPagination

    @extend_schema(
        summary="What each person owes",
        description="Per person in your scope: how many required plans they must acknowledge, have, and are "
        f"overdue on; with `plan`, for that plan alone (who has not read it). {SCOPE}",
        parameters=[
            OpenApiParameter("plan", OpenApiTypes.INT, description="A plan's id: its people only."),
            *FILTER_PARAMETERS,
            OpenApiParameter("sort", OpenApiTypes.STR, enum=_choices(PEOPLE_SORT_CHOICES), description="Order."),
        ],
        responses=PersonComplianceSerializer(many=True),
    )
    def get(self, request: Request, agency_id: int) -> Response:
        scope = selectors.compliance_scope_for(user=request.user, agency_id=agency_id)
        filters = _filters(request, scope, PEOPLE_SORT_CHOICES)
        now = timezone.now()
        paginator = StandardPagination()
        page = paginator.paginate_queryset(
            selectors.people_summaries(scope=scope, filters=filters, now=now), request, view=self
        )
        people = selectors.people_rows(scope=scope, rows=list(page or []), now=now)
        return paginator.get_paginated_response(PersonComplianceSerializer(people, many=True).data)


class _FileRenderer(BaseRenderer):
    """Lets `?format=` and Accept name the file's type; the view answers the file itself, never rendered data."""

    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return data if isinstance(data, bytes) else b""


class CsvRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"


class PdfRenderer(_FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


class AgencyReadingEvidenceView(APIView):
    renderer_classes = [JSONRenderer, CsvRenderer, PdfRenderer]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[BaseRenderer, str]:
        # An unknown `format` is a 400 from the form below (with its field), not DRF's 404 for a missing renderer;
        # the file goes out whatever Accept says (errors are JSON: finalize_response).
        try:
            return super().perform_content_negotiation(request, force)
        except (Http404, NotAcceptable):
            return (JSONRenderer(), JSONRenderer.media_type)

    @extend_schema(
        summary="Export the agency's required-reading evidence (CSV or PDF)",
        description=f"For the agency's admins and liaisons only (anyone outside the agency: 404; any other member, "
        f"group supervisors included: 403). {INCLUDES} CSV columns: {', '.join(CSV_COLUMNS)}. The PDF states who "
        "generated it and when. Each export is recorded in the agency's audit trail (`reading.evidence_export`, "
        "with the period and format). Without dates, the last 365 days.",
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=["csv", "pdf"], required=True, description="File type."),
            OpenApiParameter("since", OpenApiTypes.DATE, description="First day (YYYY-MM-DD)."),
            OpenApiParameter("until", OpenApiTypes.DATE, description="Last day, included (YYYY-MM-DD)."),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.BINARY, description="One row per obligation or acknowledgement."
            ),
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The evidence as a PDF."),
            (503, "application/json"): OpenApiResponse(
                ErrorSerializer, description="PDF export is not set up on this server (Pango missing)."
            ),
        },
    )
    def get(self, request: Request, agency_id: int) -> HttpResponse | StreamingHttpResponse | Response:
        agency = evidence_agency(actor=request.user, agency_id=agency_id)
        form = EvidencePeriodForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(_messages(form))
        period = EvidencePeriod(since=form.cleaned_data["since"], until=form.cleaned_data["until"])
        try:
            export = reading_evidence_export(
                agency=agency,
                actor=request.user,
                period=period,
                fmt=form.cleaned_data["format"],
                ip_address=client_ip(request),
            )
        except InvalidInputError as error:
            raise ValidationError({error.field or "non_field_errors": [error.message]}) from error
        except PdfUnavailableError as error:
            return Response({"detail": error.message}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return evidence_download(export)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        # Refusals and errors are JSON, whatever file type the client asked for.
        if isinstance(response, Response) and not isinstance(getattr(request, "accepted_renderer", None), JSONRenderer):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

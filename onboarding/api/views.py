"""The onboarding API: an agency's roster import (preview, then import) for its admins, and every agency's
completeness for state coordinators. The same services and reads as the web pages."""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Agency
from onboarding import services
from onboarding.api.serializers import (
    AgencyCompletenessSerializer,
    RosterImportedSerializer,
    RosterPreviewSerializer,
    RosterUploadSerializer,
)
from onboarding.pages import agency_to_set_up
from onboarding.roster import roster_preview, roster_text_of
from onboarding.selectors import agencies_with_completeness
from portal.api.request_info import client_ip
from portal.api.schema import ErrorSerializer
from portal.types import AuthenticatedRequest

TOO_LARGE = OpenApiResponse(ErrorSerializer, description="The file is over the roster's size limit.")


def _roster_text(request: Request) -> str:
    incoming = RosterUploadSerializer(data=request.data)
    incoming.is_valid(raise_exception=True)
    return roster_text_of(incoming.validated_data["file"])


class RosterPreviewView(APIView):
    """What importing a roster would do, row by row; writes nothing (the agency's admins and platform staff)."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="v1_agencies_roster_preview",
        request={"multipart/form-data": RosterUploadSerializer},
        responses={200: RosterPreviewSerializer, 413: TOO_LARGE},
        description="A file that is not a usable roster (not UTF-8 CSV, unknown columns, no email column, more "
        "rows than allowed) is a 400 on `file`; problems of single rows are in each row's `problems`.",
    )
    def post(self, request: AuthenticatedRequest, agency_id: int) -> Response:
        agency = agency_to_set_up(request, agency_id)
        preview = roster_preview(agency=agency, text=_roster_text(request))
        return Response(RosterPreviewSerializer(preview).data)


class RosterImportView(APIView):
    """Import a roster: invite every new person, add those with an account (the agency's admins and staff)."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="v1_agencies_roster_import",
        request={"multipart/form-data": RosterUploadSerializer},
        responses={201: RosterImportedSerializer, 413: TOO_LARGE},
        description="Rows with errors and people already members are left out (the answer lists them). Each "
        "invitation is e-mailed through the outbox and audited; the import itself is one audit row.",
    )
    def post(self, request: AuthenticatedRequest, agency_id: int) -> Response:
        agency = agency_to_set_up(request, agency_id)
        text = _roster_text(request)
        result = services.roster_import(agency=agency, actor=request.user, text=text, ip_address=client_ip(request))
        return Response(RosterImportedSerializer(result).data, status=status.HTTP_201_CREATED)


class AgencyCompletenessListView(generics.ListAPIView):
    """Every agency and how complete it is (state coordinators and platform staff; 403 for anyone else).
    Counts only: no plan is named."""

    serializer_class = AgencyCompletenessSerializer

    def get_queryset(self) -> QuerySet[Agency]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator asks without a coordinator
            return Agency.objects.none()
        return agencies_with_completeness(user=self.request.user)

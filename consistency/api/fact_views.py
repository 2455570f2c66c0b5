"""The key facts a version states about the facilities its plan covers: read by viewers, set on drafts."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from access.http import PlanScopedMixin
from consistency.api.fact_serializers import FacilityFactsSerializer, FacilityFactsWriteSerializer
from consistency.fact_selectors import FacilityFacts, version_facts_by_facility
from consistency.fact_services import facility_facts_set
from portal.api.request_info import client_ip
from portal.api.schema import conflict
from portal.types import AuthenticatedRequest


class VersionFactsView(PlanScopedMixin, APIView):
    """Facility key facts of one version, one entry per facility it states facts about."""

    content_reads = {"GET": "facts", "PUT": "facts"}

    @extend_schema(responses=FacilityFactsSerializer(many=True))
    def get(self, request: Request, plan_id: int, number: int) -> Response:
        version = self.shown_object = self.get_version()
        groups = version_facts_by_facility(version=version)
        return Response(FacilityFactsSerializer(groups, many=True).data)

    @extend_schema(
        request=FacilityFactsWriteSerializer,
        responses={200: FacilityFactsSerializer, 409: conflict("Key facts change on drafts only.")},
    )
    def put(self, request: AuthenticatedRequest, plan_id: int, number: int) -> Response:
        version = self.shown_object = self.get_version()
        self.require(self.get_access().can_edit, "Only admins and planners of the owner agency may set key facts.")
        incoming = FacilityFactsWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        facility = incoming.validated_data["facility"]
        stored = facility_facts_set(
            version=version,
            facility=facility,
            facts=incoming.validated_data["facts"],
            actor=request.user,
            ip_address=client_ip(request),
        )
        group = FacilityFacts(facility=facility, facts={fact.key: fact for fact in stored})
        return Response(FacilityFactsSerializer(group).data)

"""Drill requirements over the API: requirement sets and their lines, the sets that apply to a building, and the
drill status of a building and of an agency's buildings. A set the person does not read, a building whose status
is not theirs (another agency's) or an agency they do not belong to is 404; a change they may not make, 403."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from access.drills import can_see_agency_drills, can_see_drill_status
from agencies.models import Agency, Facility
from agencies.selectors import facilities_visible_to
from exercises import requirement_services as services
from exercises.api import requirement_serializers as serializers
from exercises.requirement_models import RequirementSet
from exercises.requirement_selectors import facility_assignments, requirement_set_of, requirement_sets_listed
from exercises.requirement_status import drill_status
from portal.api.schema import conflict
from portal.errors import InvalidInputError
from portal.types import AuthenticatedRequest


def _fields(data: dict) -> services.SetFields:
    return services.SetFields(
        name=data["name"],
        jurisdiction=data["jurisdiction"],
        year_start_month=data["year_start_month"],
        year_start_day=data["year_start_day"],
        terms_per_year=data["terms_per_year"],
    )


# Finds the requirement set (`set_id`) and the building (`facility_id`) in the URL among those the person sees
# (404 otherwise), as `ExerciseScoped` does for an exercise. A comment, not a docstring: drf-spectacular would
# describe every view without one of its own with it.
class RequirementScoped(APIView):
    def get_requirement_set(self) -> RequirementSet:
        return requirement_set_of(user=self.request.user, set_id=self.kwargs["set_id"])

    def get_facility(self) -> Facility:
        return get_object_or_404(facilities_visible_to(user=self.request.user), pk=self.kwargs["facility_id"])

    def get_drill_facility(self) -> Facility:
        """The building, when its drill status is the person's to see."""
        facility = self.get_facility()
        if not can_see_drill_status(self.request.user, facility):
            raise Http404("No facility matches the given query.")
        return facility


class RequirementSetListView(generics.ListAPIView):
    """GET: the requirement sets you read (states' and your agencies' own); POST: create one."""

    serializer_class = serializers.RequirementSetSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return requirement_sets_listed(user=self.request.user)

    @extend_schema(
        summary="Create a requirement set",
        description="For an agency you are an admin of; a state's set (`owner_agency` null) needs a platform operator.",
        request=serializers.RequirementSetWriteSerializer,
        responses={201: serializers.RequirementSetSerializer},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        incoming = serializers.RequirementSetWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        owner = None
        if data["owner_agency"] is not None:
            owner = Agency.objects.filter(pk=data["owner_agency"]).first()
            if owner is None:
                raise InvalidInputError("No such agency.", field="owner_agency")
        created = services.requirement_set_create(owner_agency=owner, fields=_fields(data), actor=request.user)
        body = serializers.RequirementSetSerializer(requirement_set_of(user=request.user, set_id=created.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


class RequirementSetDetailView(RequirementScoped):
    @extend_schema(summary="One requirement set", responses={200: serializers.RequirementSetSerializer})
    def get(self, request: Request, set_id: int) -> Response:
        return Response(serializers.RequirementSetSerializer(self.get_requirement_set()).data)

    @extend_schema(
        summary="Change a requirement set",
        request=serializers.RequirementSetWriteSerializer,
        responses={200: serializers.RequirementSetSerializer},
    )
    def put(self, request: AuthenticatedRequest, set_id: int) -> Response:
        requirement_set = self.get_requirement_set()
        incoming = serializers.RequirementSetWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.requirement_set_update(
            requirement_set=requirement_set, fields=_fields(incoming.validated_data), actor=request.user
        )
        return Response(serializers.RequirementSetSerializer(self.get_requirement_set()).data)


class RequirementLineListView(RequirementScoped):
    @extend_schema(
        summary="Add a line to a requirement set",
        request=serializers.RequirementLineWriteSerializer,
        responses={201: serializers.RequirementLineSerializer, 409: conflict("The set has its most lines.")},
    )
    def post(self, request: AuthenticatedRequest, set_id: int) -> Response:
        requirement_set = self.get_requirement_set()
        incoming = serializers.RequirementLineWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        line = services.requirement_line_add(
            requirement_set=requirement_set,
            exercise_kind=data["exercise_kind"],
            count=data["count"],
            period=data["period"],
            facility_kinds=data["facility_kinds"],
            actor=request.user,
        )
        return Response(serializers.RequirementLineSerializer(line).data, status=status.HTTP_201_CREATED)


class RequirementLineDetailView(RequirementScoped):
    @extend_schema(summary="Take a line off a requirement set", responses={204: None})
    def delete(self, request: AuthenticatedRequest, set_id: int, line_id: int) -> Response:
        requirement_set = self.get_requirement_set()
        line = requirement_set.lines.filter(pk=line_id).select_related("requirement_set").first()
        if line is None:
            raise Http404("No requirement line matches the given query.")
        services.requirement_line_remove(line=line, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FacilityRequirementListView(RequirementScoped):
    @extend_schema(
        summary="The requirement sets that apply to a building",
        responses={200: serializers.RequirementSetSerializer(many=True)},
    )
    def get(self, request: Request, facility_id: int) -> Response:
        facility = self.get_drill_facility()
        ids = facility_assignments(facility=facility).values("requirement_set_id")
        rows = requirement_sets_listed(user=request.user).filter(pk__in=ids)
        # The owner's members read every set assigned to it (a state's, or their agency's own).
        return Response(serializers.RequirementSetSerializer(rows, many=True).data)

    @extend_schema(
        summary="Apply a requirement set to a building",
        description="The building owner's admins; a state's set or one of the owner's own.",
        request=serializers.AssignWriteSerializer,
        responses={201: serializers.RequirementSetSerializer, 409: conflict("It applies already.")},
    )
    def post(self, request: AuthenticatedRequest, facility_id: int) -> Response:
        facility = self.get_facility()
        incoming = serializers.AssignWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        requirement_set = (
            requirement_sets_listed(user=request.user).filter(pk=incoming.validated_data["requirement_set"]).first()
        )
        if requirement_set is None:
            raise InvalidInputError("No requirement set you read has that id.", field="requirement_set")
        services.requirement_assign(facility=facility, requirement_set=requirement_set, actor=request.user)
        return Response(serializers.RequirementSetSerializer(requirement_set).data, status=status.HTTP_201_CREATED)


class FacilityRequirementDetailView(RequirementScoped):
    @extend_schema(
        summary="Take a requirement set off a building",
        responses={204: None, 409: conflict("It does not apply.")},
    )
    def delete(self, request: AuthenticatedRequest, facility_id: int, set_id: int) -> Response:
        facility = self.get_facility()
        requirement_set = self.get_requirement_set()
        services.requirement_unassign(facility=facility, requirement_set=requirement_set, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FacilityDrillStatusView(RequirementScoped):
    @extend_schema(
        summary="A building's drills this school year",
        description="Per requirement line: required, done, scheduled, still due, behind. For the owner's members.",
        responses={200: serializers.FacilityDrillStatusSerializer},
    )
    def get(self, request: Request, facility_id: int) -> Response:
        facility = self.get_drill_facility()
        status_ = drill_status(facilities=[facility])[facility.pk]
        return Response(serializers.FacilityDrillStatusSerializer(status_).data)


class AgencyDrillStatusView(APIView):
    @extend_schema(
        summary="The drills of an agency's buildings this school year",
        description="Every building the agency owns, those behind first. For the agency's members.",
        responses={200: serializers.FacilityDrillStatusSerializer(many=True)},
    )
    def get(self, request: Request, agency_id: int) -> Response:
        if not can_see_agency_drills(request.user, agency_id):
            raise Http404("No agency matches the given query.")
        facilities = list(Facility.objects.filter(owner_agency_id=agency_id).order_by("name", "pk"))
        rows = sorted(drill_status(facilities=facilities).values(), key=lambda s: (not s.behind, s.facility.name))
        return Response(serializers.FacilityDrillStatusSerializer(rows, many=True).data)

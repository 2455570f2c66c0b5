"""Training records in the API: an agency's sessions (its members read them, its admins and liaisons write them),
its training requirements, who is current (per plan for its members; per person in the reading compliance
scope), and recording an exercise's attendees as trained. 404 outside the agency; writes call
`reading.services_training`."""

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Agency, Role
from exercises.selectors import exercise_of
from plans.models import Plan
from portal.api.request_info import client_ip
from portal.api.schema import conflict
from portal.errors import InvalidInputError
from portal.types import AuthenticatedRequest
from reading import selectors_training as selectors
from reading import services_training as services
from reading.api import serializers_training as serializers
from reading.models import ReadingGroup, TrainingRequirement, TrainingSession
from reading.selectors_compliance import ComplianceScope, compliance_scope_for

MAX_ID = 2**63 - 1


def _session_input(data: dict[str, Any]) -> services.SessionInput:
    return services.SessionInput(
        title=data["title"],
        trained_on=data["trained_on"],
        trainer_id=data.get("trainer"),
        version_ids=data["plan_versions"],
        trainee_ids=data["trainees"],
        group_ids=data["groups"],
        staff_names=data["staff_names"],
        staff_count=data.get("staff_count"),
        notes=data["notes"],
    )


def _with_records(agency: Agency) -> Any:
    return selectors.sessions_of(agency=agency).prefetch_related("records")


def _session_response(agency: Agency, session_id: int) -> Response:
    return Response(serializers.TrainingSessionSerializer(get_object_or_404(_with_records(agency), pk=session_id)).data)


# The agency in the URL (`agency_id`), resolved through the access gate: `agency()` for any of its members,
# `managed_agency()` for its admins and liaisons, `scope()` for the compliance pages' scope (404 outside it).
# A comment, not a docstring: drf-spectacular would describe every view without one of its own with it.
class AgencyScoped(APIView):
    def agency(self) -> Agency:
        return selectors.training_agency(user=self.request.user, agency_id=self.kwargs["agency_id"])

    def managed_agency(self) -> Agency:
        return selectors.training_managed_agency(user=self.request.user, agency_id=self.kwargs["agency_id"])

    def scope(self) -> ComplianceScope:
        return compliance_scope_for(user=self.request.user, agency_id=self.kwargs["agency_id"])


class TrainingSessionListView(AgencyScoped, generics.GenericAPIView):
    """The agency's training sessions, newest first; record one."""

    serializer_class = serializers.TrainingSessionSerializer
    queryset = TrainingSession.objects.none()

    @extend_schema(
        summary="An agency's training sessions",
        description="Any member of the agency; 404 outside it.",
        responses=serializers.TrainingSessionSerializer(many=True),
    )
    def get(self, request: Request, agency_id: int) -> Response:
        agency = self.agency()
        page = self.paginate_queryset(_with_records(agency))
        return self.get_paginated_response(serializers.TrainingSessionSerializer(page, many=True).data)

    @extend_schema(
        summary="Record a training session",
        description="The agency's admins and liaisons: who was trained (its people, its groups' people, school staff "
        "by name or count) on which released plan versions, when, by which of its people.",
        request=serializers.TrainingSessionWriteSerializer,
        responses={201: serializers.TrainingSessionSerializer},
    )
    def post(self, request: AuthenticatedRequest, agency_id: int) -> Response:
        agency = self.managed_agency()
        incoming = serializers.TrainingSessionWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        session = services.training_session_record(
            agency=agency,
            data=_session_input(incoming.validated_data),
            actor=request.user,
            ip_address=client_ip(request),
        )
        body = serializers.TrainingSessionSerializer(get_object_or_404(_with_records(agency), pk=session.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


class TrainingSessionDetailView(AgencyScoped):
    """One session: read, correct (PUT, the whole session), remove. An APIView: DRF's OPTIONS metadata would look
    up a generic view's object for its PUT form by `pk`."""

    @extend_schema(summary="A training session", responses=serializers.TrainingSessionSerializer)
    def get(self, request: Request, agency_id: int, session_id: int) -> Response:
        agency = self.agency()
        return Response(
            serializers.TrainingSessionSerializer(get_object_or_404(_with_records(agency), pk=session_id)).data
        )

    @extend_schema(
        summary="Correct a training session",
        request=serializers.TrainingSessionWriteSerializer,
        responses={200: serializers.TrainingSessionSerializer},
    )
    def put(self, request: AuthenticatedRequest, agency_id: int, session_id: int) -> Response:
        agency = self.managed_agency()
        session = selectors.session_of(agency=agency, session_id=session_id)
        incoming = serializers.TrainingSessionWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.training_session_update(
            session=session,
            data=_session_input(incoming.validated_data),
            actor=request.user,
            ip_address=client_ip(request),
        )
        return Response(
            serializers.TrainingSessionSerializer(get_object_or_404(_with_records(agency), pk=session_id)).data
        )

    @extend_schema(summary="Remove a training session", request=None, responses={204: None})
    def delete(self, request: AuthenticatedRequest, agency_id: int, session_id: int) -> Response:
        agency = self.managed_agency()
        session = selectors.session_of(agency=agency, session_id=session_id)
        services.training_session_delete(session=session, actor=request.user, ip_address=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TrainingFromExerciseView(generics.GenericAPIView):
    serializer_class = serializers.TrainingSessionSerializer
    queryset = TrainingSession.objects.none()

    @extend_schema(
        summary="Record an exercise's attendees as trained",
        description="A participating agency's admins (the lead's admins and liaisons): its attendees of the conducted "
        "exercise, trained on the exercised plan versions its people may read. Again: brought up to date, not doubled.",
        request=serializers.TrainingFromExerciseSerializer,
        responses={
            200: serializers.TrainingSessionSerializer,
            409: conflict("Only a conducted exercise trained anyone."),
        },
    )
    def post(self, request: AuthenticatedRequest, exercise_id: int) -> Response:
        exercise = exercise_of(user=request.user, exercise_id=exercise_id)
        incoming = serializers.TrainingFromExerciseSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        agency = (
            exercise.participants.select_related("agency").filter(agency_id=incoming.validated_data["agency"]).first()
        )
        if agency is None:
            raise InvalidInputError("That agency does not take part in this exercise.", field="agency")
        session = services.training_from_exercise(
            exercise=exercise,
            agency=agency.agency,
            trainer_id=incoming.validated_data.get("trainer"),
            actor=request.user,
            ip_address=client_ip(request),
        )
        return Response(
            serializers.TrainingSessionSerializer(get_object_or_404(_with_records(agency.agency), pk=session.pk)).data
        )


class TrainingRequirementListView(AgencyScoped, generics.GenericAPIView):
    """What the agency requires its people to be trained on; require more."""

    serializer_class = serializers.TrainingRequirementSerializer
    queryset = TrainingRequirement.objects.none()

    @extend_schema(
        summary="An agency's training requirements",
        description="Any member of the agency.",
        responses=serializers.TrainingRequirementSerializer(many=True),
    )
    def get(self, request: Request, agency_id: int) -> Response:
        agency = self.agency()
        page = self.paginate_queryset(selectors.requirements_of(agency=agency))
        return self.get_paginated_response(serializers.TrainingRequirementSerializer(page, many=True).data)

    @extend_schema(
        summary="Require training on a plan",
        description="The agency's admins and liaisons; the audience is as for required reading.",
        request=serializers.TrainingRequirementWriteSerializer,
        responses={201: serializers.TrainingRequirementSerializer, 409: conflict(services.DUPLICATE_REQUIREMENT)},
    )
    def post(self, request: AuthenticatedRequest, agency_id: int) -> Response:
        agency = self.managed_agency()
        incoming = serializers.TrainingRequirementWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        plan = Plan.objects.filter(pk=data["plan"]).first()
        if plan is None:
            raise InvalidInputError("No such plan among those your agency may read.", field="plan")
        group = None
        if data.get("group") is not None:
            group = ReadingGroup.objects.filter(agency=agency, pk=data["group"]).first()
            if group is None:
                raise InvalidInputError("No such group in this agency.", field="group")
        requirement = services.training_requirement_create(
            agency=agency,
            plan=plan,
            audience=data["audience"],
            role=data["role"],
            group=group,
            refresh_months=data.get("refresh_months"),
            actor=request.user,
            ip_address=client_ip(request),
        )
        body = serializers.TrainingRequirementSerializer(
            selectors.requirement_of(agency=agency, requirement_id=requirement.pk)
        )
        return Response(body.data, status=status.HTTP_201_CREATED)


class TrainingRequirementDetailView(AgencyScoped, generics.GenericAPIView):
    serializer_class = serializers.TrainingRequirementSerializer
    queryset = TrainingRequirement.objects.none()

    @extend_schema(summary="A training requirement")
    def get(self, request: Request, agency_id: int, requirement_id: int) -> Response:
        agency = self.agency()
        requirement = selectors.requirement_of(agency=agency, requirement_id=requirement_id)
        return Response(serializers.TrainingRequirementSerializer(requirement).data)

    @extend_schema(summary="Stop requiring a training", request=None, responses={204: None})
    def delete(self, request: AuthenticatedRequest, agency_id: int, requirement_id: int) -> Response:
        agency = self.managed_agency()
        requirement = selectors.requirement_of(agency=agency, requirement_id=requirement_id)
        services.training_requirement_delete(requirement=requirement, actor=request.user, ip_address=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TrainingComplianceView(AgencyScoped, generics.GenericAPIView):
    serializer_class = serializers.PlanTrainingSerializer
    queryset = Plan.objects.none()
    pagination_class = None

    @extend_schema(
        summary="Who is trained on each required plan",
        description="Per plan the agency requires training on: how many of its people must be trained, how many are "
        "current (trained on the current version, within the strictest refresh period). Any member of the agency.",
        responses=serializers.PlanTrainingSerializer(many=True),
    )
    def get(self, request: Request, agency_id: int) -> Response:
        agency = self.agency()
        rows = selectors.plan_rows(agency=agency, today=timezone.localdate())
        return Response(serializers.PlanTrainingSerializer(rows, many=True).data)


def _id_param(request: Request, name: str) -> int | None:
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    if not (value.isascii() and value.isdigit() and int(value) <= MAX_ID):
        raise ValidationError({name: ["A whole number is required."]})
    return int(value)


def _choice_param(request: Request, name: str, values: list[str]) -> str | None:
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    if value not in values:
        raise ValidationError({name: [f"Choose one of: {', '.join(values)}."]})
    return value


class TrainingCompliancePeopleView(AgencyScoped, generics.GenericAPIView):
    serializer_class = serializers.PersonTrainingSerializer
    queryset = Plan.objects.none()

    @extend_schema(
        summary="Who of the agency's people is current",
        description="Per person: how many plans they must be trained on, on how many they are current, when they "
        "were last trained. The agency's admins and liaisons see everyone, its groups' supervisors their groups' "
        "people; other members 403, anyone outside the agency 404.",
        parameters=[
            OpenApiParameter(
                "group", OpenApiTypes.INT, description="A group's id; one outside your scope lists nobody."
            ),
            OpenApiParameter("role", OpenApiTypes.STR, enum=list(Role.values)),
            OpenApiParameter("state", OpenApiTypes.STR, enum=[key for key, _ in selectors.TrainingState.CHOICES]),
            OpenApiParameter("plan", OpenApiTypes.INT, description="Only this plan's training."),
        ],
        responses=serializers.PersonTrainingSerializer(many=True),
    )
    def get(self, request: Request, agency_id: int) -> Response:
        scope = self.scope()
        filters = selectors.TrainingFilters(
            group=_id_param(request, "group"),
            role=_choice_param(request, "role", list(Role.values)),
            state=_choice_param(request, "state", [key for key, _ in selectors.TrainingState.CHOICES]),
            plan=_id_param(request, "plan"),
        )
        rows = selectors.people_summaries(scope=scope, filters=filters, today=timezone.localdate())
        page = self.paginate_queryset(rows)
        people = selectors.people_rows(scope=scope, rows=list(page or []))
        return self.get_paginated_response(serializers.PersonTrainingSerializer(people, many=True).data)


class TrainingCompliancePersonView(AgencyScoped, generics.GenericAPIView):
    serializer_class = serializers.PersonTrainingDetailSerializer
    queryset = Plan.objects.none()

    @extend_schema(summary="One person's training", description="The same scope as the people list.")
    def get(self, request: Request, agency_id: int, user_id: int) -> Response:
        scope = self.scope()
        membership, plans, records = selectors.person_training(scope=scope, user_id=user_id, today=timezone.localdate())
        user = membership.user
        body = {
            "user": user.pk,
            "username": user.get_username(),
            "name": user.get_full_name() or user.get_username(),
            "role": membership.role,
            "plans": plans,
            "records": records,
        }
        return Response(serializers.PersonTrainingDetailSerializer(body).data)

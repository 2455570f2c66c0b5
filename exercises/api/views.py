"""Exercises over the API: list and schedule, read and change one, cancel it or record that it took place, each
agency's attendance and observations, the after-action report with its findings, and corrective actions. An
exercise the person's agencies do not take part in is 404; a draft report is 404 outside the lead agency."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from access.exercises import can_read_draft_report, can_record_for
from agencies.models import Agency
from exercises import report_services, services
from exercises.api import serializers
from exercises.models import ActionStatus, AfterActionReport, CorrectiveAction, Exercise, ExerciseKind, ExerciseStatus
from exercises.selectors import actions_listed, exercises_with_detail, report_of, report_seen
from portal.api.schema import conflict
from portal.errors import InvalidInputError, NotAllowedError
from portal.types import AuthenticatedRequest


def _choice(request: Request, name: str, values: list[str]) -> str:
    """A query parameter that must be one of `values` (400 naming it otherwise); "" when not given."""
    value = request.query_params.get(name)
    if value is None:
        return ""
    if value not in values:
        raise ValidationError({name: [f"Choose one of: {', '.join(values)}."]})
    return value


def _whole_number(request: Request, name: str) -> int | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit() and len(value) < 12):
        raise ValidationError({name: ["A whole number is required."]})
    return int(value)


class ExerciseScoped(APIView):
    """Finds the exercise in the URL among those the person sees (404 otherwise)."""

    def get_exercise(self) -> Exercise:
        return get_object_or_404(exercises_with_detail(user=self.request.user), pk=self.kwargs["exercise_id"])

    def get_report_exercise(self) -> Exercise:
        """The exercise, when its report is one the person may see: a draft (or none yet) is the lead's own."""
        exercise = self.get_exercise()
        report = AfterActionReport.objects.filter(exercise=exercise).only("state").first()
        if (report is None or not report.is_final) and not can_read_draft_report(self.request.user, exercise):
            raise NotFound("No after-action report matches the given query.")
        return exercise

    def exercise_response(self, exercise_id: int, code: int = status.HTTP_200_OK) -> Response:
        exercise = get_object_or_404(exercises_with_detail(user=self.request.user), pk=exercise_id)
        data = serializers.ExerciseSerializer(exercise, context={"request": self.request}).data
        return Response(data, status=code)


@extend_schema(
    parameters=[
        OpenApiParameter("status", OpenApiTypes.STR, enum=ExerciseStatus.values),
        OpenApiParameter("kind", OpenApiTypes.STR, enum=ExerciseKind.values),
    ]
)
class ExerciseListView(generics.ListAPIView):
    """GET: the exercises your agencies lead or take part in; POST: schedule one (admins and liaisons)."""

    serializer_class = serializers.ExerciseSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        rows = exercises_with_detail(user=self.request.user)
        if status_wanted := _choice(self.request, "status", ExerciseStatus.values):
            rows = rows.filter(status=status_wanted)
        if kind := _choice(self.request, "kind", ExerciseKind.values):
            rows = rows.filter(kind=kind)
        return rows

    @extend_schema(
        summary="Schedule an exercise",
        description="For an agency you are an admin or liaison of; the other participating agencies are alerted.",
        request=serializers.ExerciseCreateSerializer,
        responses={201: serializers.ExerciseSerializer},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        incoming = serializers.ExerciseCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        lead = Agency.objects.filter(pk=incoming.validated_data["lead_agency"]).first()
        if lead is None:
            raise InvalidInputError("No agency has that id.", field="lead_agency")
        exercise = services.exercise_schedule(lead_agency=lead, plan=incoming.exercise_plan(), actor=request.user)
        return ExerciseScoped(request=request).exercise_response(exercise.pk, status.HTTP_201_CREATED)


class ExerciseDetailView(ExerciseScoped):
    @extend_schema(summary="One exercise", responses=serializers.ExerciseSerializer)
    def get(self, request: Request, exercise_id: int) -> Response:
        return Response(serializers.ExerciseSerializer(self.get_exercise(), context={"request": request}).data)

    @extend_schema(
        summary="Change an exercise",
        description="The lead agency's admins and liaisons; agencies added now are alerted.",
        request=serializers.ExerciseWriteSerializer,
        responses={200: serializers.ExerciseSerializer, 409: conflict("The exercise was cancelled.")},
    )
    def put(self, request: AuthenticatedRequest, exercise_id: int) -> Response:
        exercise = self.get_exercise()
        incoming = serializers.ExerciseWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.exercise_update(exercise=exercise, plan=incoming.exercise_plan(), actor=request.user)
        return self.exercise_response(exercise.pk)


class ExerciseCancelView(ExerciseScoped):
    @extend_schema(
        summary="Cancel an exercise",
        request=serializers.CancelSerializer,
        responses={200: serializers.ExerciseSerializer, 409: conflict("The exercise is not scheduled.")},
    )
    def post(self, request: AuthenticatedRequest, exercise_id: int) -> Response:
        exercise = self.get_exercise()
        incoming = serializers.CancelSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.exercise_cancel(exercise=exercise, reason=incoming.validated_data["reason"], actor=request.user)
        return self.exercise_response(exercise.pk)


class ExerciseConductedView(ExerciseScoped):
    @extend_schema(
        summary="Record that the exercise took place",
        request=None,
        responses={200: serializers.ExerciseSerializer, 409: conflict("Not scheduled, or not started yet.")},
    )
    def post(self, request: AuthenticatedRequest, exercise_id: int) -> Response:
        exercise = services.exercise_mark_conducted(exercise=self.get_exercise(), actor=request.user)
        return self.exercise_response(exercise.pk)


class AttendanceView(ExerciseScoped):
    @extend_schema(
        summary="Record an agency's attendance",
        description="That agency's admins (and the lead's admins and liaisons for the lead).",
        request=serializers.AttendanceSerializer,
        responses={200: serializers.ParticipantSerializer, 409: conflict("The exercise was cancelled.")},
    )
    def put(self, request: AuthenticatedRequest, exercise_id: int, agency_id: int) -> Response:
        exercise = self.get_exercise()
        participant = exercise.participants.select_related("agency").filter(agency_id=agency_id).first()
        if participant is None:
            raise NotFound("That agency does not take part in this exercise.")
        if not can_record_for(request.user, exercise, agency_id):
            raise NotAllowedError("Only the agency's admins record its attendance.")
        incoming = serializers.AttendanceSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        recorded = services.attendance_record(
            exercise=exercise,
            agency=participant.agency,
            attendee_ids=data["attendees"],
            staff_count=data["staff_count"],
            student_count=data["student_count"],
            actor=request.user,
        )
        return Response(serializers.ParticipantSerializer(recorded).data)


class ObservationListView(ExerciseScoped):
    @extend_schema(
        summary="Add an observation",
        description="In the name of a participating agency you are an admin of.",
        request=serializers.ObservationWriteSerializer,
        responses={201: serializers.ObservationSerializer, 409: conflict("The exercise was cancelled.")},
    )
    def post(self, request: AuthenticatedRequest, exercise_id: int) -> Response:
        exercise = self.get_exercise()
        incoming = serializers.ObservationWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        participant = exercise.participants.select_related("agency").filter(agency_id=data["agency"]).first()
        if participant is None:
            raise InvalidInputError("That agency does not take part in this exercise.", field="agency")
        observation = services.observation_add(
            exercise=exercise,
            agency=participant.agency,
            text=data["text"],
            objective_id=data["objective"],
            actor=request.user,
        )
        return Response(serializers.ObservationSerializer(observation).data, status=status.HTTP_201_CREATED)


class ReportView(ExerciseScoped):
    def report_response(self, exercise: Exercise) -> Response:
        seen = report_seen(user=self.request.user, exercise=exercise)
        if seen is None:
            raise NotFound("No after-action report matches the given query.")
        data = serializers.ReportSerializer(seen.report).data
        data.update(summary=seen.summary, findings=serializers.FindingSerializer(seen.findings, many=True).data)
        return Response(data)

    @extend_schema(summary="The after-action report", responses=serializers.ReportSerializer)
    def get(self, request: Request, exercise_id: int) -> Response:
        return self.report_response(self.get_exercise())

    @extend_schema(
        summary="Write the draft report's summary",
        description="The lead agency's admins and liaisons, once the exercise was conducted.",
        request=serializers.SummarySerializer,
        responses={200: serializers.ReportSerializer, 409: conflict("Not conducted yet, or the report is final.")},
    )
    def put(self, request: AuthenticatedRequest, exercise_id: int) -> Response:
        exercise = self.get_report_exercise()
        incoming = serializers.SummarySerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        report_services.report_summary_set(
            exercise=exercise, summary=incoming.validated_data["summary"], actor=request.user
        )
        return self.report_response(exercise)


class FindingListView(ExerciseScoped):
    @extend_schema(
        summary="Add a finding to the draft report",
        request=serializers.FindingWriteSerializer,
        responses={201: serializers.FindingSerializer, 409: conflict("Not conducted yet, or the report is final.")},
    )
    def post(self, request: AuthenticatedRequest, exercise_id: int) -> Response:
        exercise = self.get_report_exercise()
        incoming = serializers.FindingWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        finding = report_services.report_finding_add(
            exercise=exercise,
            kind=data["kind"],
            text=data["text"],
            objective_id=data["objective"],
            plan_id=data["plan"],
            section_key=data["section_key"],
            actor=request.user,
        )
        return Response(serializers.FindingSerializer(finding).data, status=status.HTTP_201_CREATED)


class FindingDetailView(ExerciseScoped):
    @extend_schema(
        summary="Take a finding out of the draft report",
        responses={204: None, 409: conflict("The report is final.")},
    )
    def delete(self, request: AuthenticatedRequest, exercise_id: int, finding_id: int) -> Response:
        exercise = self.get_report_exercise()
        report = report_of(user=request.user, exercise=exercise)
        finding = report.findings.filter(pk=finding_id).first() if report is not None else None
        if finding is None:
            raise NotFound("No finding matches the given query.")
        report_services.report_finding_remove(finding=finding, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReportFinalizeView(ExerciseScoped):
    @extend_schema(
        summary="Make the report final",
        description="It cannot change afterwards, and every participating agency reads it.",
        request=None,
        responses={200: serializers.ReportSerializer, 409: conflict("Already final, or empty.")},
    )
    def post(self, request: AuthenticatedRequest, exercise_id: int) -> Response:
        exercise = self.get_report_exercise()
        report_services.report_finalize(exercise=exercise, actor=request.user)
        return ReportView(request=request).report_response(exercise)


class ExerciseActionListView(ExerciseScoped):
    @extend_schema(
        summary="Assign a corrective action",
        description="On an area for improvement of the final report, to a participating agency.",
        request=serializers.CorrectiveActionWriteSerializer,
        responses={201: serializers.CorrectiveActionSerializer, 409: conflict("The report is not final yet.")},
    )
    def post(self, request: AuthenticatedRequest, exercise_id: int) -> Response:
        exercise = self.get_exercise()
        incoming = serializers.CorrectiveActionWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        report = report_of(user=request.user, exercise=exercise)
        finding = report.findings.filter(pk=data["finding"]).first() if report is not None else None
        if finding is None:
            raise InvalidInputError("No finding of this exercise's report has that id.", field="finding")
        action = report_services.corrective_action_create(
            finding=finding,
            description=data["description"],
            owning_agency_id=data["owning_agency"],
            responsible_id=data["responsible"],
            due_on=data["due_on"],
            actor=request.user,
        )
        return Response(serializers.CorrectiveActionSerializer(action).data, status=status.HTTP_201_CREATED)


@extend_schema(
    parameters=[
        OpenApiParameter("status", OpenApiTypes.STR, enum=ActionStatus.values),
        OpenApiParameter("agency", OpenApiTypes.INT, description="Only those this agency owns."),
    ]
)
class CorrectiveActionListView(generics.ListAPIView):
    """The corrective actions of the exercises you see, soonest due first."""

    serializer_class = serializers.CorrectiveActionSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return actions_listed(
            user=self.request.user,
            agency_id=_whole_number(self.request, "agency"),
            status=_choice(self.request, "status", ActionStatus.values),
        )


class CorrectiveActionCloseView(APIView):
    @extend_schema(
        summary="Close a corrective action by a decision not to change",
        request=serializers.CloseSerializer,
        responses={200: serializers.CorrectiveActionSerializer, 409: conflict("Already closed.")},
    )
    def post(self, request: AuthenticatedRequest, action_id: int) -> Response:
        action: CorrectiveAction = get_object_or_404(actions_listed(user=request.user), pk=action_id)
        incoming = serializers.CloseSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        closed = report_services.corrective_action_close(
            action=action, reason=incoming.validated_data["reason"], actor=request.user
        )
        return Response(serializers.CorrectiveActionSerializer(closed).data)

from typing import Any, cast

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exercises.models import (
    AfterActionReport,
    CorrectiveAction,
    Exercise,
    ExerciseKind,
    ExerciseObjective,
    ExerciseParticipant,
    Finding,
    FindingKind,
    Observation,
)
from exercises.selectors import ExerciseSight, exercise_sight
from exercises.services import ExercisePlan


class ObjectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExerciseObjective
        fields = ["id", "position", "text"]
        read_only_fields = fields


class ParticipantSerializer(serializers.ModelSerializer):
    """A participating agency and its attendance: its people (user ids) and counts of school staff, students."""

    agency = serializers.IntegerField(source="agency_id", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    attendees = serializers.SerializerMethodField()

    class Meta:
        model = ExerciseParticipant
        fields = ["agency", "agency_name", "attendees", "staff_count", "student_count", "attendance_recorded_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_attendees(self, participant: ExerciseParticipant) -> list[int]:
        return sorted(user.pk for user in participant.attendees.all())


class ObservationSerializer(serializers.ModelSerializer):
    agency = serializers.IntegerField(source="agency_id", read_only=True)
    objective = serializers.IntegerField(source="objective_id", read_only=True, allow_null=True)

    class Meta:
        model = Observation
        fields = ["id", "agency", "objective", "text", "created_at"]
        read_only_fields = fields


class ExerciseListSerializer(serializers.ListSerializer):
    """Works out once per page which exercises the person takes part in and which plans they may read."""

    def to_representation(self, data):  # type: ignore[no-untyped-def]
        rows = list(data.all() if hasattr(data, "all") else data)
        cast(dict, self.context)["sight"] = exercise_sight(user=self.context["request"].user, exercises=rows)
        return super().to_representation(rows)


class ExerciseSerializer(serializers.ModelSerializer):
    """An exercise as its participants see it; a viewer (an agency holding a plan of the building, not taking
    part) gets when, where and who, and the versions exercised of the plans it may read: no free text, no
    attendance, no observations (`participating` is false)."""

    lead_agency = serializers.IntegerField(source="lead_agency_id", read_only=True)
    lead_agency_name = serializers.CharField(source="lead_agency.name", read_only=True)
    facilities = serializers.SerializerMethodField()
    plan_versions = serializers.SerializerMethodField()
    objectives = ObjectiveSerializer(many=True, read_only=True)
    participants = ParticipantSerializer(many=True, read_only=True)
    observations = ObservationSerializer(many=True, read_only=True)
    participating = serializers.SerializerMethodField()

    class Meta:
        model = Exercise
        list_serializer_class = ExerciseListSerializer
        fields = [
            "id",
            "title",
            "kind",
            "status",
            "description",
            "starts_at",
            "ends_at",
            "lead_agency",
            "lead_agency_name",
            "facilities",
            "plan_versions",
            "objectives",
            "participants",
            "observations",
            "cancel_reason",
            "participating",
        ]
        read_only_fields = fields

    def _sight(self, exercise: Exercise) -> ExerciseSight:
        sight = self.context.get("sight")
        if sight is None or exercise.pk not in sight.exercise_ids:
            sight = exercise_sight(user=self.context["request"].user, exercises=[exercise])
            cast(dict, self.context)["sight"] = sight
        return sight

    @extend_schema_field(serializers.BooleanField(help_text="False for a viewer, who sees part of the exercise."))
    def get_participating(self, exercise: Exercise) -> bool:
        return exercise.pk in self._sight(exercise).participating

    def to_representation(self, instance: Exercise) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        sight = self._sight(instance)
        readable = {v.pk for v in instance.plan_versions.all() if v.plan_id in sight.readable_plans}
        data["plan_versions"] = [pk for pk in data["plan_versions"] if pk in readable]
        if instance.pk in sight.participating:
            return data
        data.update(description="", objectives=[], observations=[])
        for participant in data["participants"]:
            participant.update(attendees=[], staff_count=0, student_count=0, attendance_recorded_at=None)
        return data

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_facilities(self, exercise: Exercise) -> list[int]:
        return sorted(f.pk for f in exercise.facilities.all())

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_plan_versions(self, exercise: Exercise) -> list[int]:
        return sorted(v.pk for v in exercise.plan_versions.all())


class ExerciseWriteSerializer(serializers.Serializer):
    """Everything an exercise is (a change replaces all of it; the lead agency stays)."""

    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=ExerciseKind.choices)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    description = serializers.CharField(required=False, allow_blank=True, default="")
    facilities = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)
    participants = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        help_text="The other agencies taking part (the lead always does); they are alerted.",
    )
    plan_versions = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)
    objectives = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, default=list, max_length=20
    )

    def exercise_plan(self) -> ExercisePlan:
        data = self.validated_data
        return ExercisePlan(
            title=data["title"],
            kind=data["kind"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            description=data["description"],
            facility_ids=data["facilities"],
            participant_ids=data["participants"],
            version_ids=data["plan_versions"],
            objectives=data["objectives"],
        )


class ExerciseCreateSerializer(ExerciseWriteSerializer):
    lead_agency = serializers.IntegerField(min_value=1, help_text="An agency you are an admin or liaison of.")


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class AttendanceSerializer(serializers.Serializer):
    attendees = serializers.ListField(
        child=serializers.IntegerField(min_value=1), default=list, help_text="User ids of the agency's people."
    )
    staff_count = serializers.IntegerField(min_value=0, max_value=100000, default=0)
    student_count = serializers.IntegerField(min_value=0, max_value=100000, default=0)


class ObservationWriteSerializer(serializers.Serializer):
    agency = serializers.IntegerField(min_value=1, help_text="The participating agency you observe for.")
    objective = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    text = serializers.CharField()


class FindingSerializer(serializers.ModelSerializer):
    objective = serializers.IntegerField(source="objective_id", read_only=True, allow_null=True)
    plan = serializers.IntegerField(source="plan_id", read_only=True, allow_null=True)

    class Meta:
        model = Finding
        fields = ["id", "objective", "kind", "text", "plan", "section_key", "section_title"]
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer):
    findings = FindingSerializer(many=True, read_only=True)

    class Meta:
        model = AfterActionReport
        fields = ["state", "summary", "finalized_at", "findings"]
        read_only_fields = fields


class SummarySerializer(serializers.Serializer):
    summary = serializers.CharField(allow_blank=True)


class FindingWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FindingKind.choices)
    text = serializers.CharField()
    objective = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    plan = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text="The plan an area for improvement concerns (one you may read; required for one).",
    )
    section_key = serializers.SlugField(max_length=80, required=False, allow_blank=True, default="")


class CorrectiveActionSerializer(serializers.ModelSerializer):
    exercise = serializers.IntegerField(source="exercise_id", read_only=True)
    finding = serializers.IntegerField(source="finding_id", read_only=True)
    owning_agency = serializers.IntegerField(source="owning_agency_id", read_only=True)
    responsible = serializers.IntegerField(source="responsible_id", read_only=True, allow_null=True)
    plan = serializers.IntegerField(source="plan_id", read_only=True, allow_null=True)
    closed_by_version = serializers.IntegerField(source="closed_by_version_id", read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = CorrectiveAction
        fields = [
            "id",
            "exercise",
            "finding",
            "description",
            "owning_agency",
            "responsible",
            "due_on",
            "plan",
            "section_key",
            "status",
            "closed_reason",
            "closed_by_version",
            "closed_at",
            "overdue",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, action: CorrectiveAction) -> bool:
        return action.is_open and action.due_on < timezone.localdate()


class CorrectiveActionWriteSerializer(serializers.Serializer):
    finding = serializers.IntegerField(min_value=1, help_text="An area for improvement of the final report.")
    description = serializers.CharField()
    owning_agency = serializers.IntegerField(min_value=1, help_text="A participating agency.")
    responsible = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    due_on = serializers.DateField()


class CloseSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why no change is needed.")

"""The shapes of an agency's training sessions, requirements and who is current, in the API."""

from typing import Any

from rest_framework import serializers

from agencies.models import Role
from reading.models import Audience, TrainingRequirement, TrainingSession
from reading.selectors_training import TrainingState


class TrainingVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(source="plan_id")
    plan_title = serializers.CharField(source="plan.title")
    number = serializers.IntegerField()


class TrainingSessionSerializer(serializers.ModelSerializer):
    trainer = serializers.IntegerField(source="trainer_id", allow_null=True)
    trainer_name = serializers.SerializerMethodField()
    plan_versions = TrainingVersionSerializer(many=True)
    trainees = serializers.SerializerMethodField(help_text="Ids of the agency's people the session trained.")
    trainee_count = serializers.IntegerField()
    exercise = serializers.IntegerField(source="exercise_id", allow_null=True)

    class Meta:
        model = TrainingSession
        fields = [
            "id",
            "title",
            "trained_on",
            "trainer",
            "trainer_name",
            "plan_versions",
            "trainees",
            "trainee_count",
            "staff_names",
            "staff_count",
            "notes",
            "exercise",
            "created_at",
        ]
        read_only_fields = fields

    def get_trainer_name(self, session: TrainingSession) -> str:
        trainer = session.trainer
        return (trainer.get_full_name() or trainer.get_username()) if trainer else ""

    def get_trainees(self, session: TrainingSession) -> list[int]:
        return sorted({record.user_id for record in session.records.all()})


class TrainingSessionWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    trained_on = serializers.DateField()
    trainer = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    plan_versions = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1))
    trainees = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False, default=list
    )
    groups = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        default=list,
        help_text="Every person in these groups of the agency was trained too.",
    )
    staff_names = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list, max_length=500
    )
    staff_count = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=100_000, help_text="Default: as many as the names."
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class TrainingFromExerciseSerializer(serializers.Serializer):
    agency = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="A participating agency.")
    trainer = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)


class TrainingRequirementSerializer(serializers.ModelSerializer):
    plan_title = serializers.CharField(source="plan.title", read_only=True)
    group_name = serializers.SerializerMethodField()
    role = serializers.CharField(read_only=True, help_text="The role (admin, planner, liaison, member) or empty.")

    class Meta:
        model = TrainingRequirement
        fields = ["id", "plan", "plan_title", "audience", "role", "group", "group_name", "refresh_months", "created_at"]
        read_only_fields = fields

    def get_group_name(self, requirement: TrainingRequirement) -> str:
        return requirement.group.name if requirement.group else ""


class TrainingRequirementWriteSerializer(serializers.Serializer):
    plan = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    audience = serializers.ChoiceField(choices=Audience.choices, default=Audience.EVERYONE)
    role = serializers.ChoiceField(choices=Role.choices, required=False, allow_blank=True, default="")
    group = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    refresh_months = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=120)


class PlanTrainingSerializer(serializers.Serializer):
    plan = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    current_version = serializers.IntegerField(source="current_version__number", allow_null=True)
    # A field named `required` shadows Field.required only for the type checker: the metaclass pops it.
    required = serializers.IntegerField(help_text="The agency's people who must be trained on it.")  # type: ignore[assignment]
    current = serializers.IntegerField(help_text="Of them, trained on the current version (within the refresh).")
    not_current = serializers.IntegerField()


class PersonTrainingSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user_id")
    username = serializers.CharField(source="user__username")
    name = serializers.CharField()
    role = serializers.CharField()
    groups = serializers.ListField(child=serializers.CharField())
    required = serializers.IntegerField()  # type: ignore[assignment]
    current = serializers.IntegerField()
    last_trained = serializers.DateField(allow_null=True)
    state = serializers.ChoiceField(choices=TrainingState.CHOICES)


class PersonPlanSerializer(serializers.Serializer):
    plan = serializers.IntegerField(source="plan.pk")
    title = serializers.CharField(source="plan.title")
    current_version = serializers.SerializerMethodField()
    last_trained = serializers.SerializerMethodField()
    last_version = serializers.SerializerMethodField()
    current = serializers.BooleanField()

    def get_current_version(self, row: Any) -> int | None:
        version = row.plan.current_version
        return version.number if version else None

    def get_last_trained(self, row: Any) -> str | None:
        return row.last_record.trained_on.isoformat() if row.last_record else None

    def get_last_version(self, row: Any) -> int | None:
        return row.last_record.version.number if row.last_record else None


class PersonRecordSerializer(serializers.Serializer):
    session = serializers.IntegerField(source="session_id")
    title = serializers.CharField(source="session.title")
    trained_on = serializers.DateField()
    plan = serializers.IntegerField(source="plan_id")
    plan_title = serializers.CharField(source="version.plan.title")
    version = serializers.IntegerField(source="version.number")
    trainer = serializers.IntegerField(source="session.trainer_id", allow_null=True)


class PersonTrainingDetailSerializer(serializers.Serializer):
    user = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()
    plans = PersonPlanSerializer(many=True)
    records = PersonRecordSerializer(many=True)

"""Drill requirements over the API: sets with their lines, a building's assigned sets, and its drill status."""

from rest_framework import serializers

from agencies.models import FacilityKind
from exercises.models import ExerciseKind, RequirementLine, RequirementPeriod, RequirementSet


class RequirementLineSerializer(serializers.ModelSerializer):
    facility_kinds = serializers.ListField(child=serializers.ChoiceField(choices=FacilityKind.choices), read_only=True)

    class Meta:
        model = RequirementLine
        fields = ["id", "exercise_kind", "count", "period", "facility_kinds"]
        read_only_fields = fields


class RequirementSetSerializer(serializers.ModelSerializer):
    owner_agency = serializers.IntegerField(source="owner_agency_id", read_only=True, allow_null=True)
    lines = RequirementLineSerializer(many=True, read_only=True)

    class Meta:
        model = RequirementSet
        fields = [
            "id",
            "name",
            "jurisdiction",
            "owner_agency",
            "year_start_month",
            "year_start_day",
            "terms_per_year",
            "lines",
        ]
        read_only_fields = fields


class RequirementSetWriteSerializer(serializers.Serializer):
    owner_agency = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text="The agency that keeps the set (you are its admin); null for a state's set (operators only). "
        "Ignored on change.",
    )
    name = serializers.CharField(max_length=200)
    jurisdiction = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    year_start_month = serializers.IntegerField(min_value=1, max_value=12, default=8)
    year_start_day = serializers.IntegerField(min_value=1, max_value=28, default=1)
    terms_per_year = serializers.IntegerField(min_value=1, max_value=6, default=2)


class RequirementLineWriteSerializer(serializers.Serializer):
    exercise_kind = serializers.ChoiceField(choices=ExerciseKind.choices)
    count = serializers.IntegerField(min_value=1, max_value=100)
    period = serializers.ChoiceField(choices=RequirementPeriod.choices, default=RequirementPeriod.YEAR)
    facility_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=FacilityKind.choices),
        required=False,
        default=list,
        max_length=len(FacilityKind.choices),
        help_text="The kinds of building it applies to; empty: every building the set is assigned to.",
    )


class AssignWriteSerializer(serializers.Serializer):
    requirement_set = serializers.IntegerField(min_value=1)


class LineStatusSerializer(serializers.Serializer):
    line = serializers.IntegerField(source="line.pk")
    exercise_kind = serializers.ChoiceField(source="line.exercise_kind", choices=ExerciseKind.choices)
    period = serializers.ChoiceField(source="line.period", choices=RequirementPeriod.choices)
    required = serializers.IntegerField(help_text="Exercises required this school year.")  # type: ignore[assignment]  # a field, popped by the metaclass
    done = serializers.IntegerField(help_text="Conducted at the building this school year.")
    scheduled = serializers.IntegerField(help_text="Scheduled at the building for the rest of this school year.")
    due = serializers.IntegerField(help_text="Still due: required less done.")
    expected_by_now = serializers.IntegerField(help_text="Done by now at an even pace (per term for term lines).")
    behind = serializers.BooleanField(help_text="Fewer done than expected by now.")


class SetStatusSerializer(serializers.Serializer):
    requirement_set = serializers.IntegerField(source="requirement_set.pk")
    name = serializers.CharField(source="requirement_set.name")
    year_start = serializers.DateField(source="year.start")
    year_end = serializers.DateField(source="year.end", help_text="The first day of the next school year.")
    behind = serializers.BooleanField()
    lines = LineStatusSerializer(many=True)


class FacilityDrillStatusSerializer(serializers.Serializer):
    facility = serializers.IntegerField(source="facility.pk")
    facility_name = serializers.CharField(source="facility.name")
    behind = serializers.BooleanField()
    sets = SetStatusSerializer(many=True)

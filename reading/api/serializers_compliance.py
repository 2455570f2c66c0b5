"""What the compliance API answers: per plan, and per person (reading/selectors_compliance.py computes both)."""

from typing import Any

from rest_framework import serializers

from agencies.models import Role
from reading.selectors_compliance import State


class PlanComplianceSerializer(serializers.Serializer):
    """One required plan's current version: how many of the people in your scope have read it."""

    plan = serializers.IntegerField(source="plan_id")
    title = serializers.CharField(source="plan__title")
    version = serializers.IntegerField(source="version__number", help_text="The current version's number.")
    # A field named `required` shadows Field.required only for the type checker: the metaclass pops it.
    required = serializers.IntegerField(help_text="People who must acknowledge the current version.")  # type: ignore[assignment]
    acknowledged = serializers.IntegerField()
    due = serializers.IntegerField(help_text="Not acknowledged, not yet past the due date.")
    overdue = serializers.IntegerField(help_text="Not acknowledged and past the due date.")
    percent_read = serializers.IntegerField(help_text="acknowledged * 100 / required, rounded.")
    longest_overdue_days = serializers.IntegerField(help_text="Whole days past the due date of the longest overdue.")

    def to_representation(self, instance: dict[str, Any]) -> dict[str, Any]:
        row = dict(instance)
        row["due"] = row["required"] - row["acknowledged"] - row["overdue"]
        row["percent_read"] = round(row["percent_read"] or 0)
        return super().to_representation(row)


class PersonComplianceSerializer(serializers.Serializer):
    """One person of the agency: what they owe (with `?plan=`, for that plan alone)."""

    user = serializers.IntegerField(source="user_id")
    username = serializers.CharField()
    name = serializers.CharField(help_text="First and last name, else the username.")
    role = serializers.ChoiceField(choices=[("", "(not a member)"), *Role.choices])
    groups = serializers.ListField(child=serializers.CharField(), help_text="Names of the agency's groups they are in.")
    required = serializers.IntegerField(help_text="Plans they must acknowledge.")  # type: ignore[assignment]
    acknowledged = serializers.IntegerField()
    overdue = serializers.IntegerField()
    overdue_days = serializers.IntegerField(help_text="Whole days past the due date of their longest overdue.")
    next_due = serializers.DateTimeField(allow_null=True, help_text="The earliest due date of what they still owe.")
    acknowledged_at = serializers.DateTimeField(allow_null=True, help_text="Their latest acknowledgement among these.")
    state = serializers.ChoiceField(
        choices=State.CHOICES, help_text="overdue if anything is overdue, acknowledged if everything is read, else due."
    )

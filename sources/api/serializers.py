"""Shapes of the sources endpoints: a plan's sources, its source changes, decisions, and the plans built on it."""

from rest_framework import serializers

from sources.models import SourceChangeKind, SourceChangeStatus
from sources.services import MAX_REASON_LENGTH

STATE_CHOICES = [
    ("current", "The current version was written against the source's current version"),
    ("pending", "The source moved on (or was withdrawn) since: review pending"),
    ("reviewed", "The source moved on and its change was reviewed: no change needed"),
    ("withdrawn", "The source has no current version"),
    ("not_recorded", "No version of this plan was published since the source was declared"),
    ("hidden", "Source no longer visible to you: nothing about it is shown"),
]


class SourceSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="link_id", help_text="The link's id (to remove it).")
    section_key = serializers.CharField(allow_blank=True, help_text="The plan's section it is for; blank: all.")
    state = serializers.ChoiceField(choices=STATE_CHOICES)
    source_plan = serializers.IntegerField(source="source_plan_id", allow_null=True)
    title = serializers.CharField(allow_null=True)
    owner_agency = serializers.CharField(source="owner_name", allow_null=True)
    recorded_version = serializers.IntegerField(
        source="recorded_number",
        allow_null=True,
        help_text="The source's version the plan's current version was written against.",
    )
    current_version = serializers.IntegerField(source="current_number", allow_null=True)
    open_change = serializers.IntegerField(
        source="open_change.pk", allow_null=True, default=None, help_text="The open source change to review, if any."
    )

    def to_representation(self, instance: object) -> dict[str, object]:
        data = super().to_representation(instance)
        if data["state"] == "hidden":  # never a blank title that could be mistaken for one
            data.update(title=None, owner_agency=None)
        return data


class SourceWriteSerializer(serializers.Serializer):
    source_plan = serializers.IntegerField(min_value=1, help_text="A plan you can see.")
    section_key = serializers.SlugField(
        required=False, allow_blank=True, max_length=80, help_text="One of this plan's sections; blank: all."
    )


class SourceChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="change.pk")
    source_plan = serializers.IntegerField(source="change.source_plan_id")
    source_title = serializers.CharField()
    source_owner_agency = serializers.CharField(source="owner_name")
    kind = serializers.ChoiceField(source="change.kind", choices=SourceChangeKind.choices)
    status = serializers.ChoiceField(source="change.status", choices=SourceChangeStatus.choices)
    source_version = serializers.IntegerField(source="source_number")
    built_on_version = serializers.IntegerField(
        source="built_on_number", allow_null=True, help_text="The source's version the plan was written against."
    )
    section_keys = serializers.ListField(source="change.section_keys", child=serializers.CharField(allow_blank=True))
    created_at = serializers.DateTimeField(source="change.created_at")
    draft_version = serializers.IntegerField(source="change.draft.number", allow_null=True, default=None)
    reason = serializers.CharField(source="change.reason", allow_blank=True)
    decided_at = serializers.DateTimeField(source="change.decided_at", allow_null=True)


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[("start_draft", "Start (or continue) a draft to fold it in"), ("no_change", "No change needed")]
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_REASON_LENGTH, help_text="Required for `no_change`."
    )


class DependentPlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    owner_agency = serializers.CharField(source="owner_agency.name")


class DependentsSerializer(serializers.Serializer):
    plans = DependentPlanSerializer(many=True, help_text="Plans built on this one that you can see.")
    others = serializers.IntegerField(help_text="How many more plans build on it (you cannot see them).")

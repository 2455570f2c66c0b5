"""Shapes of the partner concurrence endpoints."""

from rest_framework import serializers

from agencies.models import Agency
from reviews.concurrence_services import MAX_NOTE_LENGTH
from reviews.models import Concurrence, ConcurrenceOutcome

STATUS_CHOICES = [
    ("pending", "Pending: nothing recorded on the current version"),
    ("not_recorded", "Nothing recorded on this (no longer current) version"),
    *ConcurrenceOutcome.choices,
]


class ConcurrenceWriteSerializer(serializers.Serializer):
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(),
        required=False,
        allow_null=True,
        help_text="The partner agency you record for; needed only if you are admin or liaison of several.",
    )
    outcome = serializers.ChoiceField(choices=ConcurrenceOutcome.choices)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_NOTE_LENGTH,
        help_text="Required for changes_requested unless your agency has open change requests on the plan.",
    )


class ConcurrenceEntrySerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ConcurrenceOutcome.choices)
    recorded_by = serializers.CharField(allow_null=True)
    recorded_at = serializers.DateTimeField()
    note = serializers.CharField(allow_blank=True)
    change_requests = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Ids of the agency's open change requests (comments) when it asked for changes.",
    )


class ConcurrenceCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField(source="version.number")
    agency = serializers.IntegerField(source="agency_id")
    outcome = serializers.ChoiceField(choices=ConcurrenceOutcome.choices)
    recorded_by = serializers.CharField(source="recorded_by.username", allow_null=True)
    recorded_at = serializers.DateTimeField()
    note = serializers.CharField(allow_blank=True)
    change_requests = serializers.SerializerMethodField()

    def get_change_requests(self, obj: Concurrence) -> list[int]:
        return sorted(comment.pk for comment in obj.change_requests.all())


class ConcurrenceStatusSerializer(serializers.Serializer):
    agency = serializers.IntegerField()
    agency_name = serializers.CharField()
    status = serializers.ChoiceField(
        choices=STATUS_CHOICES, help_text="The newest outcome recorded on this version, else pending."
    )
    outcome = serializers.ChoiceField(choices=ConcurrenceOutcome.choices, allow_null=True)
    recorded_by = serializers.CharField(allow_null=True)
    recorded_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    change_requests = serializers.ListField(child=serializers.IntegerField())
    history = ConcurrenceEntrySerializer(many=True, help_text="Every outcome recorded on this version, newest first.")


class ConcurrenceRecordVersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    state = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    published_by = serializers.CharField(allow_null=True)
    content_sha256 = serializers.CharField()
    is_current = serializers.BooleanField()
    agencies = ConcurrenceStatusSerializer(many=True)


class ConcurrenceRecordSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    plan_title = serializers.CharField()
    owner_agency = serializers.CharField()
    current_version = serializers.IntegerField(allow_null=True)
    generated_at = serializers.DateTimeField()
    versions = ConcurrenceRecordVersionSerializer(many=True, help_text="Released versions, newest first.")

"""Marking a plan reviewed with no changes over the API, and the record of those reviews."""

from rest_framework import serializers

from plans.models import PlanReview
from plans.services.annual_reviews import REVIEW_NOTE_MAX_LENGTH
from portal.api.fields import JSONIntegerField, JSONStringField


class PlanReviewSerializer(serializers.ModelSerializer):
    version = JSONIntegerField(source="version.number", read_only=True, help_text="The version confirmed.")
    reviewed_by = serializers.CharField(source="reviewed_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = PlanReview
        fields = ["id", "version", "reviewed_at", "reviewed_by", "note", "next_review_due"]
        read_only_fields = fields
        extra_kwargs = {"next_review_due": {"help_text": "The next review date this review set."}}


class PlanReviewWriteSerializer(serializers.Serializer):
    note = JSONStringField(
        max_length=REVIEW_NOTE_MAX_LENGTH,
        allow_blank=True,
        required=False,
        default="",
        help_text="Who took part and what was checked (optional).",
    )
    version = JSONIntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        help_text="The current version's number you reviewed; if another version is current by now, 409 "
        "instead of confirming one you have not read.",
    )

"""The person's "To read" queue in the API: each plan to acknowledge, by when, and where to read what changed."""

from django.urls import reverse
from rest_framework import serializers

from reading.selectors_queue import DueState, ToReadItem


class ToReadAgencySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ToReadItemSerializer(serializers.Serializer):
    """One plan whose current version the person must acknowledge."""

    plan = serializers.IntegerField(source="plan.pk", help_text="The plan's id.")
    plan_title = serializers.CharField(source="plan.title")
    owner_agency = ToReadAgencySerializer(source="plan.owner_agency")
    version = serializers.IntegerField(source="version.number", help_text="The current version's number.")
    due_at = serializers.DateTimeField()
    state = serializers.ChoiceField(
        choices=[DueState.OVERDUE, DueState.DUE_SOON, DueState.DUE],
        help_text="`overdue` past the due time, `due_soon` within 3 days of it, else `due`.",
    )
    last_read_version = serializers.IntegerField(
        source="last_read_number",
        allow_null=True,
        help_text="The newest older version of this plan you acknowledged; null when you never read one.",
    )
    last_read_at = serializers.DateTimeField(allow_null=True)
    content_withheld = serializers.BooleanField(
        help_text="The plan is law-enforcement sensitive and its owner requires a second factor this token "
        "did not pass: the diff and the version answer 403 mfa_required until it does."
    )
    diff_url = serializers.SerializerMethodField(
        help_text="What changed since `last_read_version` (the whole version when it is null)."
    )
    acknowledge_url = serializers.SerializerMethodField(help_text="POST here once read.")

    def _version_url(self, item: ToReadItem, name: str) -> str:
        return reverse(name, kwargs={"plan_id": item.plan.pk, "number": item.version.number})

    def get_diff_url(self, item: ToReadItem) -> str:
        url = self._version_url(item, "version-diff")
        return url if item.last_read_number is None else f"{url}?against={item.last_read_number}"

    def get_acknowledge_url(self, item: ToReadItem) -> str:
        return self._version_url(item, "version-acknowledge")

"""Request and response bodies of the Word import (plans/services/imports.py)."""

from rest_framework import serializers

from agencies.models import Agency
from plans.models import Classification, PlanKind


class DraftImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=False,
        max_length=255,
        help_text="The Word document (.docx), at most ATTACHMENT_MAX_BYTES. Each Heading 1 (or the highest heading "
        "level used) starts a section; lists and tables become Markdown; PNG and JPEG pictures become attachments.",
    )


class PlanImportSerializer(DraftImportSerializer):
    owner_agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    kind = serializers.ChoiceField(choices=PlanKind.choices)
    title = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Empty: the document's title (its Title style), else its file name.",
    )
    classification = serializers.ChoiceField(choices=Classification.choices, default=Classification.PARTNER)


class ImportResultSerializer(serializers.Serializer):
    """What an import made: the plan and draft, and what to check in it."""

    plan = serializers.IntegerField(source="plan.pk", help_text="The plan's id.")
    version = serializers.IntegerField(source="version.number", help_text="The draft's version number.")
    created = serializers.BooleanField(
        help_text="False when the same import was sent again and found the draft it had made."
    )
    filename = serializers.CharField(source="summary.filename")
    sections = serializers.IntegerField(source="summary.sections")
    tables = serializers.IntegerField(source="summary.tables")
    images = serializers.IntegerField(source="summary.images", help_text="Pictures imported as attachments.")
    warnings = serializers.ListField(
        child=serializers.CharField(), source="summary.warnings", help_text="What to check in the draft."
    )
    other_open_drafts = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Numbers of other open drafts of the plan, which the import left as they were.",
    )

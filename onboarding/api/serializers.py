from rest_framework import serializers

from agencies.models import Agency, AgencyKind, Role
from onboarding.roster import MAX_BYTES, MAX_ROWS, STATUS_LABELS


class RosterUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=False,
        help_text=f"A CSV roster (UTF-8): columns email (required), first_name, last_name, role, username. At most "
        f"{MAX_ROWS} rows and {MAX_BYTES // 1024} KB.",
    )


class RosterRowSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="The line of the file (the header is line 1).")
    email = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    role = serializers.ChoiceField(choices=[*Role.choices, ("", "Unknown")])
    username = serializers.CharField()
    status = serializers.ChoiceField(
        choices=list(STATUS_LABELS.items()),
        help_text="invite: a new account is created and invited; add: the person's existing account is added; "
        "member: already a member, left out; error: left out, see `problems`.",
    )
    problems = serializers.ListField(
        child=serializers.CharField(), source="errors", help_text="What to fix in the row (status error)."
    )


class RosterCountsSerializer(serializers.Serializer):
    invite = serializers.IntegerField()
    add = serializers.IntegerField()
    member = serializers.IntegerField()
    error = serializers.IntegerField()


class RosterPreviewSerializer(serializers.Serializer):
    rows = RosterRowSerializer(many=True)
    counts = RosterCountsSerializer()


class RosterImportedSerializer(serializers.Serializer):
    invited = serializers.IntegerField()
    added = serializers.IntegerField()
    rows = RosterRowSerializer(many=True, source="preview.rows")
    counts = RosterCountsSerializer(source="preview.counts")


class AgencyCompletenessSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=AgencyKind.choices, read_only=True)
    plans_total = serializers.IntegerField(read_only=True)
    plans_current = serializers.IntegerField(
        read_only=True, help_text="Published plans within their review date (or with none)."
    )
    reviews_overdue = serializers.IntegerField(read_only=True, help_text="Published plans past their review date.")
    members_total = serializers.IntegerField(read_only=True)
    reading_owed = serializers.IntegerField(
        read_only=True, help_text="Required-reading acknowledgements its people owe or gave (current versions)."
    )
    reading_done = serializers.IntegerField(read_only=True, help_text="Of those, the ones given.")
    partner_acknowledgements = serializers.IntegerField(
        read_only=True, help_text="Partner plan versions the agency acknowledged holding."
    )

    class Meta:
        model = Agency
        fields = [
            "id",
            "name",
            "kind",
            "jurisdiction",
            "plans_total",
            "plans_current",
            "reviews_overdue",
            "members_total",
            "reading_owed",
            "reading_done",
            "partner_acknowledgements",
        ]
        read_only_fields = fields

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from access.plan_rows import PlanRow
from agencies.models import Agency, Facility
from consistency.api.fact_serializers import FacilityFactsSerializer, FactChangeSerializer
from consistency.fact_selectors import version_facts_by_facility
from plans.models import (
    Attachment,
    Classification,
    Plan,
    PlanKind,
    PlanShare,
    PlanVersion,
    Section,
    ShareLevel,
)
from plans.selectors import REVIEW_DUE_WINDOW_DAYS
from reviews.selectors import open_change_request_counts

# Serializer context key: open change requests per plan id, counted once for a page.
OPEN_COUNTS = "open_change_request_counts"
MAX_SECTIONS = 200
MAX_SECTION_BODY = 200_000


class PlanListSerializer(serializers.ListSerializer):
    """Counts every plan's open change requests in one query for the whole page."""

    def to_representation(self, data: Any) -> list:
        plans = list(data.all() if isinstance(data, QuerySet) else data)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        counts = open_change_request_counts(user=user, plan_ids=[p.pk for p in plans]) if user else {}
        self._context[OPEN_COUNTS] = counts  # type: ignore[index]  # a dict, typed Mapping; the child reads the root's
        return super().to_representation(plans)


class PlanSerializer(serializers.ModelSerializer):
    current_version = serializers.IntegerField(source="current_version.number", read_only=True, allow_null=True)
    review_due = serializers.SerializerMethodField(
        help_text=f"True when the next review date is within {REVIEW_DUE_WINDOW_DAYS} days or past."
    )
    open_change_requests = serializers.SerializerMethodField(
        help_text="Partners' change requests not yet resolved by the owner (0 when you may not read comments)."
    )

    class Meta:
        model = Plan
        list_serializer_class = PlanListSerializer
        fields = [
            "id",
            "title",
            "kind",
            "owner_agency",
            "facilities",
            "hazards",
            "classification",
            "review_interval_days",
            "next_review_due",
            "review_due",
            "current_version",
            "open_change_requests",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_open_change_requests(self, plan: Plan) -> int:
        counts = self.context.get(OPEN_COUNTS)
        if counts is None:  # one plan (detail, create, update): its own query
            user = getattr(self.context.get("request"), "user", None)
            counts = open_change_request_counts(user=user, plan_ids=[plan.pk]) if user else {}
        return counts.get(plan.pk, 0)

    def get_review_due(self, plan: Plan) -> bool:
        horizon = timezone.localdate() + timedelta(days=REVIEW_DUE_WINDOW_DAYS)
        return plan.next_review_due is not None and plan.next_review_due <= horizon

    def to_representation(self, plan: Plan) -> dict[str, Any]:
        """Meta.fields written out by plan_rows_json, as the one-statement reads write them: the same JSON as
        ModelSerializer's generic walk over the fields, which cost more than the plan list's SQL
        (docs/benchmarks.md; tests/plans/test_plan_list_pages.py keeps the two equal)."""
        facility_ids = getattr(plan, "facility_ids", None)
        if facility_ids is None:
            facility_ids = [facility.pk for facility in plan.facilities.all()]
        version = plan.current_version if plan.current_version_id is not None else None
        row = PlanRow(
            pk=plan.pk,
            title=plan.title,
            kind=plan.kind,
            owner_agency_id=plan.owner_agency_id,
            hazards=plan.hazards,
            classification=plan.classification,
            review_interval_days=plan.review_interval_days,
            next_review_due=plan.next_review_due,
            current_version_number=version.number if version is not None else None,
            created_at=plan.created_at,
            updated_at=plan.updated_at,
            facility_ids=facility_ids,
            open_change_requests=self.get_open_change_requests(plan),
        )
        return plan_rows_json([row])[0]


def plan_rows_json(rows: Iterable[PlanRow]) -> list[dict[str, Any]]:
    """PlanSerializer's JSON for plans given as values, with the date fields' DRF formatting. The fields are
    built here, once per response, with the time zone looked up once: building the serializer's fields and
    looking up the zone per value cost a quarter of the list's CPU (docs/benchmarks.md)."""
    zone = timezone.get_current_timezone() if settings.USE_TZ else None
    moment = serializers.DateTimeField(default_timezone=zone).to_representation
    day = serializers.DateField().to_representation
    horizon = timezone.localdate() + timedelta(days=REVIEW_DUE_WINDOW_DAYS)
    return [
        {
            "id": row.pk,
            "title": row.title,
            "kind": row.kind,
            "owner_agency": row.owner_agency_id,
            "facilities": row.facility_ids,
            "hazards": row.hazards,
            "classification": row.classification,
            "review_interval_days": row.review_interval_days,
            "next_review_due": day(row.next_review_due) if row.next_review_due is not None else None,
            "review_due": row.next_review_due is not None and row.next_review_due <= horizon,
            "current_version": row.current_version_number,
            "open_change_requests": row.open_change_requests,
            "created_at": moment(row.created_at),
            "updated_at": moment(row.updated_at),
        }
        for row in rows
    ]


class PlanWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=PlanKind.choices)
    owner_agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    facilities = serializers.PrimaryKeyRelatedField(
        queryset=Facility.objects.all(), many=True, required=False, default=list
    )
    classification = serializers.ChoiceField(choices=Classification.choices, default=Classification.PARTNER)
    review_interval_days = serializers.IntegerField(min_value=1, max_value=3650, default=365)
    hazards = serializers.ListField(
        child=serializers.CharField(max_length=100), max_length=50, required=False, default=list
    )


class PlanUpdateSerializer(PlanWriteSerializer):
    owner_agency = None  # type: ignore[assignment]  # DRF's way to drop an inherited field: a plan never changes owner

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


class SectionSerializer(serializers.ModelSerializer):
    key = serializers.SlugField(max_length=80)
    body = serializers.CharField(max_length=MAX_SECTION_BODY, allow_blank=True, required=False, default="")

    class Meta:
        model = Section
        fields = ["key", "title", "body"]

    def to_representation(self, section: Section) -> dict[str, Any]:
        """The three text fields as they are (what the generic walk returns, for a fraction of its cost)."""
        return {"key": section.key, "title": section.title, "body": section.body}


class VersionSummarySerializer(serializers.ModelSerializer):
    published_by = serializers.CharField(source="published_by.username", read_only=True, default=None, allow_null=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = PlanVersion
        fields = [
            "number",
            "state",
            "change_summary",
            "based_on_number",
            "created_at",
            "created_by",
            "published_at",
            "published_by",
            "withdrawn_at",
            "content_sha256",
        ]
        read_only_fields = fields

    def to_representation(self, version: PlanVersion) -> dict[str, Any]:
        """Meta.fields written out, each value formatted by its own DRF field (the generic walk's JSON;
        tests/plans/test_plan_list_pages.py keeps them equal)."""
        fields = self.fields
        moment = fields["created_at"].to_representation

        def when(value: Any) -> Any:
            return moment(value) if value else None

        def username(user_id: int | None, relation: str) -> str | None:
            return getattr(version, relation).username if user_id is not None else None

        return {
            "number": version.number,
            "state": version.state,
            "change_summary": version.change_summary,
            "based_on_number": version.based_on_number,
            "created_at": when(version.created_at),
            "created_by": username(version.created_by_id, "created_by"),
            "published_at": when(version.published_at),
            "published_by": username(version.published_by_id, "published_by"),
            "withdrawn_at": when(version.withdrawn_at),
            "content_sha256": version.content_sha256,
        }


class VersionSerializer(VersionSummarySerializer):
    sections = SectionSerializer(many=True, read_only=True)
    facility_facts = serializers.SerializerMethodField(
        help_text="Key facts per facility, as GET …/versions/{number}/facts/ returns them."
    )

    class Meta(VersionSummarySerializer.Meta):
        fields = [*VersionSummarySerializer.Meta.fields, "sections", "facility_facts"]
        read_only_fields = fields

    @extend_schema_field(FacilityFactsSerializer(many=True))
    def get_facility_facts(self, version: PlanVersion) -> list[dict]:
        # many=True makes a ListSerializer (whose data is a list); the stubs type it as the child serializer.
        return FacilityFactsSerializer(version_facts_by_facility(version=version), many=True).data  # type: ignore[return-value]

    def to_representation(self, version: PlanVersion) -> dict[str, Any]:
        data = super().to_representation(version)
        # Three text fields per section, read as values: what SectionSerializer gives, without model objects.
        rows = version.sections.order_by("position").values_list("key", "title", "body")
        data["sections"] = [{"key": key, "title": title, "body": body} for key, title, body in rows]
        data["facility_facts"] = self.get_facility_facts(version)
        return data


class VersionWriteSerializer(serializers.Serializer):
    change_summary = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    sections = SectionSerializer(many=True, required=False)

    def validate_sections(self, sections: list[dict]) -> list[dict]:
        if not sections:
            raise serializers.ValidationError("Give at least one section.")
        if len(sections) > MAX_SECTIONS:
            raise serializers.ValidationError(f"A version may have at most {MAX_SECTIONS} sections.")
        keys = [s["key"] for s in sections]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise serializers.ValidationError(f"Section keys must be unique; repeated: {', '.join(duplicates)}.")
        return sections


class DiffSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    change = serializers.ChoiceField(choices=["added", "removed", "changed", "unchanged"])
    diff = serializers.CharField()


class AttachmentChangeSerializer(serializers.Serializer):
    """A file in the compared version and not the older one (added), or the other way round (removed)."""

    change = serializers.ChoiceField(choices=["added", "removed"])
    id = serializers.IntegerField(source="attachment.pk")
    filename = serializers.CharField(source="attachment.filename")
    content_type = serializers.CharField(source="attachment.content_type")
    size = serializers.IntegerField(source="attachment.size")
    sha256 = serializers.CharField(source="attachment.sha256")
    download_url = serializers.SerializerMethodField(help_text="In the version that holds the file.")

    def get_download_url(self, change: Any) -> str:
        return AttachmentSerializer().get_download_url(change.attachment)


class DiffSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    against = serializers.IntegerField(allow_null=True)
    against_reason = serializers.CharField(
        help_text="requested, last_acknowledged (by you), agency_acknowledged (by one of your agencies), "
        "previous, or none"
    )
    facts = FactChangeSerializer(
        many=True, help_text="Key facts stated differently, first: by building name, then in the facts' usual order."
    )
    sections = DiffSectionSerializer(many=True)
    attachments = AttachmentChangeSerializer(many=True, help_text="Files removed, then files added.")


class AcknowledgeSerializer(serializers.Serializer):
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(),
        required=False,
        allow_null=True,
        help_text="Acknowledge for this agency only; by default for every agency you are admin or liaison of.",
    )


class AcknowledgementResultSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    acknowledged_at = serializers.DateTimeField()
    agencies = serializers.ListField(child=serializers.IntegerField())


class AgencyAckSerializer(serializers.Serializer):
    agency = serializers.IntegerField()
    agency_name = serializers.CharField()
    version = serializers.IntegerField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)


class AcknowledgementStatusSerializer(serializers.Serializer):
    # Agency level only: a partner's people's acknowledgements are for its own admins ("Who has read what").
    agencies = AgencyAckSerializer(many=True)


class ShareSerializer(serializers.ModelSerializer):
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    level = serializers.ChoiceField(choices=ShareLevel.choices)
    shared_by = serializers.CharField(source="shared_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = PlanShare
        fields = ["agency", "agency_name", "level", "shared_at", "shared_by"]
        read_only_fields = ["shared_at", "shared_by"]
        validators: list = []


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "filename", "content_type", "size", "sha256", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str:
        version = attachment.version
        return settings.SITE_URL + reverse(
            "attachment-download",
            kwargs={"plan_id": version.plan_id, "number": version.number, "attachment_id": attachment.pk},
        )


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False, max_length=255)

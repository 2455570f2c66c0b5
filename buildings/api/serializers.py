from django.conf import settings
from django.urls import reverse
from rest_framework import serializers

from buildings.models import BuildingDocument, BuildingDocumentVersion, DocumentKind
from plans.models import Classification


class DocumentVersionSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", default=None, allow_null=True)
    download_url = serializers.SerializerMethodField(help_text="Shown inline: an image, or a PDF in a viewer.")

    class Meta:
        model = BuildingDocumentVersion
        fields = [
            "number",
            "filename",
            "content_type",
            "size",
            "sha256",
            "change_note",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, version: BuildingDocumentVersion) -> str:
        document = version.document
        return settings.SITE_URL + reverse(
            "facility-document-download",
            kwargs={"facility_id": document.facility_id, "document_id": document.pk, "number": version.number},
        )


class DocumentSerializer(serializers.ModelSerializer):
    """A document with its current version (the list and every write answer with this)."""

    owner_agency = serializers.IntegerField(source="owner_agency_id", read_only=True)
    owner_agency_name = serializers.CharField(source="owner_agency.name", read_only=True)
    facility = serializers.IntegerField(source="facility_id", read_only=True)
    current_version = DocumentVersionSerializer(read_only=True, allow_null=True)

    class Meta:
        model = BuildingDocument
        fields = [
            "id",
            "facility",
            "kind",
            "title",
            "classification",
            "owner_agency",
            "owner_agency_name",
            "current_version",
            "created_at",
        ]
        read_only_fields = fields


class DocumentDetailSerializer(DocumentSerializer):
    versions = DocumentVersionSerializer(source="versions_listed", many=True, read_only=True, help_text="Newest first.")

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "versions"]
        read_only_fields = fields


class DocumentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    title = serializers.CharField(max_length=200)
    classification = serializers.ChoiceField(choices=Classification.choices, default=Classification.PARTNER)
    file = serializers.FileField(allow_empty_file=False, max_length=255, help_text="PDF, PNG or JPEG.")
    change_note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class DocumentReplaceSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False, max_length=255, help_text="PDF, PNG or JPEG.")
    change_note = serializers.CharField(max_length=500, help_text="What changed; the alert says it.")

"""Documents that belong to a building rather than to one plan: floor plans, site maps, evacuation routes."""

from django.conf import settings
from django.db import models

from plans.models import Classification, private_storage


class DocumentKind(models.TextChoices):
    FLOOR_PLAN = "floor_plan", "Floor plan"
    SITE_MAP = "site_map", "Site map"
    EVACUATION_ROUTES = "evacuation_routes", "Evacuation routes"
    DOOR_NUMBERING = "door_numbering", "Door and room numbering"
    OTHER = "other", "Other"


class DocumentFileKind(models.TextChoices):
    """What a building document's file may be: the ones a phone shows itself (no Word documents)."""

    PDF = "application/pdf", "PDF"
    PNG = "image/png", "PNG image"
    JPEG = "image/jpeg", "JPEG image"


class BuildingDocument(models.Model):
    """A map or diagram of a facility, kept by the facility's owner or (its own annotations) by a partner."""

    facility = models.ForeignKey("agencies.Facility", on_delete=models.CASCADE, related_name="documents")
    owner_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="building_documents")
    kind = models.CharField(max_length=32, choices=DocumentKind.choices)
    title = models.CharField(max_length=200)
    classification = models.CharField(max_length=32, choices=Classification.choices, default=Classification.PARTNER)
    current_version = models.OneToOneField(
        "BuildingDocumentVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["facility", "kind", "title", "id"]
        indexes = [models.Index(fields=["facility", "kind"]), models.Index(fields=["owner_agency"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_sensitive(self) -> bool:
        return self.classification == Classification.LAW_ENFORCEMENT_SENSITIVE


def document_path(instance: "BuildingDocumentVersion", filename: str) -> str:
    """An opaque name: a guessed path reveals nothing."""
    return f"buildings/{instance.sha256[:2]}/{instance.token}"


class BuildingDocumentVersion(models.Model):
    """One file of a document; replacing it adds a version, so what a responder saw earlier stays on record."""

    document = models.ForeignKey(BuildingDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    token = models.CharField(max_length=64, unique=True)
    file = models.FileField(storage=private_storage, upload_to=document_path, max_length=200)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, choices=DocumentFileKind.choices)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    change_note = models.CharField(max_length=500, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="unique_building_document_version")]

    def __str__(self) -> str:
        return f"{self.filename} (version {self.number})"

    @property
    def is_image(self) -> bool:
        return self.content_type in (DocumentFileKind.PNG, DocumentFileKind.JPEG)

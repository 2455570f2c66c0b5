"""A building's field packet: one person's request for everything they may see about a building as one PDF,
and the file once a worker has laid it out."""

import uuid

from django.conf import settings
from django.db import models

from plans.models import private_storage


class PacketState(models.TextChoices):
    QUEUED = "queued", "Waiting for a worker"
    RUNNING = "running", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


def packet_path(instance: "FieldPacket", filename: str) -> str:
    """An opaque name: the packet's own id, never the building's name."""
    return f"packets/{instance.pk}.pdf"


class FieldPacket(models.Model):
    """A field packet asked for by one person: only they download it, and only while they may still see all
    it shows (the plans and documents it holds are listed to check that)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    facility = models.ForeignKey("agencies.Facility", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    # Whether the asking request had passed a second factor: the worker reads what that request could.
    second_factor = models.BooleanField(default=False)
    state = models.CharField(max_length=16, choices=PacketState.choices, default=PacketState.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=500, blank=True)
    file = models.FileField(storage=private_storage, upload_to=packet_path, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    # What the file holds: [plan id, version id] and [document id, document version id] pairs.
    plan_versions = models.JSONField(default=list, blank=True)
    document_versions = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["requested_by", "facility", "-requested_at"])]

    def __str__(self) -> str:
        return f"Field packet of {self.facility} for {self.requested_by}"

    @property
    def is_done(self) -> bool:
        return self.state in (PacketState.READY, PacketState.FAILED)

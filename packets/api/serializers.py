from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from packets.models import FieldPacket, PacketState


class FieldPacketSerializer(serializers.ModelSerializer):
    """A field packet job: its progress and, once ready, where its requester downloads the PDF."""

    facility = serializers.IntegerField(source="facility_id", read_only=True)
    url = serializers.SerializerMethodField(help_text="This job: GET it until `state` is `ready` or `failed`.")
    file_url = serializers.SerializerMethodField(
        help_text="The PDF, once `state` is `ready` (null before, and once the packet holds what you may no "
        "longer see)."
    )

    class Meta:
        model = FieldPacket
        fields = [
            "id",
            "facility",
            "state",
            "progress",
            "step",
            "requested_at",
            "finished_at",
            "size",
            "sha256",
            "url",
            "file_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField())
    def get_url(self, packet: FieldPacket) -> str:
        return settings.SITE_URL + reverse("field-packet-detail", kwargs={"packet_id": packet.pk})

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_file_url(self, packet: FieldPacket) -> str | None:
        if packet.state != PacketState.READY or not self.context.get("available", False):
            return None
        return settings.SITE_URL + reverse("field-packet-file", kwargs={"packet_id": packet.pk})

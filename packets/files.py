"""The response that serves a finished field packet."""

from django.http import FileResponse

from packets.models import FieldPacket
from packets.services import packet_filename


def packet_response(packet: FieldPacket) -> FileResponse:
    """The packet as a download, never kept in a shared cache."""
    response = FileResponse(
        packet.file.open("rb"),
        as_attachment=True,
        filename=packet_filename(packet),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response

"""The field packet API: ask for a building's packet (202 with the job), follow the job, download the PDF.
A building whose packet the person may not have, and anyone else's job, is 404."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from access.packets import packet_facilities, packet_still_readable, packets_of
from packets import services
from packets.api.serializers import FieldPacketSerializer
from packets.files import packet_response
from packets.models import FieldPacket
from portal.api.request_info import client_ip
from portal.types import AuthenticatedRequest


class PacketScoped(generics.GenericAPIView):
    serializer_class = FieldPacketSerializer
    queryset = FieldPacket.objects.none()

    def get_packet(self) -> FieldPacket:
        return get_object_or_404(packets_of(user=self.request.user), pk=self.kwargs["packet_id"])

    def job(self, packet: FieldPacket, code: int = status.HTTP_200_OK) -> Response:
        available = packet.is_done and packet_still_readable(packet=packet, user=self.request.user)
        data = FieldPacketSerializer(packet, context={"available": available}).data
        return Response(data, status=code, headers={"Location": data["url"]} if code == 202 else None)


class FacilityPacketView(PacketScoped):
    @extend_schema(request=None, responses={202: FieldPacketSerializer})
    def post(self, request: AuthenticatedRequest, facility_id: int) -> Response:
        """Ask for the building's field packet: a worker lays it out; GET the job's `url` until it is ready."""
        facility = get_object_or_404(packet_facilities(user=request.user), pk=facility_id)
        packet = services.field_packet_request(facility=facility, actor=request.user)
        packet.refresh_from_db()  # without a worker (no REDIS_URL) it was made at commit
        return self.job(packet, status.HTTP_202_ACCEPTED)


class PacketDetailView(PacketScoped):
    @extend_schema(responses=FieldPacketSerializer)
    def get(self, request: Request, packet_id: str) -> Response:
        """The job's state and progress; `file_url` once the PDF is ready."""
        return self.job(self.get_packet())


class PacketFileView(PacketScoped):
    @extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The packet.")}
    )
    def get(self, request: AuthenticatedRequest, packet_id: str) -> FileResponse:
        """The PDF, for the person who asked for it, while they may still see all it holds (audited)."""
        packet = services.field_packet_download(
            packet=self.get_packet(), actor=request.user, ip_address=client_ip(request)
        )
        return packet_response(packet)

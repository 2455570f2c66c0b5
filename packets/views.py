"""Web pages of the field packet: ask for a building's packet, follow its progress, download it. A building
whose packet the person may not have, and anyone else's packet, is 404."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from access.packets import packet_facilities, packet_still_readable, packets_of
from packets import services
from packets.files import packet_response
from packets.models import FieldPacket
from portal.api.request_info import client_ip
from portal.types import AuthenticatedHttpRequest

RECENT_SHOWN = 5


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def facility_packet(request: AuthenticatedHttpRequest, facility_id: int) -> HttpResponse:
    """What the packet holds and the button that makes it (POST: ask a worker, then follow its progress)."""
    facility = get_object_or_404(packet_facilities(user=request.user), pk=facility_id)
    if request.method == "POST":
        packet = services.field_packet_request(facility=facility, actor=request.user)
        return redirect("packets:status", packet_id=packet.pk)
    recent = packets_of(user=request.user).filter(facility=facility)[:RECENT_SHOWN]
    return render(
        request, "packets/facility_packet.html", {"nav": "facilities", "facility": facility, "recent": recent}
    )


def _own_packet(request: AuthenticatedHttpRequest, packet_id: str) -> FieldPacket:
    return get_object_or_404(packets_of(user=request.user), pk=packet_id)


@login_required
@require_safe
def packet_status(request: AuthenticatedHttpRequest, packet_id: str) -> HttpResponse:
    """The packet's progress; while it is being made the status block asks again every two seconds (htmx)."""
    packet = _own_packet(request, packet_id)
    # A packet that shows what its requester may no longer see is not offered (its file answers 404 too).
    available = packet.is_done and packet_still_readable(packet=packet, user=request.user)
    context = {"nav": "facilities", "packet": packet, "facility": packet.facility, "available": available}
    template = "packets/_status.html" if request.htmx else "packets/status.html"
    return render(request, template, context)


@login_required
@require_safe
def packet_file(request: AuthenticatedHttpRequest, packet_id: str) -> FileResponse:
    """The PDF, for the person who asked for it only, each download audited."""
    packet = services.field_packet_download(
        packet=_own_packet(request, packet_id), actor=request.user, ip_address=client_ip(request)
    )
    return packet_response(packet)

"""The field packet workflow, shared by the web page and the API: a person asks (the request is remembered with
whether it passed a second factor), a worker lays the PDF out as that person may see the building, and only
that person downloads it, each download audited like the export of every plan it holds."""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from access.packets import packet_still_readable
from access.sensitive_reads import sensitive_document_read_record
from agencies.models import Facility
from buildings.models import BuildingDocument
from packets.content import packet_content
from packets.models import FieldPacket, PacketState
from packets.pdf import render_packet_pdf
from plans.models import PlanVersion
from plans.services.exports import plan_export_record
from portal.second_factor import second_factor_mark, second_factor_passed

logger = logging.getLogger(__name__)

# A packet asked for again within this time is the same packet (a double tap, a retried POST).
REUSE_WITHIN = timedelta(seconds=30)
FAILED_STEP = "The packet could not be made. Try again; if it fails again, tell your platform operator."


def field_packet_request(*, facility: Facility, actor: User) -> FieldPacket:
    """Ask for the building's packet (the caller found the building among `packet_facilities`); the worker is
    asked once the row is committed. A second request within seconds returns the packet already under way."""
    passed = second_factor_passed(actor)
    recent = FieldPacket.objects.filter(
        facility=facility,
        requested_by=actor,
        second_factor=passed,
        requested_at__gte=timezone.now() - REUSE_WITHIN,
        state__in=(PacketState.QUEUED, PacketState.RUNNING),
    ).first()
    if recent is not None:
        return recent
    from packets.tasks import build_field_packet  # the task module imports this one

    with transaction.atomic():
        packet = FieldPacket.objects.create(facility=facility, requested_by=actor, second_factor=passed)
        transaction.on_commit(lambda: build_field_packet.delay(str(packet.pk)))
    return packet


def _progress(packet: FieldPacket, percent: int, step: str) -> None:
    FieldPacket.objects.filter(pk=packet.pk).update(progress=percent, step=step[:200])


def field_packet_build(*, packet_id: str) -> None:
    """Lay out the packet as its requester may see the building now (idempotent: a finished one is left alone)."""
    packet = FieldPacket.objects.select_related("facility__owner_agency", "requested_by").filter(pk=packet_id).first()
    if packet is None or packet.is_done:
        return
    FieldPacket.objects.filter(pk=packet.pk).update(state=PacketState.RUNNING, progress=5, step="Starting")
    user = packet.requested_by
    # The worker reads exactly what the asking request could: with its second factor, or without.
    second_factor_mark(user, passed=packet.second_factor)
    try:
        content = packet_content(
            user=user, facility=packet.facility, now=timezone.now(), progress=lambda p, s: _progress(packet, p, s)
        )
        _progress(packet, 60, "Laying out the pages")
        pdf = render_packet_pdf(content)
    except Exception:
        logger.exception("Field packet %s failed", packet.pk)
        FieldPacket.objects.filter(pk=packet.pk).update(
            state=PacketState.FAILED, step=FAILED_STEP, finished_at=timezone.now()
        )
        return
    _progress(packet, 95, "Storing the file")
    packet.file.save(f"{packet.pk}.pdf", ContentFile(pdf), save=False)
    FieldPacket.objects.filter(pk=packet.pk).update(
        file=packet.file.name,
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        plan_versions=[list(pair) for pair in content.plan_versions],
        document_versions=[list(pair) for pair in content.document_versions],
        state=PacketState.READY,
        progress=100,
        step="Ready",
        finished_at=timezone.now(),
    )


def field_packet_download(*, packet: FieldPacket, actor: User, ip_address: str | None) -> FieldPacket:
    """The finished packet for its requester, while they may still see all it holds (else 404, as if it were
    gone). Each download is audited: one export row per plan and, for law-enforcement-sensitive plans and
    documents, a read (refused first, 403 `mfa_required`, when this request lacks the second factor they need)."""
    if packet.requested_by_id != actor.pk or packet.state != PacketState.READY or not packet.file:
        raise Http404("No field packet matches the given query.")
    if not packet_still_readable(packet=packet, user=actor):
        raise Http404("No field packet matches the given query.")
    versions = PlanVersion.objects.select_related("plan__owner_agency").filter(
        pk__in=[version_id for _, version_id in packet.plan_versions]
    )
    documents = BuildingDocument.objects.select_related("owner_agency").filter(
        pk__in=[document_id for document_id, _ in packet.document_versions]
    )
    with transaction.atomic():
        for version in versions:
            plan_export_record(
                version=version,
                actor=actor,
                ip_address=ip_address,
                fmt="packet",
                file_sha256=packet.sha256,
                what="packet",
                facility=packet.facility_id,
            )
        for document in documents:
            sensitive_document_read_record(document=document, actor=actor, ip_address=ip_address, what="packet")
    return packet


def packet_filename(packet: FieldPacket) -> str:
    """`field-packet-<building-slug>-<date>.pdf`."""
    from django.utils.text import slugify

    slug = slugify(packet.facility.name)[:80].strip("-") or "building"
    when = timezone.localtime(packet.finished_at or packet.requested_at).strftime("%Y-%m-%d")
    return f"field-packet-{slug}-{when}.pdf"


def field_packets_purge() -> int:
    """Delete the packets (files and rows) asked for more than PACKET_RETENTION_DAYS ago: a copy of plans, some
    law-enforcement sensitive, is not left on the server's disk for good. Devices drop their offline copy at
    their next refresh (it is no longer listed). Returns how many went."""
    cutoff = timezone.now() - timedelta(days=settings.PACKET_RETENTION_DAYS)
    expired = list(FieldPacket.objects.filter(requested_at__lt=cutoff).only("pk", "file"))
    for packet in expired:
        if packet.file:
            packet.file.delete(save=False)
    FieldPacket.objects.filter(pk__in=[packet.pk for packet in expired]).delete()
    if expired:
        logger.info("Deleted %d field packets older than %d days.", len(expired), settings.PACKET_RETENTION_DAYS)
    return len(expired)

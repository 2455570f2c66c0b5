"""Celery task of the field packet: thin and idempotent (a finished packet is left alone)."""

from celery import shared_task
from django.db import DatabaseError

from packets.services import field_packet_build, field_packets_purge

BUILD_FIELD_PACKET = "packets.build_field_packet"
PURGE_FIELD_PACKETS = "packets.purge_old_packets"


@shared_task(
    name=BUILD_FIELD_PACKET,
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=3,
)
def build_field_packet(packet_id: str) -> None:
    """Lay out one requested packet (re-read by id; gone or finished: nothing to do)."""
    field_packet_build(packet_id=packet_id)


@shared_task(name=PURGE_FIELD_PACKETS, acks_late=True)
def purge_old_packets() -> int:
    """Nightly: the packets past PACKET_RETENTION_DAYS go (idempotent)."""
    return field_packets_purge()

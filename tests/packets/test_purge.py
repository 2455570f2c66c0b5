"""Field packets do not stay on the server for good: the nightly task deletes those past PACKET_RETENTION_DAYS,
file and record, and leaves the recent ones."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from packets.models import FieldPacket
from packets.tasks import purge_old_packets
from tests.conftest import web_client
from tests.packets.helpers import made_packet


def test_the_nightly_task_deletes_old_packets_with_their_files_and_keeps_recent_ones(county):
    old = made_packet(county, county.partner_view_member)
    recent = made_packet(county, county.owner_admin)
    old_file = Path(old.file.path)
    assert old_file.exists()
    FieldPacket.objects.filter(pk=old.pk).update(
        requested_at=timezone.now() - timedelta(days=settings.PACKET_RETENTION_DAYS, minutes=1)
    )

    assert purge_old_packets.apply().get() == 1
    assert not old_file.exists()
    assert list(FieldPacket.objects.values_list("pk", flat=True)) == [recent.pk]
    assert Path(recent.file.path).exists()
    assert web_client(county.partner_view_member).get(f"/packets/{old.pk}/").status_code == 404
    assert web_client(county.owner_admin).get(f"/packets/{recent.pk}/file/").status_code == 200
    assert purge_old_packets.apply().get() == 0  # idempotent

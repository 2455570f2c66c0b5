"""Tenant isolation of the field packet: every route x every actor, the exact status, nothing made on refusal.
The packet is for the agencies that work with the building (the district owns it, the police and fire see its
plan); the unrelated sheriff and the platform operator get 404. A packet is its requester's alone."""

import pytest

from packets.models import FieldPacket
from tests.conftest import web_client
from tests.packets.helpers import built
from tests.permission_matrix import client_as, covers, matrix, user_of

PACKET = matrix(
    anonymous=401,
    owner_admin=202,
    owner_planner=202,
    owner_liaison=202,
    owner_member=202,
    partner_view_liaison=202,
    partner_view_member=202,
    partner_comment_liaison=202,
    unrelated_admin=404,
    staff=404,
)


@covers("facility-packet", "field-packet-detail", "field-packet-file")
@pytest.mark.parametrize(("actor", "expected"), PACKET)
def test_the_api_makes_a_packet_for_those_who_work_with_the_building_and_serves_it_to_them_alone(
    county, actor, expected
):
    client = client_as(county, actor)
    response = client.post(f"/api/v1/facilities/{county.school.pk}/packet/")
    assert response.status_code == expected
    if expected != 202:
        assert not FieldPacket.objects.exists()
        # Someone else's packet is 404 to this actor (401 to nobody).
        theirs = FieldPacket.objects.create(facility=county.school, requested_by=county.owner_admin)
        built(theirs)
        for url in (f"/api/v1/packets/{theirs.pk}/", f"/api/v1/packets/{theirs.pk}/file/"):
            assert client.get(url).status_code == (401 if expected == 401 else 404)
        return
    packet = FieldPacket.objects.get(requested_by=user_of(county, actor))
    built(packet)
    assert client.get(f"/api/v1/packets/{packet.pk}/").json()["state"] == "ready"
    assert client.get(f"/api/v1/packets/{packet.pk}/file/").status_code == 200


@covers("packets:facility-packet", "packets:status", "packets:file")
@pytest.mark.parametrize(("actor", "expected"), PACKET)
def test_the_web_pages_make_a_packet_for_those_who_work_with_the_building_and_serve_it_to_them_alone(
    county, actor, expected
):
    user = user_of(county, actor)
    browser = web_client(user)
    page = browser.get(f"/facilities/{county.school.pk}/packet/")
    made = browser.post(f"/facilities/{county.school.pk}/packet/")
    if expected == 401:
        assert page.status_code == made.status_code == 302  # to the sign-in page
        assert "/accounts/login/" in made["Location"]
    if expected != 202:
        assert expected == 401 or page.status_code == made.status_code == 404
        assert not FieldPacket.objects.exists()
        theirs = FieldPacket.objects.create(facility=county.school, requested_by=county.owner_admin)
        built(theirs)
        for url in (f"/packets/{theirs.pk}/", f"/packets/{theirs.pk}/file/"):
            assert browser.get(url).status_code == (302 if expected == 401 else 404)
        return
    assert page.status_code == 200
    packet = FieldPacket.objects.get(requested_by=user)
    assert made["Location"] == f"/packets/{packet.pk}/"
    built(packet)
    assert browser.get(f"/packets/{packet.pk}/").status_code == 200
    assert browser.get(f"/packets/{packet.pk}/file/").status_code == 200

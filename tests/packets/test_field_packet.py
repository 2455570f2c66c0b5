"""The field packet of a building: what it shows and how every page is marked, who may have it (and nobody
else's), the law-enforcement-sensitive plan left out without a second factor, and the audit row of a download."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import api_token_create
from agencies.models import Agency
from audit.models import AuditAction, AuditEvent
from packets.models import FieldPacket
from plans.models import Classification, Plan
from plans.services.sharing import plan_unshare
from tests.buildings.helpers import downloaded
from tests.conftest import client_for, web_client
from tests.mfa import enrol_app
from tests.packets.helpers import built, furnish, packet_text

pytestmark = pytest.mark.django_db


def _request(client, facility_id: int) -> FieldPacket:
    response = client.post(f"/api/v1/facilities/{facility_id}/packet/")
    assert response.status_code == 202, response.content
    assert response["Location"] == response.json()["url"]
    return FieldPacket.objects.get(pk=response.json()["id"])


def _download(client, packet) -> bytes:
    response = client.get(f"/api/v1/packets/{packet.pk}/file/")
    assert response.status_code == 200, response
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    return downloaded(response)


def test_the_packet_holds_the_buildings_facts_people_maps_and_plans_with_every_page_marked(county):
    furnish(county)
    officer = client_for(county.partner_view_member)
    packet = _request(officer, county.school.pk)
    built(packet)
    job = officer.get(f"/api/v1/packets/{packet.pk}/").json()
    assert job["state"] == "ready"
    assert job["progress"] == 100
    assert job["file_url"].endswith(f"/api/v1/packets/{packet.pk}/file/")
    pages = packet_text(_download(officer, packet))
    text = " ".join(pages)
    version = county.plan.current_version
    assert "Field packet: Maple Valley High" in pages[0]
    assert "Family reunification site Riverside Church" in text
    assert "police_officer" in text
    assert "Principal · Dana Reyes" in text
    assert "North site map" in text
    assert "Ground floor plan" in text
    assert version.content_sha256 in text.replace(" ", "")  # in the list of plans, wrapped
    assert "Maple Valley High crisis plan" in text
    assert len(pages) >= 3  # the building, the site map's page, the plan
    for page in pages:
        assert "PARTNERS ONLY — NOT FOR PUBLIC RELEASE" in page  # the classification, on every page
        assert "Page " in page
    plan_pages = [page for page in pages if f"Maple Valley High crisis plan · v{version.number} ·" in page]
    assert plan_pages
    assert all(f"SHA-256 {version.content_sha256[:12]}" in page for page in plan_pages)
    map_pages = [page for page in pages if "North site map · v1 · SHA-256" in page]
    assert len(map_pages) == 1
    assert "Prepared for" not in pages[-1]  # no reader line on a partner plan's pages


def test_a_sensitive_plans_pages_carry_the_readers_name_and_the_time(county):
    Plan.objects.filter(pk=county.plan.pk).update(classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    officer = client_for(county.partner_view_member)
    packet = _request(officer, county.school.pk)
    built(packet)
    pages = packet_text(_download(officer, packet))
    plan_pages = [page for page in pages if "Maple Valley High crisis plan · v" in page]
    assert plan_pages
    for page in plan_pages:
        assert "LAW ENFORCEMENT SENSITIVE" in page
        assert "Exported by police_officer (Ridgeford Police) on" in page
    read = AuditEvent.objects.get(action=AuditAction.PLAN_READ, details__what="packet")
    assert read.actor == county.partner_view_member


def test_a_sensitive_plan_needing_a_second_factor_is_left_out_and_the_packet_says_so(county):
    Plan.objects.filter(pk=county.plan.pk).update(classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    Agency.objects.filter(pk=county.district.pk).update(les_read_requires_mfa=True)
    officer = client_for(county.partner_view_member)  # a token issued without a second factor
    packet = _request(officer, county.school.pk)
    built(packet)
    assert packet.plan_versions == []
    pages = packet_text(_download(officer, packet))
    text = " ".join(pages)
    assert "Not in this packet: the plan “Maple Valley High crisis plan” (Maple Valley School District)" in text
    assert "Lockdown: lock doors" not in text
    assert not AuditEvent.objects.filter(action=AuditAction.PLAN_READ).exists()


def test_each_download_is_audited_as_an_export_of_the_plan_for_the_owner_and_the_reader(county):
    officer = client_for(county.partner_view_member)
    packet = _request(officer, county.school.pk)
    built(packet)
    assert not AuditEvent.objects.filter(action=AuditAction.PLAN_EXPORT).exists()  # made, not yet read
    _download(officer, packet)
    event = AuditEvent.objects.get(action=AuditAction.PLAN_EXPORT)
    assert event.actor == county.partner_view_member
    assert event.details["format"] == "packet"
    assert event.details["content_sha256"] == county.plan.current_version.content_sha256
    assert event.details["file_sha256"] == packet.sha256


def test_another_agency_gets_404_for_the_buildings_packet_and_nobody_else_downloads_mine(county):
    assert client_for(county.unrelated_admin).post(f"/api/v1/facilities/{county.school.pk}/packet/").status_code == 404
    assert client_for(county.staff).post(f"/api/v1/facilities/{county.school.pk}/packet/").status_code == 404
    packet = _request(client_for(county.partner_view_member), county.school.pk)
    built(packet)
    for other in (county.owner_admin, county.partner_view_liaison, county.unrelated_admin):
        client = client_for(other)
        assert client.get(f"/api/v1/packets/{packet.pk}/").status_code == 404
        assert client.get(f"/api/v1/packets/{packet.pk}/file/").status_code == 404
        assert web_client(other).get(f"/packets/{packet.pk}/file/").status_code == 404
    assert FieldPacket.objects.count() == 1


def test_a_packet_is_not_downloadable_once_its_reader_lost_a_plan_it_holds(county):
    officer = client_for(county.partner_view_member)
    packet = _request(officer, county.school.pk)
    built(packet)
    plan_unshare(plan=county.plan, agency=county.police, actor=county.owner_admin)
    assert officer.get(f"/api/v1/packets/{packet.pk}/file/").status_code == 404
    assert officer.get(f"/api/v1/packets/{packet.pk}/").json()["file_url"] is None


def test_the_web_page_makes_the_packet_shows_its_progress_then_offers_the_download(county):
    furnish(county)
    browser = web_client(county.partner_view_member)
    building = browser.get(reverse("agencies:facility-detail", kwargs={"facility_id": county.school.pk}))
    assert b"Field packet (PDF)" in building.content
    response = browser.post(f"/facilities/{county.school.pk}/packet/")
    packet = FieldPacket.objects.get()
    assert response["Location"] == f"/packets/{packet.pk}/"
    waiting = browser.get(response["Location"]).content.decode()
    assert 'hx-trigger="load delay:2s"' in waiting  # polls while a worker makes it
    assert "Download the field packet" not in waiting
    built(packet)
    ready = browser.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in ready
    assert f'href="/packets/{packet.pk}/file/"' in ready
    download = browser.get(f"/packets/{packet.pk}/file/")
    assert download.status_code == 200
    assert "field-packet-maple-valley-high-" in download["Content-Disposition"]
    assert "Maple Valley High crisis plan" in " ".join(packet_text(downloaded(download)))


def test_the_building_page_offers_no_packet_to_another_agency(county):
    page = web_client(county.unrelated_admin).get(f"/facilities/{county.school.pk}/")
    assert page.status_code == 200  # the building directory is shared
    assert b"Field packet (PDF)" not in page.content
    assert web_client(county.unrelated_admin).get(f"/facilities/{county.school.pk}/packet/").status_code == 404
    assert web_client(county.unrelated_admin).post(f"/facilities/{county.school.pk}/packet/").status_code == 404
    assert not FieldPacket.objects.exists()


def test_a_reader_who_passed_a_second_factor_gets_the_sensitive_plan_and_must_pass_it_again_to_download(county):
    Plan.objects.filter(pk=county.plan.pk).update(classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    Agency.objects.filter(pk=county.district.pk).update(les_read_requires_mfa=True)
    enrol_app(county.partner_view_member)
    _token, plaintext = api_token_create(user=county.partner_view_member, name="cad", second_factor=True)
    confirmed = APIClient()
    confirmed.credentials(HTTP_AUTHORIZATION=f"Token {plaintext}")
    packet = _request(confirmed, county.school.pk)
    built(packet)
    assert packet.second_factor is True
    assert packet.plan_versions == [[county.plan.pk, county.plan.current_version_id]]
    # The same person without a second factor may not take the sensitive content away.
    refused = client_for(county.partner_view_member).get(f"/api/v1/packets/{packet.pk}/file/")
    assert refused.status_code == 403
    assert refused.json()["code"] == "mfa_required"
    assert not AuditEvent.objects.filter(action__in=[AuditAction.PLAN_READ, AuditAction.PLAN_EXPORT]).exists()
    text = " ".join(packet_text(_download(confirmed, packet)))
    assert "Lockdown: lock doors, lights off." in text
    assert "Not in this packet" not in text
    assert AuditEvent.objects.filter(action=AuditAction.PLAN_READ, details__what="packet").count() == 1

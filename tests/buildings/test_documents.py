"""Building documents as their users notice them: what may be uploaded, versions, alerts, partners' annotations,
law-enforcement-sensitive documents, and how the building page and the file show them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import api_token_create
from agencies.models import Agency, Role
from audit.models import AuditAction, AuditEvent
from buildings.models import BuildingDocument
from buildings.services import building_document_replace
from notifications.models import EventType, Notification, OutboxEvent
from notifications.services import outbox_event_fan_out
from plans.models import Classification, ShareLevel
from plans.services import plan_share
from tests.agencies.factories import member
from tests.buildings.helpers import PDF, add_document, downloaded, files_url, pdf, png, png_bytes
from tests.conftest import client_for, web_client
from tests.mfa import enrol_app
from tests.plans.factories import make_plan, publish


def file_url(document: BuildingDocument, number: int = 1) -> str:
    return reverse(
        "buildings:document-file",
        kwargs={"facility_id": document.facility_id, "document_id": document.pk, "number": number},
    )


def fan_out_all() -> None:
    for event_id in OutboxEvent.objects.filter(dispatched_at__isnull=True).values_list("pk", flat=True):
        outbox_event_fan_out(event_id=event_id)


# --- What may be uploaded -------------------------------------------------------------------------------------


def test_a_png_renamed_pdf_is_refused_with_400(county):
    response = client_for(county.owner_planner).post(
        files_url(county.school.pk),
        {"kind": "floor_plan", "title": "Floor plan", "file": png("floor-plan.pdf")},
        format="multipart",
    )
    assert response.status_code == 400
    assert "rename it to end in .png" in str(response.json())
    assert not BuildingDocument.objects.exists()


def test_the_web_form_says_why_a_renamed_file_is_refused(county):
    url = reverse("buildings:document-add", kwargs={"facility_id": county.school.pk})
    response = web_client(county.owner_planner).post(
        url, {"kind": "floor_plan", "title": "Floor plan", "classification": "partner", "file": png("plan.pdf")}
    )
    assert response.status_code == 400
    assert "rename it to end in .png" in response.content.decode()
    assert not BuildingDocument.objects.exists()


def test_a_text_file_is_refused_with_400(county):
    response = client_for(county.owner_planner).post(
        files_url(county.school.pk),
        {"kind": "other", "title": "Notes", "file": __import__("io").BytesIO(b"just text")},
        format="multipart",
    )
    assert response.status_code == 400
    assert not BuildingDocument.objects.exists()


def test_a_file_over_the_size_limit_is_refused_with_413(county, settings):
    settings.ATTACHMENT_MAX_BYTES = 40
    response = client_for(county.owner_planner).post(
        files_url(county.school.pk),
        {"kind": "site_map", "title": "Site map", "file": png()},
        format="multipart",
    )
    assert response.status_code == 413
    assert not BuildingDocument.objects.exists()


def test_bad_fields_are_400_with_field_messages(county):
    response = client_for(county.owner_planner).post(
        files_url(county.school.pk),
        {"kind": "blueprint", "title": "", "classification": "secret", "file": png()},
        format="multipart",
    )
    assert response.status_code == 400
    assert {"kind", "title", "classification"} <= set(response.json())


# --- Versions, audit and alerts -------------------------------------------------------------------------------


def test_replacing_a_site_map_adds_a_version_and_keeps_the_earlier_file(county):
    document = add_document(county)
    client = client_for(county.partner_view_member)
    response = client_for(county.owner_admin).post(
        files_url(county.school.pk, f"{document.pk}/versions/"),
        {"file": pdf("site-map.pdf"), "change_note": "Gate C moved to the east fence"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    detail = client.get(files_url(county.school.pk, f"{document.pk}/")).json()
    assert detail["current_version"]["number"] == 2
    assert detail["current_version"]["content_type"] == "application/pdf"
    assert [(v["number"], v["change_note"]) for v in detail["versions"]] == [
        (2, "Gate C moved to the east fence"),
        (1, "First edition"),
    ]
    old = client.get(files_url(county.school.pk, f"{document.pk}/versions/1/download/"))
    assert downloaded(old) == png_bytes()
    new = client.get(files_url(county.school.pk, f"{document.pk}/versions/2/download/"))
    assert downloaded(new) == PDF
    actions = AuditEvent.objects.filter(object_type="buildings.buildingdocument").values_list("action", flat=True)
    assert sorted(actions) == [AuditAction.BUILDING_DOCUMENT_ADD, AuditAction.BUILDING_DOCUMENT_REPLACE]
    replaced = AuditEvent.objects.get(action=AuditAction.BUILDING_DOCUMENT_REPLACE)
    assert replaced.actor == county.owner_admin
    assert replaced.details["version"] == 2
    assert len(replaced.details["sha256"]) == 64


def test_each_change_is_alerted_once_to_the_agencies_that_see_the_building_with_what_changed(county):
    document = add_document(county)
    building_document_replace(
        document=document,
        actor=county.owner_admin,
        upload=png("v2.png", "black"),
        max_bytes=10_000,
        change_note="Gate C moved",
    )
    events = OutboxEvent.objects.filter(event_type=EventType.BUILDING_DOCUMENT_CHANGED).order_by("pk")
    assert [(e.payload["previous_version"], e.payload["version"]) for e in events] == [(None, 1), (1, 2)]
    fan_out_all()
    fan_out_all()  # a second run adds nothing
    alerts = Notification.objects.filter(event_type=EventType.BUILDING_DOCUMENT_CHANGED)
    titles = alerts.filter(user=county.partner_view_member).values_list("title", flat=True)
    assert list(titles.order_by("pk")) == [
        "Maple Valley High: Site map added (First edition)",
        "Maple Valley High: Site map version 1 → 2 (Gate C moved)",
    ]
    assert alerts.filter(user=county.partner_comment_liaison).count() == 2
    assert not alerts.filter(user=county.unrelated_admin).exists()
    # The one who made the change is not told about it.
    assert not Notification.objects.filter(user=county.owner_admin, event__in=events[1:]).exists()


# --- Partners' annotations ------------------------------------------------------------------------------------


@pytest.fixture
def police_admin(county):
    return member(county.police, Role.ADMIN, username="police_admin")


def test_a_partner_that_sees_the_buildings_plans_adds_its_own_annotated_map(county, police_admin):
    response = client_for(police_admin).post(
        files_url(county.school.pk),
        {"kind": "evacuation_routes", "title": "Perimeter and staging (police)", "file": png()},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["owner_agency"] == county.police.pk
    annotation = BuildingDocument.objects.get(title="Perimeter and staging (police)")
    # The school district and the fire department see it; the partner replaces it, the district may not.
    for reader in (county.owner_member, county.partner_comment_liaison):
        assert client_for(reader).get(files_url(county.school.pk, f"{annotation.pk}/")).status_code == 200
    replace = files_url(county.school.pk, f"{annotation.pk}/versions/")
    body = {"file": png("v2.png", "black"), "change_note": "Staging moved"}
    assert client_for(county.owner_admin).post(replace, body, format="multipart").status_code == 403
    body = {"file": png("v2.png", "black"), "change_note": "Staging moved"}
    assert client_for(police_admin).post(replace, body, format="multipart").status_code == 201


def test_a_partner_never_replaces_the_owners_documents(county, police_admin):
    document = add_document(county)
    response = client_for(police_admin).post(
        files_url(county.school.pk, f"{document.pk}/versions/"),
        {"file": png("mine.png", "black"), "change_note": "Ours now"},
        format="multipart",
    )
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.current_version.number == 1


def test_a_partner_whose_share_was_revoked_can_no_longer_add_annotations(county, police_admin):
    from plans.services import plan_unshare

    plan_unshare(plan=county.plan, agency=county.police, actor=county.owner_admin)
    response = client_for(police_admin).post(
        files_url(county.school.pk),
        {"kind": "site_map", "title": "Ours", "file": png()},
        format="multipart",
    )
    assert response.status_code == 403


# --- Law-enforcement-sensitive documents ----------------------------------------------------------------------


@pytest.fixture
def sensitive_map(county) -> BuildingDocument:
    return add_document(
        county, title="Door numbering", kind="door_numbering", classification=Classification.LAW_ENFORCEMENT_SENSITIVE
    )


def share_sensitive_plan(county) -> None:
    plan = make_plan(
        owner=county.district,
        actor=county.owner_admin,
        title="Active threat annex",
        classification=Classification.LAW_ENFORCEMENT_SENSITIVE,
        facilities=[county.school],
    )
    publish(plan, county.owner_admin, "Entry points by door number.")
    plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=county.owner_admin)


def test_a_sensitive_document_is_hidden_from_partners_that_read_no_sensitive_plan_of_the_building(
    county, sensitive_map
):
    for reader in (county.partner_view_member, county.partner_comment_liaison, county.unrelated_admin):
        client = client_for(reader)
        assert client.get(files_url(county.school.pk)).json()["results"] == []
        assert client.get(files_url(county.school.pk, f"{sensitive_map.pk}/")).status_code == 404
        assert web_client(reader).get(file_url(sensitive_map)).status_code == 404
    page = web_client(county.partner_view_member).get(
        reverse("agencies:facility-detail", kwargs={"facility_id": county.school.pk})
    )
    assert "Door numbering" not in page.content.decode()


def test_a_sensitive_documents_readers_are_those_of_the_buildings_sensitive_plans_and_each_read_is_audited(
    county, sensitive_map
):
    share_sensitive_plan(county)
    police = web_client(county.partner_view_member)
    response = police.get(file_url(sensitive_map))
    assert response.status_code == 200
    downloaded(response)
    reads = AuditEvent.objects.filter(action=AuditAction.BUILDING_DOCUMENT_READ)
    assert reads.count() == 1
    assert reads.get().actor == county.partner_view_member
    # Fire reads the district's partner plan but no sensitive one of the building.
    assert web_client(county.partner_comment_liaison).get(file_url(sensitive_map)).status_code == 404
    # Reads of other documents leave no row.
    downloaded(police.get(file_url(add_document(county, title="Site map"))))
    assert reads.count() == 1


def test_a_sensitive_document_needs_the_second_factor_its_agency_requires(county, sensitive_map):
    Agency.objects.filter(pk=county.district.pk).update(les_read_requires_mfa=True)
    url = files_url(county.school.pk, f"{sensitive_map.pk}/versions/1/download/")
    _token, plaintext = api_token_create(user=county.owner_member, name="cad", second_factor=False)
    without = APIClient()
    without.credentials(HTTP_AUTHORIZATION=f"Token {plaintext}")
    response = without.get(url)
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"
    assert not AuditEvent.objects.filter(action=AuditAction.BUILDING_DOCUMENT_READ).exists()
    enrol_app(county.owner_member)
    _token, plaintext = api_token_create(user=county.owner_member, name="cad2", second_factor=True)
    with_factor = APIClient()
    with_factor.credentials(HTTP_AUTHORIZATION=f"Token {plaintext}")
    assert downloaded(with_factor.get(url)) == png_bytes()
    assert AuditEvent.objects.filter(action=AuditAction.BUILDING_DOCUMENT_READ).count() == 1
    # The building page shows the title and says how to open it, without the image.
    page = (
        web_client(county.owner_member)
        .get(reverse("agencies:facility-detail", kwargs={"facility_id": county.school.pk}))
        .content.decode()
    )
    assert "Door numbering" in page
    assert "requires multi-factor sign-in" in page
    assert file_url(sensitive_map) not in page


def test_an_alert_about_a_sensitive_document_leaves_out_the_change_note(county, sensitive_map):
    building_document_replace(
        document=sensitive_map,
        actor=county.owner_admin,
        upload=png("v2.png"),
        max_bytes=10_000,
        change_note="Door 14 is now the entry",
    )
    share_sensitive_plan(county)
    fan_out_all()
    alerts = Notification.objects.filter(event_type=EventType.BUILDING_DOCUMENT_CHANGED, user=county.owner_member)
    titles = list(alerts.values_list("title", flat=True))
    assert "Maple Valley High: Door numbering version 1 → 2" in titles
    assert not any("Door 14" in title for title in titles)


# --- How the file and the building page show it ---------------------------------------------------------------


def test_a_pdf_opens_in_the_browsers_viewer_and_is_never_sniffed(county):
    document = add_document(county, title="Floor plan", kind="floor_plan", upload=pdf("Floor plan.pdf"))
    response = web_client(county.partner_view_member).get(file_url(document))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert "Floor plan.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'none'" in response["Content-Security-Policy"]
    assert downloaded(response) == PDF


def test_the_building_page_shows_images_inline_linked_to_the_full_image_and_pdfs_as_links(county):
    image = add_document(county, title="Site map")
    floor = add_document(county, title="Floor plan", kind="floor_plan", upload=pdf())
    html = (
        web_client(county.partner_view_member)
        .get(reverse("agencies:facility-detail", kwargs={"facility_id": county.school.pk}))
        .content.decode()
    )
    assert f'<a class="document__image" href="{file_url(image)}"><img src="{file_url(image)}"' in html
    assert f'href="{file_url(floor)}">Open the PDF' in html
    assert "buildings/buildings.css" in html
    # A reader who may not add documents is not offered the form.
    assert "Add a map or floor plan" not in html
    owner = (
        web_client(county.owner_planner)
        .get(reverse("agencies:facility-detail", kwargs={"facility_id": county.school.pk}))
        .content.decode()
    )
    assert "Add a map or floor plan" in owner


def test_the_document_list_costs_the_same_queries_for_few_and_many(county):
    client = client_for(county.partner_view_member)
    for n in range(2):
        add_document(county, title=f"Map {n}")
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(files_url(county.school.pk)).json()["results"]) == 2
    for n in range(2, 12):
        add_document(county, title=f"Map {n}")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(files_url(county.school.pk)).json()["results"]) == 12
    assert len(many) == len(few)


def test_the_building_page_costs_the_same_queries_for_few_and_many_documents(county):
    client = web_client(county.partner_view_member)
    url = reverse("agencies:facility-detail", kwargs={"facility_id": county.school.pk})
    add_document(county, title="Map 0")
    # The header's counts are cached per person and recounted after a change (tests/reading/test_header_counts.py):
    # a first request fills them, so the requests compared here all find them cached.
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(1, 8):
        add_document(county, title=f"Map {n}")
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)

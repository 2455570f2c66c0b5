"""Every write to a plan records who did it, from where: drafts started and edited, files attached and removed,
acknowledgements (personal and for an agency), metadata changes — on the web pages and in the API alike."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from access.actors import SYSTEM
from agencies.models import Role
from agencies.services import membership_add
from audit.models import AuditAction, AuditEvent
from plans import services
from plans.models import PlanKind, PlanVersion
from tests.agencies.factories import member
from tests.conftest import client_for, web_client
from tests.plans.factories import sections

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ADDRESS = "10.9.8.7"


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("site-map.pdf", PDF, content_type="application/pdf")


def events(action: AuditAction) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def api_url(plan, tail: str = "") -> str:
    return f"/api/v1/plans/{plan.pk}/{tail}"


def test_starting_a_draft_is_audited_on_the_web_and_in_the_api(county):
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)  # no open draft left
    web = web_client(county.owner_planner, REMOTE_ADDR=ADDRESS)
    assert web.post(f"/plans/{county.plan.pk}/drafts/new/").status_code == 302
    api = client_for(county.owner_admin)
    response = api.post(api_url(county.plan, "versions/"), {"change_summary": "Other"}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 201
    rows = events(AuditAction.DRAFT_START)[-2:]
    assert [(e.actor, e.ip_address, e.agency_id) for e in rows] == [
        (county.owner_planner, ADDRESS, county.district.pk),
        (county.owner_admin, ADDRESS, county.district.pk),
    ]
    assert [e.details["number"] for e in rows] == [3, 4]
    assert {e.details["plan"] for e in rows} == {county.plan.pk}


def test_reusing_an_open_draft_writes_no_audit_row(county):
    before = len(events(AuditAction.DRAFT_START))
    assert web_client(county.owner_planner).post(f"/plans/{county.plan.pk}/drafts/new/").status_code == 302
    assert len(events(AuditAction.DRAFT_START)) == before


def test_a_new_plan_and_its_first_draft_are_both_audited(county):
    response = client_for(county.owner_planner).post(
        "/api/v1/plans/",
        {"title": "Bus routes", "kind": PlanKind.SCHOOL_EOP, "owner_agency": county.district.pk},
        format="json",
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 201
    created = events(AuditAction.PLAN_CREATE)[-1]
    assert (created.actor, created.ip_address, created.object_id) == (
        county.owner_planner,
        ADDRESS,
        str(response.json()["id"]),
    )
    result = services.plan_create_once(
        actor=county.owner_planner,
        creation_key=None,
        title="Reunification",
        kind=PlanKind.REUNIFICATION,
        owner_agency=county.district,
        facilities=[],
        first_draft=sections("Meet at the church."),
    )
    started = events(AuditAction.DRAFT_START)[-1]
    assert (started.actor, started.object_id) == (county.owner_planner, str(result.draft.pk))


def test_editing_a_draft_is_audited_with_what_was_edited(county):
    api = client_for(county.owner_planner)
    body = {"change_summary": "Stadium route", "sections": sections("Evacuate to the stadium.")}
    response = api.patch(api_url(county.plan, "versions/2/"), body, format="json", REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200
    api.patch(api_url(county.plan, "versions/2/"), {"change_summary": "Only the summary"}, format="json")
    rows = events(AuditAction.DRAFT_EDIT)
    assert [(e.actor, e.object_id, e.details["edited"]) for e in rows] == [
        (county.owner_planner, str(county.draft.pk), ["change_summary", "sections"]),
        (county.owner_planner, str(county.draft.pk), ["change_summary"]),
    ]
    assert rows[0].ip_address == ADDRESS


def test_attaching_and_removing_a_file_are_audited(county):
    api = client_for(county.owner_planner)
    url = api_url(county.plan, "versions/2/attachments/")
    response = api.post(url, {"file": pdf()}, format="multipart", REMOTE_ADDR=ADDRESS)
    assert response.status_code == 201
    attachment_id = response.json()["id"]
    assert api.delete(f"{url}{attachment_id}/", REMOTE_ADDR=ADDRESS).status_code == 204
    added, removed = events(AuditAction.ATTACHMENT_ADD), events(AuditAction.ATTACHMENT_REMOVE)
    assert [(e.actor, e.object_id, e.ip_address) for e in added + removed] == [
        (county.owner_planner, str(attachment_id), ADDRESS),
        (county.owner_planner, str(attachment_id), ADDRESS),
    ]
    assert removed[0].details["filename"] == "site-map.pdf"
    assert removed[0].details["number"] == 2


def test_attaching_and_removing_a_file_on_the_web_is_audited(county):
    client = web_client(county.owner_planner, REMOTE_ADDR=ADDRESS)
    upload = client.post(f"/plans/{county.plan.pk}/versions/2/attachments/upload/", {"file": pdf()})
    assert upload.status_code == 302
    added = events(AuditAction.ATTACHMENT_ADD)
    assert [(e.actor, e.ip_address) for e in added] == [(county.owner_planner, ADDRESS)]
    removal = client.post(f"/plans/{county.plan.pk}/versions/2/attachments/{added[0].object_id}/remove/")
    assert removal.status_code == 302
    assert [e.object_id for e in events(AuditAction.ATTACHMENT_REMOVE)] == [added[0].object_id]


def test_a_personal_acknowledgement_is_audited_once(county):
    api = client_for(county.partner_view_member)
    url = api_url(county.plan, "versions/1/acknowledge/")
    assert api.post(url, {}, format="json", REMOTE_ADDR=ADDRESS).status_code == 200
    assert api.post(url, {}, format="json").status_code == 200  # already acknowledged: nothing new recorded
    rows = events(AuditAction.VERSION_ACKNOWLEDGE)
    assert [(e.actor, e.ip_address, e.object_id, e.agency_id) for e in rows] == [
        (county.partner_view_member, ADDRESS, str(county.published.pk), county.district.pk)
    ]
    assert not events(AuditAction.VERSION_ACKNOWLEDGE_AGENCY)


def test_an_acknowledgement_for_an_agency_is_audited_with_the_agency(county):
    response = web_client(county.partner_view_liaison, REMOTE_ADDR=ADDRESS).post(
        f"/plans/{county.plan.pk}/acknowledge/", {"version": 1}
    )
    assert response.status_code == 302
    personal, for_agency = events(AuditAction.VERSION_ACKNOWLEDGE), events(AuditAction.VERSION_ACKNOWLEDGE_AGENCY)
    assert [(e.actor, e.ip_address) for e in personal] == [(county.partner_view_liaison, ADDRESS)]
    assert [(e.actor, e.details["for_agency"]) for e in for_agency] == [(county.partner_view_liaison, county.police.pk)]


def test_someone_speaking_for_two_agencies_records_one_row_per_agency(county):
    both = member(county.police, Role.ADMIN, username="double_hat")
    membership_add(agency=county.fire, user=both, role=Role.LIAISON, actor=SYSTEM)
    services.plan_version_acknowledge(version=county.published, actor=both)
    rows = events(AuditAction.VERSION_ACKNOWLEDGE_AGENCY)
    assert sorted(e.details["for_agency"] for e in rows) == sorted([county.police.pk, county.fire.pk])
    assert len(events(AuditAction.VERSION_ACKNOWLEDGE)) == 1


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"title": "Renamed plan"}, ["title"]),
        ({"review_interval_days": 180, "hazards": ["flood"]}, ["hazards", "review_interval_days"]),
    ],
)
def test_changing_a_plans_details_is_audited_with_the_fields(county, changes, fields):
    response = client_for(county.owner_planner).patch(api_url(county.plan), changes, format="json", REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200
    rows = events(AuditAction.PLAN_UPDATE)
    assert [(e.actor, e.ip_address, e.object_id, sorted(e.details["fields"])) for e in rows] == [
        (county.owner_planner, ADDRESS, str(county.plan.pk), fields)
    ]


def test_saving_unchanged_details_and_a_classification_alone_add_no_update_row(county):
    services.plan_update(plan=county.plan, actor=county.owner_admin, title=county.plan.title)
    services.plan_update(plan=county.plan, actor=county.owner_admin, classification="law_enforcement_sensitive")
    assert not events(AuditAction.PLAN_UPDATE)
    assert len(events(AuditAction.PLAN_RECLASSIFY)) == 1


def test_new_buildings_are_an_audited_change(county):
    services.plan_update(plan=county.plan, actor=county.owner_admin, facilities=[])
    assert [e.details["fields"] for e in events(AuditAction.PLAN_UPDATE)] == [["facilities"]]


def test_a_draft_edited_in_the_admin_is_audited_as_the_operator(county):
    version = PlanVersion.objects.get(pk=county.draft.pk)
    services.plan_version_update_draft(version=version, actor=county.staff, change_summary="Typo fixed")
    assert [(e.actor, e.details["edited"]) for e in events(AuditAction.DRAFT_EDIT)] == [
        (county.staff, ["change_summary"])
    ]

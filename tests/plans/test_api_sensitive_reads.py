"""The API records reads of law-enforcement-sensitive content in one place (access.http.ContentReadsAudited):
every successful response that carries the plan's content — reads, and the answers to changes, which return
the plan or version too — leaves exactly one audit row; a refusal or a 404 leaves none."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditAction, AuditEvent
from plans import services
from plans.models import Classification, Plan
from tests.conftest import client_for
from tests.plans.factories import sections

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
LES = Classification.LAW_ENFORCEMENT_SENSITIVE


@pytest.fixture
def sensitive(county):
    Plan.objects.filter(pk=county.plan.pk).update(classification=LES)
    county.plan.refresh_from_db()
    return county


def reads(**filters) -> list[tuple[str, str, str]]:
    """(actor, what, object type) of every sensitive-read row, oldest first."""
    rows = AuditEvent.objects.filter(action__in=[AuditAction.PLAN_READ, AuditAction.ATTACHMENT_DOWNLOAD], **filters)
    return [(e.actor_username, e.details["what"], e.object_type) for e in rows.order_by("id")]


def url(plan, tail: str = "") -> str:
    return f"/api/v1/plans/{plan.pk}/{tail}"


def test_changing_a_sensitive_plan_through_the_api_records_the_read_of_its_answer(sensitive):
    response = client_for(sensitive.owner_planner).patch(url(sensitive.plan), {"title": "Renamed"}, format="json")
    assert response.status_code == 200
    assert response.json()["title"] == "Renamed"
    assert reads() == [("district_planner", "plan", "plans.plan")]


def test_publishing_a_sensitive_draft_through_the_api_records_the_read_of_its_answer(sensitive):
    response = client_for(sensitive.owner_admin).post(url(sensitive.plan, "versions/2/publish/"))
    assert response.status_code == 200
    assert response.json()["sections"]  # the published content is in the answer
    assert reads() == [("district_admin", "version", "plans.planversion")]


def test_withdrawing_editing_and_starting_drafts_of_a_sensitive_plan_record_their_answers(sensitive):
    admin = client_for(sensitive.owner_admin)
    assert admin.patch(url(sensitive.plan, "versions/2/"), {"change_summary": "x"}, format="json").status_code == 200
    assert admin.post(url(sensitive.plan, "versions/1/withdraw/")).status_code == 200
    assert admin.post(url(sensitive.plan, "versions/"), {"sections": sections("New.")}, format="json").status_code in (
        200,
        201,
    )
    assert [what for _, what, _ in reads()] == ["version", "version", "version"]


def test_refusals_and_404s_record_no_read(sensitive):
    planner = client_for(sensitive.owner_planner)
    assert planner.post(url(sensitive.plan, "versions/2/publish/")).status_code == 403
    member = client_for(sensitive.owner_member)
    assert member.patch(url(sensitive.plan), {"title": "x"}, format="json").status_code == 403
    outsider = client_for(sensitive.unrelated_admin)
    assert outsider.get(url(sensitive.plan)).status_code == 404
    assert outsider.patch(url(sensitive.plan), {"title": "x"}, format="json").status_code == 404
    assert outsider.get(url(sensitive.plan, "versions/1/")).status_code == 404
    partner = client_for(sensitive.partner_view_member)
    assert partner.get(url(sensitive.plan, "versions/2/")).status_code == 404  # a draft
    assert partner.get(url(sensitive.plan, "versions/9/diff/")).status_code == 404
    assert reads() == []


def test_a_conflict_records_no_read(sensitive):
    response = client_for(sensitive.owner_admin).post(url(sensitive.plan, "versions/1/publish/"))
    assert response.status_code == 409
    assert reads() == []


@pytest.mark.parametrize(
    ("tail", "what"),
    [
        ("", "plan"),
        ("versions/", "versions"),
        ("versions/1/", "version"),
        ("versions/1/diff/", "diff"),
        ("versions/1/attachments/", "attachments"),
    ],
)
def test_each_read_of_a_sensitive_plan_records_exactly_one_row(sensitive, tail, what):
    response = client_for(sensitive.partner_view_member).get(url(sensitive.plan, tail), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert [w for _, w, _ in reads()] == [what]
    assert set(AuditEvent.objects.filter(action=AuditAction.PLAN_READ).values_list("ip_address", flat=True)) == {
        "10.1.2.3"
    }


def test_uploading_and_downloading_a_file_of_a_sensitive_plan_are_each_recorded_once(sensitive):
    planner = client_for(sensitive.owner_planner)
    upload = SimpleUploadedFile("map.pdf", PDF, content_type="application/pdf")
    created = planner.post(url(sensitive.plan, "versions/2/attachments/"), {"file": upload}, format="multipart")
    assert created.status_code == 201
    download = planner.get(url(sensitive.plan, f"versions/2/attachments/{created.json()['id']}/download/"))
    assert download.status_code == 200
    b"".join(download.streaming_content)
    assert [(what, kind) for _, what, kind in reads()] == [
        ("attachments", "plans.attachment"),
        ("download", "plans.attachment"),
    ]


def test_answers_that_carry_no_content_record_no_read(sensitive):
    liaison = client_for(sensitive.partner_view_liaison)
    assert liaison.post(url(sensitive.plan, "versions/1/acknowledge/"), {}, format="json").status_code == 200
    admin = client_for(sensitive.owner_admin)
    assert admin.get(url(sensitive.plan, "shares/")).status_code == 200
    assert admin.get(url(sensitive.plan, "acknowledgements/")).status_code == 200
    assert admin.delete(url(sensitive.plan, f"shares/{sensitive.police.pk}/")).status_code == 204
    assert reads() == []


def test_reads_of_plans_that_are_not_sensitive_record_nothing(county):
    client = client_for(county.owner_admin)
    assert client.get(url(county.plan)).status_code == 200
    assert client.patch(url(county.plan), {"title": "Renamed"}, format="json").status_code == 200
    assert client.post(url(county.plan, "versions/2/publish/")).status_code == 200
    assert reads() == []


def test_a_plan_raised_to_sensitive_by_its_change_records_the_answer(county):
    response = client_for(county.owner_admin).patch(url(county.plan), {"classification": LES}, format="json")
    assert response.status_code == 200
    assert reads() == [("district_admin", "plan", "plans.plan")]


def test_the_service_layer_alone_records_no_read(sensitive):
    """Reads are the API's and the pages' business: a service call (a script, the admin) is no read."""
    services.plan_version_publish(version=sensitive.draft, actor=sensitive.owner_admin)
    assert reads() == []

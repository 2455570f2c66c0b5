"""Issue 13, item 12: the Word import in the API (multipart), the same services as the web pages, every actor."""

from uuid import uuid4

import pytest
import yaml

from audit.models import AuditAction, AuditEvent
from plans.models import Plan, VersionState
from tests.conftest import client_for
from tests.permission_matrix import client_as, covers, matrix
from tests.plans.docx_files import docx_upload, eop_document
from tests.plans.test_permission_matrix import world

IMPORTED_TITLES = ["Introduction", "Basic plan", "Evacuation", "Reunification"]


def new_plan_body(county, **changes) -> dict:
    return {"file": docx_upload(eop_document()), "owner_agency": county.district.pk, "kind": "school_eop", **changes}


@covers("plan-import")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=201,
        owner_planner=201,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=403,  # may create plans for the sheriff's office, not for the district
        staff=403,
    ),
)
def test_who_may_import_a_new_plan_through_the_api(county, actor, expected):
    before = world()
    response = client_as(county, actor).post("/api/v1/plans/import/", new_plan_body(county), format="multipart")
    assert response.status_code == expected, response.content
    if expected == 201:
        plan = Plan.objects.get(pk=response.json()["plan"])
        assert plan.owner_agency == county.district
        assert [s.title for s in plan.versions.get(number=1).sections.order_by("position")] == IMPORTED_TITLES
    else:
        assert world() == before


@covers("plan-draft-import")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=201,
        owner_planner=201,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_who_may_import_a_new_draft_through_the_api(county, actor, expected):
    before = world()
    response = client_as(county, actor).post(
        f"/api/v1/plans/{county.plan.pk}/import/", {"file": docx_upload(eop_document())}, format="multipart"
    )
    assert response.status_code == expected, response.content
    if expected == 201:
        assert response.json()["version"] == 3
        assert county.plan.versions.get(number=3).state == VersionState.DRAFT
    else:
        assert world() == before


def test_the_answer_says_what_was_imported_and_what_to_check(county):
    response = client_for(county.owner_planner).post(
        f"/api/v1/plans/{county.plan.pk}/import/",
        {"file": docx_upload(eop_document(), "EOP 2025.docx")},
        format="multipart",
    )
    assert response.status_code == 201
    assert response.json() == {
        "plan": county.plan.pk,
        "version": 3,
        "created": True,
        "filename": "EOP 2025.docx",
        "sections": 4,
        "tables": 1,
        "images": 1,
        "warnings": [],
        "other_open_drafts": [2],
    }
    assert AuditEvent.objects.filter(action=AuditAction.PLAN_IMPORT, actor=county.owner_planner).count() == 1


def test_the_same_import_with_its_idempotency_key_returns_the_plan_it_made(county):
    client, key = client_for(county.owner_admin), str(uuid4())
    first = client.post("/api/v1/plans/import/", new_plan_body(county), format="multipart", HTTP_IDEMPOTENCY_KEY=key)
    again = client.post("/api/v1/plans/import/", new_plan_body(county), format="multipart", HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["plan"] == first.json()["plan"]
    assert again.json()["created"] is False
    assert AuditEvent.objects.filter(action=AuditAction.PLAN_IMPORT).count() == 1


def test_a_file_that_is_not_a_word_document_is_a_400_on_file(county):
    client = client_for(county.owner_admin)
    not_word = new_plan_body(county, file=docx_upload(b"%PDF-1.7\n%%EOF\n", "plan.docx"))
    response = client.post("/api/v1/plans/import/", not_word, format="multipart")
    assert response.status_code == 400
    assert response.json()["file"][0].startswith("This file is not a Word document (.docx).")
    missing = client.post(f"/api/v1/plans/{county.plan.pk}/import/", {}, format="multipart")
    assert missing.status_code == 400
    assert "file" in missing.json()
    as_json = client.post(f"/api/v1/plans/{county.plan.pk}/import/", {"file": "x"}, format="json")
    assert as_json.status_code == 415


def test_an_upload_over_the_limit_is_a_413_before_it_is_read(county, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    response = client_for(county.owner_admin).post(
        f"/api/v1/plans/{county.plan.pk}/import/", {"file": docx_upload(eop_document())}, format="multipart"
    )
    assert response.status_code == 413
    assert "detail" in response.json()
    assert county.plan.versions.count() == 2


def test_the_schema_documents_both_imports_as_multipart_with_their_answer(client, db):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    for path in ("/api/v1/plans/import/", "/api/v1/plans/{plan_id}/import/"):
        operation = schema["paths"][path]["post"]
        assert set(operation["requestBody"]["content"]) == {"multipart/form-data"}
        body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
        assert schema["components"]["schemas"][body]["properties"]["file"]["format"] == "binary"
        assert operation["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/ImportResult")
        assert {"400", "401", "403", "413", "415", "429"} <= set(operation["responses"])
    assert set(schema["paths"]["/api/v1/plans/import/"]) == {"post"}

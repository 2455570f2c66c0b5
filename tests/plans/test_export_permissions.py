"""Issue 13, item 13: exports are permission-checked and audited like reads. Every actor x web and API x PDF and
Word: whoever may not see the plan (or the draft) gets the 404 of a missing version and nothing is recorded; a
copy of a law-enforcement-sensitive plan is recorded as a read, and every copy as `plan.export`."""

import hashlib
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from plans import services
from plans.models import Classification, Plan
from tests.conftest import client_for, web_client
from tests.permission_matrix import PARTNERS, client_as, covers, matrix, user_of
from tests.plans.export_helpers import pdf_pages, read_docx
from tests.plans.factories import sections
from tests.plans.test_permission_matrix import DRAFT_READ, PARTNER_PLAN_READ, world

FORMATS = ("pdf", "docx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# The web pages send the anonymous to sign in; the API answers 401. Otherwise the same rules.
WEB_READ = matrix(
    anonymous=302,
    owner_admin=200,
    owner_planner=200,
    owner_liaison=200,
    owner_member=200,
    partner_view_liaison=200,
    partner_view_member=200,
    partner_comment_liaison=200,
    unrelated_admin=404,
    staff=404,
)
WEB_DRAFT_READ = matrix(
    anonymous=302,
    owner_admin=200,
    owner_planner=200,
    owner_liaison=200,
    owner_member=404,
    partner_view_liaison=404,
    partner_view_member=404,
    partner_comment_liaison=404,
    unrelated_admin=404,
    staff=404,
)


def web_url(version, fmt: str) -> str:
    return f"/plans/{version.plan_id}/versions/{version.number}/export.{fmt}"


def api_url(version, fmt: str) -> str:
    return f"/api/v1/plans/{version.plan_id}/versions/{version.number}/export.{fmt}"


def assert_is_the_copy(response, fmt: str, number: int, title: str = "Maple Valley High crisis plan") -> None:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    slug = title.lower().replace(" ", "-")
    assert response["Content-Disposition"] == f'attachment; filename="{slug}-v{number}.{fmt}"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    if fmt == "pdf":
        assert title in pdf_pages(response.content)[0]
    else:
        assert any(p.text == title for p in read_docx(response.content).paragraphs)


def exports_recorded() -> list[tuple]:
    return sorted(AuditEvent.objects.filter(action="plan.export").values_list("actor__username", "details__format"))


# --- who may export what ---------------------------------------------------------------------------------------


@covers("plans:version-export-pdf", "plans:version-export-docx")
@pytest.mark.parametrize(("actor", "expected"), WEB_READ)
def test_web_exports_of_a_published_version_reach_exactly_who_may_read_it(county, actor, expected):
    client = web_client(user_of(county, actor))
    before = world()
    for fmt in FORMATS:
        response = client.get(web_url(county.published, fmt))
        if expected == 200:
            assert_is_the_copy(response, fmt, 1)
        else:
            assert response.status_code == expected
            if expected == 302:
                assert response["Location"].startswith("/accounts/login/")
    if expected == 200:
        assert exports_recorded() == [
            (user_of(county, actor).username, "docx"),
            (user_of(county, actor).username, "pdf"),
        ]
    else:
        assert world() == before


@covers("version-export-pdf", "version-export-docx")
@pytest.mark.parametrize(("actor", "expected"), PARTNER_PLAN_READ)
def test_api_exports_of_a_published_version_reach_exactly_who_may_read_it(county, actor, expected):
    client = client_as(county, actor)
    before = world()
    for fmt in FORMATS:
        response = client.get(api_url(county.published, fmt))
        if expected == 200:
            assert_is_the_copy(response, fmt, 1)
        else:
            assert response.status_code == expected
            assert response["Content-Type"] == "application/json"
            assert "crisis plan" not in response.content.decode()
    if expected != 200:
        assert world() == before


@covers("plans:version-export-pdf", "plans:version-export-docx")
@pytest.mark.parametrize(("actor", "expected"), WEB_DRAFT_READ)
def test_web_exports_of_a_draft_reach_only_who_may_see_drafts(county, actor, expected):
    client = web_client(user_of(county, actor))
    before = world()
    for fmt in FORMATS:
        response = client.get(web_url(county.draft, fmt))
        if expected == 200:
            assert_is_the_copy(response, fmt, 2)
        else:
            assert response.status_code == expected
            assert b"stadium" not in response.content
    if expected != 200:
        assert world() == before


@covers("version-export-pdf", "version-export-docx")
@pytest.mark.parametrize(("actor", "expected"), DRAFT_READ)
def test_api_exports_of_a_draft_reach_only_who_may_see_drafts(county, actor, expected):
    client = client_as(county, actor)
    before = world()
    for fmt in FORMATS:
        response = client.get(api_url(county.draft, fmt))
        if expected == 200:
            assert_is_the_copy(response, fmt, 2)
            text = " ".join(pdf_pages(response.content)) if fmt == "pdf" else ""
            assert fmt == "docx" or "Evacuate to the stadium." in text
        else:
            assert response.status_code == expected
            assert b"stadium" not in response.content
    if expected != 200:
        assert world() == before


@pytest.mark.parametrize("actor", sorted(PARTNERS | {"owner_member", "unrelated_admin", "staff"}))
def test_a_hidden_plan_or_draft_answers_exactly_like_a_missing_version(county, actor):
    client = client_as(county, actor)
    missing_plan = Plan.objects.order_by("-pk").first().pk + 1000
    for fmt in FORMATS:
        missing = client.get(f"/api/v1/plans/{county.plan.pk}/versions/99/export.{fmt}")
        no_plan = client.get(f"/api/v1/plans/{missing_plan}/versions/1/export.{fmt}")
        hidden = client.get(api_url(county.draft, fmt))
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()
        assert no_plan.status_code == 404
        if actor in ("unrelated_admin", "staff"):
            plan_hidden = client.get(api_url(county.published, fmt))
            assert (plan_hidden.status_code, plan_hidden.json()) == (404, no_plan.json())


def test_the_service_itself_refuses_a_reader_who_may_not_see_the_version(county):
    from django.http import Http404

    before = world()
    for actor, version in [
        (county.partner_view_liaison, county.draft),
        (county.owner_member, county.draft),
        (county.unrelated_admin, county.published),
        (county.staff, county.published),
    ]:
        with pytest.raises(Http404):
            services.plan_version_export(version=version, actor=actor, fmt="pdf")
    assert world() == before


# --- recorded like reads -----------------------------------------------------------------------------------------


@pytest.fixture
def sensitive_plan(county):
    Plan.objects.filter(pk=county.plan.pk).update(classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    county.plan.refresh_from_db()
    return county.plan


@pytest.mark.parametrize("channel", ["web", "api"])
def test_exporting_a_sensitive_plan_records_the_read_and_the_export(county, sensitive_plan, channel):
    officer = county.partner_view_member
    client = web_client(officer) if channel == "web" else client_for(officer)
    url = (web_url if channel == "web" else api_url)(county.published, "pdf")
    response = client.get(url, REMOTE_ADDR="10.20.30.40")
    assert response.status_code == 200
    read = AuditEvent.objects.get(action="plan.read")
    assert (read.actor, read.details, read.ip_address) == (
        officer,
        {"plan": county.plan.pk, "what": "export"},
        "10.20.30.40",
    )
    assert (read.object_type, read.object_id, read.agency) == (
        "plans.planversion",
        str(county.published.pk),
        county.district,
    )
    export = AuditEvent.objects.get(action="plan.export")
    assert (export.actor, export.ip_address, export.agency) == (officer, "10.20.30.40", county.district)
    assert export.details == {
        "plan": county.plan.pk,
        "number": 1,
        "format": "pdf",
        "content_sha256": county.published.content_sha256,
        "file_sha256": hashlib.sha256(response.content).hexdigest(),
    }
    assert "Exported by police_officer (Ridgeford Police)" in " ".join(pdf_pages(response.content)[0].split())


def test_exporting_a_partner_plan_records_the_export_but_no_sensitive_read(county):
    response = client_for(county.partner_comment_liaison).get(api_url(county.published, "docx"))
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="plan.read").exists()
    assert exports_recorded() == [("fire_liaison", "docx")]


# --- HTTP details -------------------------------------------------------------------------------------------------


def test_the_api_serves_the_file_to_a_client_that_asks_for_its_type_and_refuses_in_json(county):
    client = client_for(county.partner_view_liaison)
    pdf = client.get(api_url(county.published, "pdf"), HTTP_ACCEPT="application/pdf")
    assert_is_the_copy(pdf, "pdf", 1)
    docx = client.get(api_url(county.published, "docx"), HTTP_ACCEPT=CONTENT_TYPES["docx"])
    assert_is_the_copy(docx, "docx", 1)
    refused = client.get(api_url(county.draft, "pdf"), HTTP_ACCEPT="application/pdf")
    assert (refused.status_code, refused["Content-Type"]) == (404, "application/json")
    assert refused.json() == {"detail": "No PlanVersion matches the given query."}


def test_without_pango_pdf_export_answers_503_with_the_fix_and_word_still_works(county, monkeypatch):
    # As on a machine where WeasyPrint cannot load Pango: importing it fails.
    monkeypatch.delitem(sys.modules, "plans.export.fetcher", raising=False)
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    api = client_for(county.partner_view_liaison).get(api_url(county.published, "pdf"))
    assert api.status_code == 503
    assert "Pango" in api.json()["detail"]
    page = web_client(county.partner_view_liaison).get(web_url(county.published, "pdf"))
    assert page.status_code == 503
    assert "make install" in page.content.decode()
    assert not AuditEvent.objects.filter(action="plan.export").exists()
    assert_is_the_copy(client_for(county.partner_view_liaison).get(api_url(county.published, "docx")), "docx", 1)


def test_the_version_and_plan_pages_link_to_both_downloads(county):
    client = web_client(county.partner_view_liaison)
    plan_page = client.get(f"/plans/{county.plan.pk}/").content.decode()
    version_page = client.get(f"/plans/{county.plan.pk}/versions/1/").content.decode()
    for page in (plan_page, version_page):
        assert f'href="{web_url(county.published, "pdf")}"' in page
        assert f'href="{web_url(county.published, "docx")}"' in page
    draft_page = web_client(county.owner_planner).get(f"/plans/{county.plan.pk}/versions/2/").content.decode()
    assert f'href="{web_url(county.draft, "pdf")}"' in draft_page


# --- constant queries -----------------------------------------------------------------------------------------------


def _grow(county, n_sections: int):
    """A new published version with `n_sections` sections, key facts and one attachment per five sections."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from consistency.fact_services import facility_facts_set
    from tests.plans.export_helpers import PDF_BYTES

    draft = services.plan_version_create_draft(
        plan=county.plan,
        actor=county.owner_planner,
        change_summary="Bigger",
        sections=sections(*[f"Section {i}: evacuate to the north field." for i in range(n_sections)]),
    )
    facility_facts_set(
        version=draft, facility=county.school, facts={"radio_channel": "TAC-3"}, actor=county.owner_planner
    )
    for i in range(n_sections // 5):
        services.attachment_add(
            version=draft,
            actor=county.owner_planner,
            upload=SimpleUploadedFile(f"map-{i}.pdf", PDF_BYTES, content_type="application/pdf"),
            max_bytes=10_000,
        )
    return services.plan_version_publish(version=draft, actor=county.owner_admin)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_takes_the_same_queries_for_five_sections_as_for_forty(county, fmt, django_assert_max_num_queries):
    county.draft.delete()
    web, api = web_client(county.partner_view_liaison), client_for(county.partner_view_liaison)
    few = _grow(county, 5)
    web_few, api_few = _queries(web, web_url(few, fmt)), _queries(api, api_url(few, fmt))
    many = _grow(county, 40)
    with django_assert_max_num_queries(web_few):
        assert web.get(web_url(many, fmt)).status_code == 200
    with django_assert_max_num_queries(api_few):
        assert api.get(api_url(many, fmt)).status_code == 200
    print(f"{fmt}: web {web_few} queries, API {api_few} queries")


def test_the_schema_documents_both_exports_as_binary_files(client, db):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    for fmt, content_type in CONTENT_TYPES.items():
        operation = schema["paths"][f"/api/v1/plans/{{plan_id}}/versions/{{number}}/export.{fmt}"]["get"]
        assert operation["operationId"] == f"v1_plans_versions_export_{fmt}"
        assert operation["responses"]["200"]["content"] == {
            content_type: {"schema": {"type": "string", "format": "binary"}}
        }
        assert {"401", "403", "404", "429"} <= set(operation["responses"])
    pdf = schema["paths"]["/api/v1/plans/{plan_id}/versions/{number}/export.pdf"]["get"]
    assert pdf["responses"]["503"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")

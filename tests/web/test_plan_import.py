"""Issue 13, item 12: importing last year's plan from Word in the browser — a new plan or a new draft, reviewed as
a draft before anything is published."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx.shared import Inches
from playwright.sync_api import expect

from audit.models import AuditAction, AuditEvent
from plans.models import Attachment, Plan, PlanVersion, VersionState
from tests.conftest import web_client
from tests.permission_matrix import covers, matrix, user_of
from tests.plans.docx_files import GIF, docx_upload, eop_document, simple_document, zip_bomb
from tests.web.conftest import PHONE, screenshot, sign_in
from tests.web.test_accessibility import violations_on

IMPORTED_TITLES = ["Introduction", "Basic plan", "Evacuation", "Reunification"]


def check_status(response, expected: int) -> None:
    if expected == 401:
        assert response.status_code == 302, response
        assert response["Location"].startswith("/accounts/login/")
        return
    assert response.status_code == expected, response.content[:500]


def new_plan_form(county, content: bytes | None = None, name: str = "maple-valley-eop.docx", **changes) -> dict:
    data = {"owner_agency": county.district.pk, "title": "", "kind": "school_eop", "classification": "partner"}
    if content is not None:
        data["file"] = docx_upload(content, name)
    return {**data, **changes}


def titles(version: PlanVersion) -> list[str]:
    return list(version.sections.order_by("position").values_list("title", flat=True))


# Who may import: 404 for a plan the person may not see, 403 for a forbidden action on one they may see.


@covers("plans:import")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=302,
        owner_planner=302,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=200,  # plans for their own agency only: the district is no choice of theirs
        staff=403,
    ),
)
def test_who_may_import_a_new_plan_for_the_district_and_nothing_changes_on_refusal(county, actor, expected):
    client = web_client(user_of(county, actor))
    check_status(client.get("/plans/import/"), 200 if expected in (200, 302) else expected)
    plans_before = set(Plan.objects.values_list("pk", flat=True))
    response = client.post("/plans/import/", new_plan_form(county, eop_document()))
    check_status(response, expected)
    created = Plan.objects.exclude(pk__in=plans_before)
    if expected == 302:
        plan = created.get()
        draft = plan.versions.get()
        assert response["Location"] == f"/plans/{plan.pk}/versions/1/preview/"
        assert (plan.owner_agency, draft.state, titles(draft)) == (county.district, VersionState.DRAFT, IMPORTED_TITLES)
    else:
        assert not created.exists()
        assert not AuditEvent.objects.filter(action=AuditAction.PLAN_IMPORT).exists()
    if expected == 200:
        assert "Select a valid choice" in response.content.decode()


@covers("plans:draft-import")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=302,
        owner_planner=302,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_who_may_import_a_new_draft_of_a_plan_and_nothing_changes_on_refusal(county, actor, expected):
    client = web_client(user_of(county, actor))
    url = f"/plans/{county.plan.pk}/import/"
    check_status(client.get(url), 200 if expected == 302 else expected)
    response = client.post(url, {"file": docx_upload(eop_document())})
    check_status(response, expected)
    if expected == 302:
        imported = county.plan.versions.get(number=3)
        assert response["Location"] == f"/plans/{county.plan.pk}/versions/3/preview/"
        assert (imported.state, titles(imported)) == (VersionState.DRAFT, IMPORTED_TITLES)
    else:
        assert county.plan.versions.count() == 2
        assert not AuditEvent.objects.filter(action=AuditAction.PLAN_IMPORT).exists()


def test_another_agencys_plan_is_not_found_for_import_even_for_its_admins_neighbours(county):
    other = Plan.objects.create(title="Jail plan", kind="other", owner_agency=county.unrelated)
    response = web_client(county.owner_admin).post(f"/plans/{other.pk}/import/", {"file": docx_upload(eop_document())})
    assert response.status_code == 404
    assert other.versions.count() == 0


# What the writer sees


def test_the_writer_lands_on_the_draft_preview_with_a_summary_and_rendered_lists_and_table(county):
    client = web_client(county.owner_planner)
    response = client.post("/plans/import/", new_plan_form(county, eop_document()), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview of draft v1" in html
    assert (
        "Imported “maple-valley-eop.docx” as draft version 1: 4 sections, 1 table, 1 image imported as attachments."
        in html
    )
    assert '<h2 id="section-evacuation-title">Evacuation</h2>' in html
    compact = html.replace("\n", "")
    assert "<li>Principal: incident commander<ul><li>Assistant principal: deputy<ul>" in compact
    assert "<th>Assembly area</th>" in compact
    assert "maple-valley-eop-image-01.png" in html  # listed with the attachments and named in the text
    assert "Draft — partners cannot see it" in html


def test_warnings_are_shown_one_by_one(county):
    def build(document):
        document.add_paragraph().add_run().add_picture(io.BytesIO(GIF), width=Inches(1))

    content = simple_document(("Maps", "See below."), build=build)
    response = web_client(county.owner_admin).post(
        f"/plans/{county.plan.pk}/import/", {"file": docx_upload(content, "maps.docx")}, follow=True
    )
    html = response.content.decode()
    assert "1 section, 0 tables, no images." in html
    assert "1 warning to check:" in html
    assert "Image 1 was not imported: it is a GIF picture" in html
    assert "Draft version 2 is also open; the import did not change it." in html


def file_field_errors(html: str) -> str:
    """The text of the file field's box: its label, help and error messages (they come before the input)."""
    end = html.index('id="id_file"')
    start = html.rindex('<div class="field', 0, end)
    assert html.startswith('<div class="field field--error">', start), "the file field is not marked as wrong"
    return html[start:end]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.docx", lambda: b"just some text", "This file is not a Word document (.docx)."),
        ("plan.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "an older Word document (.doc)"),
        ("plan.pdf", lambda: b"%PDF-1.7\n%%EOF\n", "ends in .pdf"),
        ("old-plan.docx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "older Word 97-2003"),
        ("bomb.docx", zip_bomb, "zip bomb"),
        ("empty.docx", lambda: b"", "The file is empty; choose another."),
        (None, None, "Choose a Word document to import."),
    ],
    ids=["text", "doc-name", "pdf", "word-97", "zip-bomb", "empty", "missing"],
)
def test_a_file_that_cannot_be_imported_is_a_form_error_beside_the_file_and_nothing_is_made(
    county, name, content, message
):
    client = web_client(county.owner_admin)
    plans, versions = Plan.objects.count(), PlanVersion.objects.count()
    data = content() if content is not None else None
    for url, form in (("/plans/import/", new_plan_form(county)), (f"/plans/{county.plan.pk}/import/", {})):
        if data is not None:
            form["file"] = SimpleUploadedFile(name, data)
        response = client.post(url, form)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Nothing was imported: correct the fields marked below." in html
        assert message in file_field_errors(html)
    assert (Plan.objects.count(), PlanVersion.objects.count()) == (plans, versions)
    assert not AuditEvent.objects.filter(action=AuditAction.PLAN_IMPORT).exists()


def test_a_document_over_the_upload_limit_is_refused_with_the_limit(county, settings):
    settings.ATTACHMENT_MAX_BYTES = 30_000  # the request limit is this plus 64 KB; the service's is this
    response = web_client(county.owner_admin).post(
        f"/plans/{county.plan.pk}/import/", {"file": docx_upload(eop_document())}
    )
    assert response.status_code == 200
    assert "a document may be at most 29 KB" in response.content.decode()
    big = web_client(county.owner_admin).post(
        f"/plans/{county.plan.pk}/import/", {"file": docx_upload(eop_document() + bytes(120_000))}
    )
    assert big.status_code == 413
    assert county.plan.versions.count() == 2


def test_the_import_is_audited_with_the_person_their_address_and_the_file(county):
    client = web_client(county.owner_planner, REMOTE_ADDR="198.51.100.7")
    client.post(f"/plans/{county.plan.pk}/import/", {"file": docx_upload(eop_document(), "EOP 2024 final.docx")})
    event = AuditEvent.objects.get(action=AuditAction.PLAN_IMPORT)
    assert (event.actor, event.agency, event.ip_address) == (county.owner_planner, county.district, "198.51.100.7")
    assert event.details["filename"] == "EOP 2024 final.docx"
    assert (event.details["sections"], event.details["tables"], event.details["images"]) == (4, 1, 1)
    attachment = Attachment.objects.get(version__number=3, version__plan=county.plan)
    assert AuditEvent.objects.filter(
        action=AuditAction.ATTACHMENT_ADD, object_id=str(attachment.pk), actor=county.owner_planner
    ).exists()


def test_the_entry_points_are_offered_only_to_people_who_may_import(county):
    planner, member = web_client(county.owner_planner), web_client(county.owner_member)
    assert 'href="/plans/import/"' in planner.get("/plans/").content.decode()
    assert 'href="/plans/import/"' not in member.get("/plans/").content.decode()
    assert 'href="/plans/import/"' in planner.get("/plans/new/").content.decode()
    draft_import = f'href="/plans/{county.plan.pk}/import/"'
    assert draft_import in planner.get(f"/plans/{county.plan.pk}/").content.decode()
    assert draft_import not in member.get(f"/plans/{county.plan.pk}/").content.decode()
    assert draft_import in planner.get(f"/plans/{county.plan.pk}/drafts/new/").content.decode()


@pytest.mark.parametrize("headings", [2, 12])
def test_an_import_takes_the_same_queries_whatever_the_number_of_sections(
    county, headings, django_assert_max_num_queries
):
    """Sections are written in one statement; each picture adds the attachment service's few queries."""
    content = simple_document(*[(f"Annex {i}", f"Text {i}.") for i in range(headings)])
    client = web_client(county.owner_planner)
    for url in ("/plans/import/", f"/plans/{county.plan.pk}/import/"):
        with django_assert_max_num_queries(8):  # with the header's count of plans to read
            assert client.get(url).status_code == 200
    with django_assert_max_num_queries(25):
        response = client.post(f"/plans/{county.plan.pk}/import/", {"file": docx_upload(content)})
    assert response.status_code == 302
    with django_assert_max_num_queries(50):  # with the agency's sharing defaults (onboarding/)
        response = client.post("/plans/import/", new_plan_form(county, content))
    assert response.status_code == 302


# In a real browser


def test_a_coordinator_imports_last_years_plan_from_word_and_reviews_it_on_desktop_and_phone(
    page, live_server, web_county, console_errors
):
    sign_in(page, live_server, "district_planner")
    page.goto(f"{live_server.url}/plans/")
    page.get_by_role("link", name="Import from Word").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a plan from Word")
    assert violations_on(page) == []
    page.get_by_label("Word document (.docx)").set_input_files(
        files=[{"name": "Maple Valley EOP 2025.docx", "mimeType": "application/octet-stream", "buffer": eop_document()}]
    )
    page.get_by_role("button", name="Import and create the draft").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Maple Valley High Emergency Operations Plan 2025")
    expect(page.get_by_text("4 sections, 1 table, 1 image imported as attachments.")).to_be_visible()
    expect(page.get_by_text("Preview of draft v1")).to_be_visible()
    for title in IMPORTED_TITLES:
        expect(page.get_by_role("heading", level=2, name=title)).to_be_visible()
    basic = page.locator("#section-basic-plan")
    expect(basic.locator("ul ul ul li")).to_have_text("Office manager: phones")
    evacuation = page.locator("#section-evacuation")
    expect(evacuation.locator("ol ol li")).to_have_text("Take the class roster")
    expect(evacuation.get_by_role("columnheader", name="Staff lead")).to_be_visible()
    expect(evacuation.get_by_role("cell", name="Ms. Ortiz")).to_be_visible()
    expect(page.get_by_role("link", name="maple-valley-eop-2025-image-01.png")).to_be_visible()
    assert violations_on(page) == []
    screenshot(page, "import-desktop")

    plan = Plan.objects.get(title="Maple Valley High Emergency Operations Plan 2025")
    assert plan.current_version is None
    assert plan.versions.get().state == VersionState.DRAFT

    page.set_viewport_size(PHONE)
    page.reload()
    expect(evacuation.get_by_role("cell", name="Ms. Ortiz")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the preview scrolls sideways at {PHONE['width']} px ({width} px)"
    assert violations_on(page) == []

    # From the plan page: a new draft from another document, on the phone.
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    page.get_by_role("link", name="Import from Word").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a new draft from Word")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the import page scrolls sideways at {PHONE['width']} px ({width} px)"
    page.get_by_label("Word document (.docx)").set_input_files(
        files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not a plan"}]
    )
    page.get_by_role("button", name="Import as a new draft").click()
    expect(page.get_by_text("Choose a Word document whose name ends in .docx")).to_be_visible()
    assert violations_on(page) == []
    assert plan.versions.count() == 1
    assert console_errors == []

"""Issue 13, item 13: what an exported copy says, read back as a person's software would read it — the PDF's text
page by page (pypdf) and the Word document's parts (python-docx)."""

import hashlib

import pytest
from docx.shared import Inches

from plans import services
from plans.export.document import export_filename
from plans.models import Classification, PlanVersion
from tests.plans.export_helpers import exportable_plan, pdf_pages, read_docx, squashed

PDF = "pdf"
DOCX = "docx"


@pytest.fixture
def reader(county):
    """The police officer who exports, with a full name for the footer."""
    officer = county.partner_view_member
    officer.first_name, officer.last_name = "Dana", "Reyes"
    officer.save(update_fields=["first_name", "last_name"])
    return officer


@pytest.fixture
def sensitive(county):
    return exportable_plan(county, classification=Classification.LAW_ENFORCEMENT_SENSITIVE)


@pytest.fixture
def partner(county):
    return exportable_plan(county, classification=Classification.PARTNER)


def export(version: PlanVersion, actor, fmt: str) -> bytes:
    return services.plan_version_export(version=version, actor=actor, fmt=fmt).content


# --- PDF ---------------------------------------------------------------------------------------------------------


def test_the_pdf_names_the_plan_agency_version_publish_date_and_content_hash(county, reader, partner):
    pages = pdf_pages(export(partner.version, reader, PDF))
    first = squashed(pages[0])
    assert "Maple Valley High active threat annex" in first
    assert "Maple Valley School District" in first
    assert "Version 1 · Published" in first
    assert f"Published {partner.version.published_at:%-d %b %Y} by district_admin" in first
    # The full hash on the first page (it may wrap), its first 12 characters at the foot of every page.
    assert partner.version.content_sha256 in "".join(pages[0].split())
    assert all(f"SHA-256 {partner.version.content_sha256[:12]}" in page for page in pages)


def test_every_page_of_the_pdf_carries_the_marking_and_page_x_of_y(county, reader, sensitive):
    pages = pdf_pages(export(sensitive.version, reader, PDF))
    assert len(pages) >= 3  # the lockdown annex runs over several pages
    for number, page in enumerate(pages, 1):
        assert page.count("LAW ENFORCEMENT SENSITIVE") >= 2, number  # the header and the footer
        assert f"Page {number} of {len(pages)}" in page


def test_a_partner_plan_is_marked_partners_only_on_every_page(county, reader, partner):
    pages = pdf_pages(export(partner.version, reader, PDF))
    assert len(pages) >= 3
    assert all("PARTNERS ONLY — NOT FOR PUBLIC RELEASE" in page for page in pages)
    assert not any("LAW ENFORCEMENT SENSITIVE" in page for page in pages)


def test_a_sensitive_pdf_names_the_reader_their_agency_and_the_time_on_every_page(county, reader, sensitive):
    pages = pdf_pages(export(sensitive.version, reader, PDF))
    for page in pages:
        assert "Exported by Dana Reyes (Ridgeford Police) on " in squashed(page)
        assert " UTC" in page
    # The handling caveat the plan page shows, on the first page.
    assert "do not forward it or leave printed copies unattended" in squashed(pages[0])


def test_a_partner_pdf_does_not_name_the_reader(county, reader, partner):
    pages = pdf_pages(export(partner.version, reader, PDF))
    assert not any("Dana Reyes" in page or "Exported by" in page for page in pages)
    assert "do not forward it" not in squashed(" ".join(pages))


def test_the_reader_of_the_owner_agency_is_named_with_the_owner(county, sensitive):
    pages = pdf_pages(export(sensitive.version, county.owner_liaison, PDF))
    assert "Exported by district_liaison (Maple Valley School District) on " in squashed(pages[0])


def test_the_pdf_shows_key_facts_sections_with_headings_lists_and_tables_and_lists_attachments(county, reader, partner):
    text = squashed(" ".join(pdf_pages(export(partner.version, reader, PDF))))
    for expected in [
        "Key facts",
        "Incident command post North parking lot (41.8801, -87.6301)",
        "On-site contact phone (217) 555-0142",
        "1. Basic plan",
        "Purpose",
        "Concept of operations",
        "Announce the lockdown over the PA.",
        "Repeat it twice.",
        "Teachers lock classroom doors",
        "Incident commander Principal TAC-3",
        "(https://district.example.org/safety)",  # a link's address, printed after its words
        "2. Lockdown annex",
        "Step 40: keep the doors locked",
        "site-map.pdf (PDF, 77 bytes)",
    ]:
        assert expected in text, expected
    attachment = partner.version.attachments.get()
    assert attachment.sha256 in text.replace(" ", "")


def test_a_draft_pdf_says_it_is_not_published_and_has_no_hash_yet(county, partner):
    pages = pdf_pages(export(partner.draft, county.owner_planner, PDF))
    first = squashed(pages[0])
    assert "Version 2 · Draft" in first
    assert "Published Draft — not published" in first
    assert "partners cannot see this draft" in first
    assert "None yet: a draft's content hash is fixed when it is published" in first
    assert all("Draft — not published" in page for page in pages)  # the footer line


def test_a_superseded_version_says_so(county, reader, partner):
    services.plan_version_publish(version=partner.draft, actor=county.owner_admin)
    first = squashed(pdf_pages(export(partner.version, reader, PDF))[0])
    assert "Superseded on " in first
    assert "this is not the current version of the plan" in first


def test_pdf_pages_are_letter_by_default_and_a4_when_configured(county, reader, partner, settings):
    import io

    from pypdf import PdfReader

    letter = PdfReader(io.BytesIO(export(partner.version, reader, PDF))).pages[0].mediabox
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)
    settings.EXPORT_PAPER_SIZE = "a4"
    a4 = PdfReader(io.BytesIO(export(partner.version, reader, PDF))).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)


# --- Word ----------------------------------------------------------------------------------------------------------


def _footer_text(document) -> str:
    return "\n".join(p.text for p in document.sections[0].footer.paragraphs)


def test_the_docx_header_and_footer_carry_the_marking_and_the_reader_of_a_sensitive_plan(county, reader, sensitive):
    document = read_docx(export(sensitive.version, reader, DOCX))
    section = document.sections[0]
    assert [p.text for p in section.header.paragraphs] == ["LAW ENFORCEMENT SENSITIVE"]
    footer = _footer_text(document)
    assert "Exported by Dana Reyes (Ridgeford Police) on " in footer
    assert f"Maple Valley High active threat annex · v1 · SHA-256 {sensitive.version.content_sha256[:12]}…" in footer
    assert "LAW ENFORCEMENT SENSITIVE" in footer
    # "Page X of Y" as fields Word fills in on every page.
    xml = section.footer._element.xml
    assert "PAGE" in xml
    assert "NUMPAGES" in xml
    assert (section.page_width, section.page_height) == (Inches(8.5), Inches(11))


def test_a_partner_docx_footer_has_no_reader(county, reader, partner):
    document = read_docx(export(partner.version, reader, DOCX))
    assert [p.text for p in document.sections[0].header.paragraphs] == ["PARTNERS ONLY — NOT FOR PUBLIC RELEASE"]
    assert "Dana Reyes" not in _footer_text(document)
    assert "Exported by" not in _footer_text(document)


def test_the_docx_holds_the_record_headings_lists_and_tables(county, reader, partner):
    document = read_docx(export(partner.version, reader, DOCX))
    styled = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    assert ("Title", "Maple Valley High active threat annex") in styled
    assert ("Heading 1", "1. Basic plan") in styled
    assert ("Heading 2", "Purpose") in styled
    assert ("Heading 3", "Concept of operations") in styled
    assert ("List Number", "Announce the lockdown over the PA.") in styled
    assert ("List Bullet 2", "Repeat it twice.") in styled
    assert ("List Bullet", "Office staff meet the police at the main entrance") in styled
    assert ("Normal", "See the district site (https://district.example.org/safety) for the family guide.") in styled
    assert ("Heading 1", "Attachments") in styled
    assert any(
        style == "List Bullet" and squashed(text).startswith("site-map.pdf (PDF, 77 bytes)") for style, text in styled
    )

    record, facts, roles = document.tables
    rows = {row.cells[0].text: row.cells[1].text for row in record.rows}
    assert rows["Agency"] == "Maple Valley School District"
    assert rows["Version"] == "v1 (published)"
    assert rows["Content hash (SHA-256)"] == partner.version.content_sha256
    assert rows["Published"].endswith("by district_admin")
    assert rows["Classification"] == "PARTNERS ONLY — NOT FOR PUBLIC RELEASE"
    assert [c.text for c in facts.rows[1].cells] == ["Incident command post", "North parking lot (41.8801, -87.6301)"]
    assert [[c.text for c in row.cells] for row in roles.rows] == [
        ["Role", "Who", "Radio"],
        ["Incident commander", "Principal", "TAC-3"],
        ["Liaison", "School Resource Officer", "TAC-3"],
    ]


def test_each_numbered_list_in_the_docx_counts_from_its_own_start(county, reader, partner):
    document = read_docx(export(partner.version, reader, DOCX))
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    ids = [p._p.pPr.numPr.numId.val for p in numbered]
    contents, steps = ids[:2], ids[2:]
    assert len(set(contents)) == 1
    assert len(set(steps)) == 1
    assert contents[0] != steps[0]  # the plan's list does not continue the contents' numbering
    assert f'w:numId="{steps[0]}"' in document.part.numbering_part.element.xml


def test_a_draft_docx_says_it_is_not_published(county, partner):
    document = read_docx(export(partner.draft, county.owner_planner, DOCX))
    record = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert record["Published"] == "Draft — not published"
    assert record["Content hash (SHA-256)"].startswith("None yet")


def test_control_characters_in_a_section_do_not_break_the_docx(county):
    plan = exportable_plan(county).plan
    draft = services.plan_version_create_draft(
        plan=plan,
        actor=county.owner_planner,
        change_summary="Pasted from a fax",
        sections=[{"key": "fax", "title": "Faxed page", "body": "Line one\x0b\x07 still readable"}],
    )
    document = read_docx(export(draft, county.owner_planner, DOCX))
    assert any(p.text == "Line one still readable" for p in document.paragraphs)


# --- both -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Maple Valley High crisis plan", "maple-valley-high-crisis-plan-v3.pdf"),
        ('Plan "A"/B: Ünïcode ☃; rm -rf', "plan-ab-unicode-rm-rf-v3.pdf"),
        ("☃☃☃", "plan-v3.pdf"),
    ],
)
def test_download_names_are_the_title_slug_and_version(title, expected):
    assert export_filename(title, 3, "pdf") == expected


def test_the_service_returns_the_file_it_audited(county, reader, sensitive):
    from audit.models import AuditEvent

    result = services.plan_version_export(version=sensitive.version, actor=reader, fmt=DOCX, ip_address="10.1.2.3")
    assert result.filename == "maple-valley-high-active-threat-annex-v1.docx"
    event = AuditEvent.objects.get(action="plan.export")
    assert event.details["file_sha256"] == hashlib.sha256(result.content).hexdigest()

"""Issue 13, item 13 in a real browser: an officer downloads a law-enforcement-sensitive plan as PDF from the plan
page and as Word from the version page; the first page of the PDF becomes docs/screenshots/export-pdf.png."""

import pypdfium2
from playwright.sync_api import expect

from audit.models import AuditEvent
from plans.models import Classification
from tests.plans.export_helpers import exportable_plan, pdf_pages, read_docx
from tests.web.conftest import PHONE, SCREENSHOTS, sign_in


def pdf_first_page_png(pdf_path, name: str) -> None:
    """The first page as a person sees it, for the README (refreshed by every full test run)."""
    document = pypdfium2.PdfDocument(str(pdf_path))
    try:
        image = document[0].render(scale=1.5).to_pil()
    finally:
        document.close()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    image.save(SCREENSHOTS / f"{name}.png", optimize=True)


def test_an_officer_downloads_a_sensitive_plan_as_pdf_and_word(page, live_server, web_county, tmp_path, console_errors):
    county = web_county
    officer = county.partner_view_member
    officer.first_name, officer.last_name = "Dana", "Reyes"
    officer.save(update_fields=["first_name", "last_name"])
    exported = exportable_plan(county, classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    sign_in(page, live_server, "police_officer")

    page.goto(f"{live_server.url}/plans/{exported.plan.pk}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == "maple-valley-high-active-threat-annex-v1.pdf"
    pdf_path = tmp_path / download.suggested_filename
    download.save_as(pdf_path)
    pages = pdf_pages(pdf_path.read_bytes())
    assert "Maple Valley High active threat annex" in pages[0]
    assert all("Exported by Dana Reyes (Ridgeford Police) on " in " ".join(p.split()) for p in pages)
    pdf_first_page_png(pdf_path, "export-pdf")

    page.goto(f"{live_server.url}/plans/{exported.plan.pk}/versions/1/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download Word").click()
    word = download_info.value
    assert word.suggested_filename == "maple-valley-high-active-threat-annex-v1.docx"
    word_path = tmp_path / word.suggested_filename
    word.save_as(word_path)
    footer = "\n".join(p.text for p in read_docx(word_path.read_bytes()).sections[0].footer.paragraphs)
    assert "Exported by Dana Reyes (Ridgeford Police) on " in footer

    exports = AuditEvent.objects.filter(action="plan.export", actor=officer).order_by("id")
    assert [e.details["format"] for e in exports] == ["pdf", "docx"]
    assert AuditEvent.objects.filter(action="plan.read", actor=officer, details__what="export").count() == 2
    assert console_errors == []


def test_the_download_links_fit_a_phone(page, live_server, web_county):
    county = web_county
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "police_liaison")
    page.goto(f"{live_server.url}/plans/{county.plan.pk}/versions/1/")
    for name in ("Download PDF", "Download Word"):
        link = page.get_by_role("link", name=name)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

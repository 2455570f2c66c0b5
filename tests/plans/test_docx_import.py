"""Issue 13, item 12: a Word document becomes plan sections, with real .docx files written by python-docx.

What is asserted is what a reader of the plan page would see: the section titles, and the HTML the project's
renderer (portal/markdown.py) makes of each section's Markdown.
"""

import io
import tracemalloc
import zipfile

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.shared import Inches

from plans.docx_import import ImportLimits, docx_convert
from plans.docx_markdown import html_to_markdown
from portal.errors import InvalidInputError
from portal.markdown import render_markdown
from tests.plans.docx_files import (
    BILLION_LAUGHS,
    BULLETS,
    GIF,
    NUMBERS,
    add_link,
    add_lists,
    encrypted,
    eop_document,
    list_item,
    png,
    repacked,
    saved,
    simple_document,
    with_declared_size,
    zip_bomb,
)

LIMITS = ImportLimits(max_sections=200, max_section_chars=200_000, max_image_bytes=1024 * 1024)


def convert(content: bytes, name: str = "eop.docx", limits: ImportLimits = LIMITS):
    return docx_convert(content, filename=name, limits=limits)


def html_of(document, title: str) -> str:
    section = next(s for s in document.sections if s["title"] == title)
    return str(render_markdown(section["body"])).replace("\n", "")


def refusal(content: bytes, name: str = "eop.docx") -> str:
    with pytest.raises(InvalidInputError) as raised:
        convert(content, name)
    assert raised.value.field == "file"
    return raised.value.message


# --- What survives ---------------------------------------------------------------------------------------------------


def test_heading_1_starts_each_section_and_text_before_it_is_the_introduction():
    document = convert(eop_document())
    assert [s["title"] for s in document.sections] == ["Introduction", "Basic plan", "Evacuation", "Reunification"]
    assert [s["key"] for s in document.sections] == ["introduction", "basic-plan", "evacuation", "reunification"]
    assert html_of(document, "Introduction") == "<p>Adopted by the board on 12 August 2025. Keep this plan current.</p>"
    # The Title paragraph names the plan; it is no section's text.
    assert document.title == "Maple Valley High Emergency Operations Plan 2025"
    assert all("Emergency Operations Plan 2025" not in s["body"] for s in document.sections)
    assert document.warnings == []


def test_lower_headings_stay_inside_their_section_one_level_below_its_title():
    document = convert(eop_document())
    assert html_of(document, "Basic plan").startswith(
        "<p>This plan covers every building of the campus.</p><h3>Roles</h3>"
    )


def test_nested_bulleted_and_numbered_lists_render_nested():
    document = convert(eop_document())
    assert (
        "<ul><li>Principal: incident commander<ul><li>Assistant principal: deputy<ul><li>Office manager: phones"
        "</li></ul></li></ul></li><li>School resource officer: liaison to police</li></ul>"
    ) in html_of(document, "Basic plan")
    assert html_of(document, "Evacuation").startswith(
        "<ol><li>Sound the alarm<ol><li>Take the class roster</li></ol></li><li>Walk to the north field</li></ol>"
    )


def test_a_table_renders_as_a_table_with_its_first_row_as_header():
    document = convert(eop_document())
    assert document.tables == 1
    assert (
        "<table><thead><tr><th>Assembly area</th><th>Grades</th><th>Staff lead</th></tr></thead>"
        "<tbody><tr><td>North field</td><td>9-10</td><td>Ms. Ortiz</td></tr>"
        "<tr><td>Stadium</td><td>11-12</td><td>Mr. Lee</td></tr></tbody></table>"
    ) in html_of(document, "Evacuation")


def test_a_picture_becomes_an_attachment_named_where_it_was():
    document = convert(eop_document(), "Maple Valley EOP 2025.docx")
    assert [(image.filename, image.content) for image in document.images] == [
        ("maple-valley-eop-2025-image-01.png", png(4, 3))
    ]
    assert "<p><em>[Image 1 — attached as “maple-valley-eop-2025-image-01.png”]</em></p>" in html_of(
        document, "Evacuation"
    )


def test_web_links_are_kept():
    document = convert(eop_document())
    assert html_of(document, "Reunification") == (
        '<p>Families go to <a href="https://district.example.org/reunification" rel="noopener noreferrer">'
        "the reunification page</a> or call the district.</p>"
    )


def test_the_top_heading_level_used_splits_when_there_is_no_heading_1():
    def build(document):
        for title in ("Lockdown", "Shelter in place"):
            document.add_heading(title, level=2)
            document.add_heading(f"{title} steps", level=3)
            document.add_paragraph("Do it.")

    document = convert(simple_document(build=build))
    assert [s["title"] for s in document.sections] == ["Lockdown", "Shelter in place"]
    assert html_of(document, "Lockdown") == "<h3>Lockdown steps</h3><p>Do it.</p>"


def test_a_document_without_headings_is_one_section_named_by_its_title_and_says_so():
    document = Document()
    document.add_paragraph("Bus evacuation plan", style="Title")
    document.add_paragraph("Everyone leaves by the back door.")
    imported = convert(saved(document))
    assert imported.sections == [
        {"key": "bus-evacuation-plan", "title": "Bus evacuation plan", "body": "Everyone leaves by the back door."}
    ]
    assert "uses no heading styles" in imported.warnings[0]


def test_repeated_headings_get_their_own_keys():
    document = convert(simple_document(("Annex", "One."), ("Annex", "Two."), ("Annex", "Three.")))
    assert [s["key"] for s in document.sections] == ["annex", "annex-2", "annex-3"]


def test_cells_with_several_paragraphs_or_a_list_and_pipes_stay_one_table():
    def build(document):
        add_lists(document)
        table = document.add_table(rows=2, cols=2)
        table.rows[0].cells[0].text = "Contact"
        table.rows[0].cells[1].text = "Radio | phone"
        cell = table.rows[1].cells[0]
        cell.text = "Front office"
        cell.add_paragraph("Room 101")
        table.rows[1].cells[1].text = "FD TAC-3"

    html = html_of(convert(simple_document(("Contacts", "Who to call."), build=build)), "Contacts")
    assert (
        "<table><thead><tr><th>Contact</th><th>Radio | phone</th></tr></thead>"
        "<tbody><tr><td>Front office<br>Room 101</td><td>FD TAC-3</td></tr></tbody></table>"
    ) in html


def test_text_that_looks_like_markup_stays_text():
    text = "<script>alert(1)</script> *not bold* _x_ [link](javascript:alert(1)) 1. Q&A a|b"
    html = html_of(convert(simple_document(("Notes", text), ("2020. A year", "# not a heading"))), "Notes")
    assert html == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; *not bold* _x_ [link](javascript:alert(1)) 1. Q&amp;A a|b</p>"
    )
    assert html_of(convert(simple_document(("2020. A year", "# not a heading"))), "2020. A year") == (
        "<p># not a heading</p>"
    )


def test_links_other_than_web_mail_or_phone_keep_only_their_text():
    def build(document):
        paragraph = document.add_paragraph("Links: ")
        add_link(paragraph, "javascript:alert(document.cookie)", "run me")
        paragraph.add_run(", ")
        add_link(paragraph, "file:///etc/passwd", "a file")
        paragraph.add_run(", ")
        add_link(paragraph, "mailto:safety@district.example.org", "write")

    imported = convert(simple_document(("Contacts", "x"), build=build))
    section = imported.sections[0]
    assert "javascript" not in section["body"]
    assert "file:" not in section["body"]
    assert html_of(imported, "Contacts").endswith(
        '<p>Links: run me, a file, <a href="mailto:safety@district.example.org" rel="noopener noreferrer">write</a></p>'
    )


def test_the_table_of_contents_is_left_out():
    document = Document()
    styles = document.styles
    document.add_paragraph("Contents", style="TOC Heading")
    toc = styles["toc 1"] if "toc 1" in [s.name for s in styles] else styles.add_style("toc 1", 1)
    document.add_paragraph("Basic plan ........ 2", style=toc)
    document.add_heading("Basic plan", level=1)
    document.add_paragraph("Text.")
    imported = convert(saved(document))
    assert [s["title"] for s in imported.sections] == ["Basic plan"]


def test_pictures_that_cannot_be_attachments_are_named_and_reported():
    def build(document):
        document.add_paragraph().add_run().add_picture(io.BytesIO(GIF), width=Inches(1))
        document.add_paragraph().add_run().add_picture(io.BytesIO(png(600, 600)), width=Inches(1))

    small = ImportLimits(max_sections=200, max_section_chars=200_000, max_image_bytes=2000)
    imported = convert(simple_document(("Maps", "See below."), build=build), limits=small)
    assert imported.images == []
    assert html_of(imported, "Maps") == (
        "<p>See below.</p><p><em>[Image 1 — not imported]</em></p><p><em>[Image 2 — not imported]</em></p>"
    )
    assert imported.warnings[0].startswith("Image 1 was not imported: it is a GIF picture and only PNG and JPEG")
    assert imported.warnings[1].startswith("Image 2 was not imported: it is larger than")


def test_a_picture_linked_from_outside_the_document_is_never_fetched(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(png())

    def build(document):
        document.add_paragraph().add_run().add_picture(io.BytesIO(png()), width=Inches(1))
        blip = document.element.body.xpath(".//a:blip")[0]
        relationship = document.part.relate_to(secret.as_uri(), RELATIONSHIP_TYPE.IMAGE, is_external=True)
        del blip.attrib["{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"]
        blip.set("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}link", relationship)

    imported = convert(simple_document(("Maps", "x"), build=build))
    assert imported.images == []
    assert imported.warnings == ["Image 1 was not imported: it is linked from outside the document."]


# --- Hostile files ---------------------------------------------------------------------------------------------------


def test_a_file_that_is_not_a_zip_is_refused_with_what_to_do():
    assert refusal(b"This is a plan, honest.").startswith("This file is not a Word document (.docx).")
    assert "Save As" in refusal(b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n")


def test_a_word_97_document_and_other_names_are_refused_with_what_to_do():
    assert "older Word 97-2003 document" in refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    assert refusal(eop_document(), "eop.doc").startswith("This is an older Word document (.doc).")
    assert (
        refusal(eop_document(), "eop.odt") == "Choose a Word document whose name ends in .docx; this one ends in .odt."
    )
    assert "ends in (none)" in refusal(eop_document(), "eop")


def test_an_office_file_that_is_not_word_is_refused():
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        package.writestr("_rels/.rels", "<Relationships/>")
        package.writestr("xl/workbook.xml", "<workbook/>")
    assert "not a Word one" in refusal(stream.getvalue())


def test_a_zip_bomb_is_refused_before_anything_inflates_it():
    bomb = zip_bomb(64 * 1024 * 1024)
    assert len(bomb) < 200_000
    tracemalloc.start()
    try:
        assert "zip bomb" in refusal(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The sizes are read from the directory; inflating the bomb would have allocated its 64 MB.
    assert peak < 8 * 1024 * 1024, f"refusing the bomb allocated {peak // 1024} KB"


def test_a_zip_that_lies_about_its_sizes_is_refused_on_what_it_declares():
    lying = with_declared_size(eop_document(), "word/document.xml", 400 * 1024 * 1024)
    assert "zip bomb" in refusal(lying)
    many = repacked(eop_document(), add={f"word/media/pad{i}.bin": b"" for i in range(2001)})
    assert "holds 2" in refusal(many)


def test_an_encrypted_package_is_refused():
    assert "encrypted" in refusal(encrypted(eop_document()))


def test_xml_entities_are_refused_before_parsing():
    assert "DOCTYPE" in refusal(repacked(eop_document(), replace={"word/document.xml": BILLION_LAUGHS}))


def test_a_damaged_document_is_a_clear_refusal_not_an_error():
    broken = repacked(eop_document(), replace={"word/document.xml": b"<w:document><w:body><w:p>"})
    assert refusal(broken).startswith("The document could not be read")


def test_macros_and_embedded_objects_are_left_out_and_reported():
    content_types = zipfile.ZipFile(io.BytesIO(eop_document())).read("[Content_Types].xml")
    macro_types = content_types.replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
    )
    hostile = repacked(
        eop_document(),
        add={
            "word/vbaProject.bin": b'Attribute VB_Name = "AutoOpen"\nShell "calc.exe"',
            "word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0 spreadsheet",
            "word/activeX/activeX1.xml": b"<ax:ocx/>",
        },
        replace={"[Content_Types].xml": macro_types},
    )
    imported = convert(hostile)
    assert [s["title"] for s in imported.sections] == ["Introduction", "Basic plan", "Evacuation", "Reunification"]
    assert imported.warnings[:2] == [
        "The document contains macros; they were left out (Concord never runs them).",
        "1 embedded object (such as a spreadsheet or drawing) was left out; attach them to the draft as PDF files "
        "if partners need them.",
    ]
    assert all("calc" not in s["body"] for s in imported.sections)


def test_a_style_map_embedded_in_the_document_is_ignored():
    hostile = repacked(eop_document(), add={"mammoth/style-map": b"p => script:fresh\nh1 => script:fresh"})
    imported = convert(hostile)
    assert [s["title"] for s in imported.sections] == ["Introduction", "Basic plan", "Evacuation", "Reunification"]
    assert html_of(imported, "Introduction").startswith("<p>Adopted by the board")


def test_an_empty_document_or_one_too_large_for_a_plan_is_refused():
    assert refusal(saved(Document())) == "The document has no text to import."
    tight = ImportLimits(max_sections=2, max_section_chars=200_000, max_image_bytes=1024)
    with pytest.raises(InvalidInputError, match="has 4 top-level headings; a plan may have at most 2 sections"):
        convert(eop_document(), limits=tight)
    short = ImportLimits(max_sections=200, max_section_chars=20, max_image_bytes=1024)
    with pytest.raises(InvalidInputError, match="“Introduction” is 63 characters long"):
        convert(eop_document(), limits=short)


# --- The Markdown writer on its own ----------------------------------------------------------------------------------


def test_deep_lists_keep_their_levels_in_python_markdown():
    html = "<ol><li>One<ul><li>a<ol><li>i</li></ol></li></ul></li><li>Two</li></ol>"
    assert str(render_markdown(html_to_markdown(html))).replace("\n", "") == (
        "<ol><li>One<ul><li>a<ol><li>i</li></ol></li></ul></li><li>Two</li></ol>"
    )


def test_a_numbered_list_built_by_word_numbering_levels_renders():
    document = Document()
    add_lists(document)
    document.add_heading("Steps", level=1)
    for text, level in (("First", 0), ("Detail", 1), ("Second", 0)):
        list_item(document, text, numbering=NUMBERS, level=level)
    list_item(document, "Bullet", numbering=BULLETS)
    assert html_of(convert(saved(document)), "Steps") == (
        "<ol><li>First<ol><li>Detail</li></ol></li><li>Second</li></ol><ul><li>Bullet</li></ul>"
    )


def test_text_that_would_start_a_block_in_commonmark_stays_text():
    html = "<p>~~~ not a fence</p><p>1) not an item</p><p>Heading<br />===</p><p>+ plus</p><p>--- rule</p>"
    assert str(render_markdown(html_to_markdown(html))).replace("\n", "") == (
        "<p>~~~ not a fence</p><p>1) not an item</p><p>Heading<br>===</p><p>+ plus</p><p>--- rule</p>"
    )


def test_a_child_of_the_hundredth_item_stays_its_child():
    items = "".join(f"<li>Step {n}</li>" for n in range(1, 100))
    html = f"<ol>{items}<li>Step 100<ul><li>Detail</li></ul></li><li>Step 101</li></ol>"
    rendered = str(render_markdown(html_to_markdown(html))).replace("\n", "")
    assert rendered.endswith("<li>Step 100<ul><li>Detail</li></ul></li><li>Step 101</li></ol>")

"""Real Word documents for the import tests, written with python-docx as Word writes them (numbered lists with
levels, tables, pictures, links), and hostile packages built byte by byte."""

import io
import struct
import zipfile
import zlib
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Inches

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BULLETS, NUMBERS = 90, 91  # the numbering definitions add_lists() creates


def png(width: int = 1, height: int = 1) -> bytes:
    """A real PNG image of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x0b\x4f\x8a" * width for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def add_lists(document) -> None:
    """A bullet and a decimal list of nine levels each, as Word's own numbering part defines them."""
    numbering = document.part.numbering_part.element
    for number, kind in ((BULLETS, "bullet"), (NUMBERS, "decimal")):
        levels = "".join(
            f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{kind}"/>'
            f'<w:lvlText w:val="{"•" if kind == "bullet" else f"%{level + 1}."}"/>'
            f'<w:pPr><w:ind w:left="{720 * (level + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
            for level in range(9)
        )
        abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{number}">{levels}</w:abstractNum>')
        first_num = numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(abstract)  # the schema wants every abstractNum before the nums
        else:
            numbering.append(abstract)
        numbering.append(
            parse_xml(f'<w:num {nsdecls("w")} w:numId="{number}"><w:abstractNumId w:val="{number}"/></w:num>')
        )


def list_item(document, text: str, *, numbering: int, level: int = 0):
    paragraph = document.add_paragraph(text, style="List Paragraph")
    properties = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    properties.get_or_add_ilvl().val = level
    properties.get_or_add_numId().val = numbering
    return paragraph


def add_link(paragraph, url: str, text: str) -> None:
    """A hyperlink as Word stores it: a run inside w:hyperlink pointing to an external relationship."""
    relationship = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    paragraph._p.append(
        parse_xml(
            f'<w:hyperlink {nsdecls("w", "r")} r:id="{relationship}"><w:r><w:t xml:space="preserve">{text}</w:t>'
            "</w:r></w:hyperlink>"
        )
    )


def saved(document) -> bytes:
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def eop_document() -> bytes:
    """Last year's school EOP, as a coordinator would have it: a title, a paragraph before the first heading, three
    Heading 1 sections with Heading 2 inside, nested bulleted and numbered lists, a table, a picture and links."""
    document = Document()
    add_lists(document)
    document.add_paragraph("Maple Valley High Emergency Operations Plan 2025", style="Title")
    document.add_paragraph("Adopted by the board on 12 August 2025. Keep this plan current.")
    document.add_heading("Basic plan", level=1)
    document.add_paragraph("This plan covers every building of the campus.")
    document.add_heading("Roles", level=2)
    list_item(document, "Principal: incident commander", numbering=BULLETS)
    list_item(document, "Assistant principal: deputy", numbering=BULLETS, level=1)
    list_item(document, "Office manager: phones", numbering=BULLETS, level=2)
    list_item(document, "School resource officer: liaison to police", numbering=BULLETS)
    document.add_heading("Evacuation", level=1)
    list_item(document, "Sound the alarm", numbering=NUMBERS)
    list_item(document, "Take the class roster", numbering=NUMBERS, level=1)
    list_item(document, "Walk to the north field", numbering=NUMBERS)
    table = document.add_table(rows=3, cols=3)
    for row, cells in enumerate(
        [
            ("Assembly area", "Grades", "Staff lead"),
            ("North field", "9-10", "Ms. Ortiz"),
            ("Stadium", "11-12", "Mr. Lee"),
        ]
    ):
        for column, text in enumerate(cells):
            table.rows[row].cells[column].text = text
    document.add_paragraph("Site map:")
    document.add_paragraph().add_run().add_picture(io.BytesIO(png(4, 3)), width=Inches(1))
    document.add_heading("Reunification", level=1)
    paragraph = document.add_paragraph("Families go to ")
    add_link(paragraph, "https://district.example.org/reunification", "the reunification page")
    paragraph.add_run(" or call the district.")
    return saved(document)


def docx_upload(content: bytes, name: str = "maple-valley-eop.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=DOCX_TYPE)


def simple_document(*headings_and_text: tuple[str, str], build: Callable | None = None) -> bytes:
    """Heading 1 sections with one paragraph each; `build(document)` may add more."""
    document = Document()
    for heading, text in headings_and_text:
        document.add_heading(heading, level=1)
        document.add_paragraph(text)
    if build is not None:
        build(document)
    return saved(document)


# --- Hostile packages ----------------------------------------------------------------------------------------------


def repacked(content: bytes, *, add: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None) -> bytes:
    """The same package with parts added or replaced (as a script, not Word, would make it)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = (replace or {}).get(entry.filename, source.read(entry.filename))
            target.writestr(entry.filename, data)
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return stream.getvalue()


def zip_bomb(inflated_bytes: int = 64 * 1024 * 1024) -> bytes:
    """A real Word package whose main document inflates to `inflated_bytes` (of XML whitespace) from a few KB."""
    base = zipfile.ZipFile(io.BytesIO(simple_document(("Basic plan", "Text."))))
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in base.infolist():
            if entry.filename == "word/document.xml":
                with target.open(entry.filename, "w") as part:
                    part.write(base.read(entry.filename))  # then whitespace, which XML allows after it
                    chunk = b" " * (1024 * 1024)
                    for _ in range(inflated_bytes // len(chunk)):
                        part.write(chunk)
            else:
                target.writestr(entry.filename, base.read(entry.filename))
    return stream.getvalue()


def with_declared_size(content: bytes, name: str, size: int) -> bytes:
    """The package with the central directory claiming `size` bytes for `name` (a lying zip)."""
    data = bytearray(content)
    encoded = name.encode()
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) != -1:
        name_length = struct.unpack("<H", data[start + 28 : start + 30])[0]
        if bytes(data[start + 46 : start + 46 + name_length]) == encoded:
            data[start + 24 : start + 28] = struct.pack("<I", size)
            return bytes(data)
        start += 4
    raise AssertionError(f"{name} not in the package")


def encrypted(content: bytes) -> bytes:
    """The package with every entry flagged as encrypted (in the central directory, which zipfile reads)."""
    data = bytearray(content)
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) != -1:
        flags = struct.unpack("<H", data[start + 8 : start + 10])[0]
        data[start + 8 : start + 10] = struct.pack("<H", flags | 0x1)
        start += 4
    return bytes(data)


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
    b"<w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"
)

"""An export as a Word document (python-docx): the same content as the PDF, with the classification marking in
every page's header and footer, the reader's line in the footer of sensitive copies, and "Page X of Y" fields."""

import re
from io import BytesIO

from django.template.defaultfilters import filesizeformat
from django.utils import dateformat
from docx import Document
from docx.document import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from plans.export.document import DATE_FORMAT, TIME_FORMAT, ExportDocument
from plans.export.html_tree import Element, parse_html

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PAPER_MM = {"Letter": (215.9, 279.4), "A4": (210.0, 297.0)}
RED = RGBColor(0xA4, 0x16, 0x1A)
MUTED = RGBColor(0x4A, 0x53, 0x60)
MONOSPACE = "Courier New"
# Characters XML 1.0 cannot hold (python-docx refuses them); a pasted control character must not fail an export.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BLOCK_TAGS = frozenset({"p", "ul", "ol", "table", "pre", "blockquote", "hr", "dl", "h1", "h2", "h3", "h4", "h5", "h6"})
_INLINE_STYLE = {"strong": "bold", "b": "bold", "em": "italic", "i": "italic", "u": "underline", "s": "strike"}


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


# --- page furniture --------------------------------------------------------------------------------------------


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that the reader's word processor fills in on every page: begin, the
    instruction, separate, a placeholder value, end."""

    def fld_char(kind: str) -> None:
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(char)

    fld_char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    fld_char("separate")
    paragraph.add_run("1").font.size = Pt(8)
    fld_char("end")


def _marking_paragraph(paragraph: Paragraph, doc: ExportDocument) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(doc.marking)
    run.bold = True
    run.font.size = Pt(9)
    if doc.sensitive:
        run.font.color.rgb = RED


def _page_setup(document: WordDocument, doc: ExportDocument) -> None:
    """Paper, margins, and the header and footer every page repeats."""
    section = document.sections[0]
    width, height = PAPER_MM[doc.paper_size]
    section.page_width, section.page_height = Mm(width), Mm(height)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(22)
    _marking_paragraph(section.header.paragraphs[0], doc)
    footer = section.footer
    first = True
    for line in doc.footer_lines:
        paragraph = footer.paragraphs[0] if first else footer.add_paragraph()
        first = False
        run = paragraph.add_run(_clean(line))
        run.font.size = Pt(8)
        run.font.color.rgb = MUTED
    _marking_paragraph(footer.add_paragraph(), doc)
    pages = footer.add_paragraph()
    pages.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    pages.add_run("Page ").font.size = Pt(8)
    _field(pages, "PAGE")
    pages.add_run(" of ").font.size = Pt(8)
    _field(pages, "NUMPAGES")


# --- section bodies (sanitized Markdown HTML) ------------------------------------------------------------------


def _inline(paragraph: Paragraph, nodes: list[Element | str], marks: frozenset[str] = frozenset()) -> None:
    """Text with bold, italics, code and links (a link shows its address after its words)."""
    for node in nodes:
        if isinstance(node, str):
            text = _clean(node)
            if text:
                _styled_run(paragraph.add_run(text), marks)
        elif node.tag == "br":
            paragraph.add_run().add_break()
        elif node.tag in _INLINE_STYLE:
            _inline(paragraph, node.children, marks | {_INLINE_STYLE[node.tag]})
        elif node.tag == "code":
            _inline(paragraph, node.children, marks | {"code"})
        elif node.tag == "a":
            _inline(paragraph, node.children, marks)
            href = node.attrs.get("href", "")
            if href and href != node.text().strip():
                _styled_run(paragraph.add_run(f" ({_clean(href)})"), marks)
        else:
            _inline(paragraph, node.children, marks)


def _styled_run(run: Run, marks: frozenset[str]) -> None:
    run.bold = "bold" in marks or None
    run.italic = "italic" in marks or None
    run.underline = "underline" in marks or None
    run.font.strike = "strike" in marks or None
    if "code" in marks:
        run.font.name = MONOSPACE


def _restart_numbering(document: WordDocument, style: str, start: int) -> int:
    """A new numbering instance of the style's list, starting at `start`: each numbered list counts from its own
    start instead of continuing the previous list."""
    numbering = document.part.numbering_part.element
    style_num = document.styles[style].element.pPr.numPr.numId.val
    abstract = numbering.num_having_numId(style_num).abstractNumId.val
    num = numbering.add_num(abstract)
    num.add_lvlOverride(ilvl=0).add_startOverride(start)
    return int(num.numId)


def _list(document: WordDocument, element: Element, depth: int) -> None:
    ordered = element.tag == "ol"
    style = ("List Number" if ordered else "List Bullet") + (f" {min(depth, 3)}" if depth > 1 else "")
    num_id = None
    if ordered:
        start = element.attrs.get("start", "1")
        num_id = _restart_numbering(document, style, int(start) if start.isdigit() else 1)
    for item in element.elements("li"):
        paragraph = document.add_paragraph(style=style)
        if num_id is not None:
            numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            numbering.get_or_add_numId().val = num_id
            numbering.get_or_add_ilvl().val = 0
        inline = [c for c in item.children if isinstance(c, str) or c.tag not in _BLOCK_TAGS]
        for block in item.elements("p"):  # a loose list wraps each item's text in <p>
            inline.extend([*block.children, "\n" if inline else ""])
        _inline(paragraph, [c.strip("\n") if isinstance(c, str) else c for c in inline])
        for nested in item.elements("ul", "ol"):
            _list(document, nested, depth + 1)


def _repeat_as_header(table: Table) -> None:
    row = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row.append(header)


def _table(document: WordDocument, element: Element) -> None:
    rows = [row for group in element.elements("thead", "tbody") for row in group.elements("tr")]
    rows += element.elements("tr")
    if not rows:
        return
    width = max(len(row.elements("th", "td")) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, cell in enumerate(row.elements("th", "td")):
            paragraph = table.cell(r, c).paragraphs[0]
            _inline(paragraph, cell.children, frozenset({"bold"}) if cell.tag == "th" else frozenset())
            align = cell.attrs.get("align", "")
            if align in ("center", "right"):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if align == "center" else WD_ALIGN_PARAGRAPH.RIGHT
    if element.elements("thead"):
        _repeat_as_header(table)


def _blocks(document: WordDocument, nodes: list[Element | str]) -> None:
    """A section body: headings (h3 and down, below the section's own), paragraphs, lists, tables, code, quotes."""
    loose: list[Element | str] = []

    def flush() -> None:
        if any(isinstance(node, Element) or node.strip() for node in loose):
            _inline(document.add_paragraph(), loose)
        loose.clear()

    for node in nodes:
        if isinstance(node, str) or node.tag not in _BLOCK_TAGS:
            loose.append(node)
            continue
        flush()
        tag = node.tag
        if tag[0] == "h":
            document.add_heading(_clean(node.text().strip()), level=min(max(int(tag[1]) - 1, 1), 9))
        elif tag == "p":
            _inline(document.add_paragraph(), node.children)
        elif tag in ("ul", "ol"):
            _list(document, node, 1)
        elif tag == "table":
            _table(document, node)
        elif tag == "pre":
            paragraph = document.add_paragraph(style="No Spacing")
            for i, line in enumerate(node.text().rstrip("\n").split("\n")):
                if i:
                    paragraph.add_run().add_break()
                paragraph.add_run(_clean(line)).font.name = MONOSPACE
        elif tag == "blockquote":
            for child in node.elements() or [node]:
                _inline(document.add_paragraph(style="Quote"), child.children)
        elif tag == "hr":
            document.add_paragraph("* * *").alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif tag == "dl":
            for item in node.elements("dt", "dd"):
                paragraph = document.add_paragraph()
                _inline(paragraph, item.children, frozenset({"bold"}) if item.tag == "dt" else frozenset())
                if item.tag == "dd":
                    paragraph.paragraph_format.left_indent = Mm(8)
    flush()


# --- the document ------------------------------------------------------------------------------------------------


def _note(document: WordDocument, text: str, *, color: RGBColor | None = None, bold: bool = False) -> None:
    run = document.add_paragraph().add_run(_clean(text))
    run.bold = bold or None
    if color is not None:
        run.font.color.rgb = color


def _record(document: WordDocument, doc: ExportDocument) -> None:
    rows = [
        ("Plan", doc.title),
        ("Agency", doc.agency),
        ("Version", f"v{doc.number} ({doc.state_label.lower()})"),
        ("Published", doc.published_label),
        ("Content hash (SHA-256)", doc.sha_label),
        ("Classification", doc.marking),
        ("Kind", doc.kind),
    ]
    if doc.facilities:
        rows.append(("Facilities", "; ".join(doc.facilities)))
    if doc.next_review:
        rows.append(("Next review", dateformat.format(doc.next_review, DATE_FORMAT)))
    if doc.change_summary:
        rows.append(("Changes in this version", doc.change_summary))
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for i, (label, value) in enumerate(rows):
        table.cell(i, 0).paragraphs[0].add_run(label).bold = True
        run = table.cell(i, 1).paragraphs[0].add_run(_clean(value))
        if label.startswith("Content hash") and doc.content_sha256:
            run.font.name = MONOSPACE
        table.cell(i, 0).width, table.cell(i, 1).width = Mm(50), Mm(125)


def _facts(document: WordDocument, doc: ExportDocument) -> None:
    document.add_heading("Key facts", level=1)
    _note(document, f"What v{doc.number} states about each building it covers.", color=MUTED)
    for group in doc.facts:
        document.add_paragraph().add_run(_clean(group.facility)).bold = True
        table = document.add_table(rows=len(group.facts) + 1, cols=2)
        table.style = "Table Grid"
        for c, heading in enumerate(("Fact", "As this plan states it")):
            table.cell(0, c).paragraphs[0].add_run(heading).bold = True
        for r, fact in enumerate(group.facts, 1):
            table.cell(r, 0).paragraphs[0].add_run(_clean(fact.label)).bold = True
            table.cell(r, 1).paragraphs[0].add_run(_clean(fact.text))
        _repeat_as_header(table)


def render_docx(doc: ExportDocument) -> bytes:
    """The .docx bytes of an export."""
    document = Document()
    document.core_properties.title = _clean(f"{doc.title} v{doc.number}")
    document.core_properties.author = _clean(doc.agency)
    document.core_properties.comments = f"Exported from Concord. Content hash (SHA-256): {doc.sha_label}"
    _page_setup(document, doc)

    agency = document.add_paragraph().add_run(_clean(doc.agency))
    agency.bold = True
    document.add_heading(_clean(doc.title), level=0)
    _note(document, f"Version {doc.number} · {doc.state_label}", color=MUTED)
    if doc.sensitive:
        _note(document, doc.caveat, color=RED, bold=True)
    if doc.status_note:
        _note(document, doc.status_note, bold=True)
    _record(document, doc)

    if doc.facts:
        _facts(document, doc)
    if doc.sections:
        document.add_heading("Contents", level=1)
        num_id = None
        for section in doc.sections:
            paragraph = document.add_paragraph(_clean(section.title), style="List Number")
            numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            num_id = num_id or _restart_numbering(document, "List Number", 1)
            numbering.get_or_add_numId().val = num_id
            numbering.get_or_add_ilvl().val = 0
    for section in doc.sections:
        document.add_heading(_clean(f"{section.number}. {section.title}"), level=1)
        _blocks(document, parse_html(str(section.html)).children)

    document.add_heading("Attachments", level=1)
    if doc.attachments:
        for attachment in doc.attachments:
            document.add_paragraph(
                _clean(
                    f"{attachment.filename} ({attachment.kind}, {filesizeformat(attachment.size)}) — "
                    f"SHA-256 {attachment.sha256}"
                ),
                style="List Bullet",
            )
        _note(
            document, "Attachments are not included in this copy; download them from the plan in Concord.", color=MUTED
        )
    else:
        document.add_paragraph("None.")
    _note(
        document,
        f"Exported from Concord on {dateformat.format(doc.reader.at, TIME_FORMAT)}. Check that this is still the "
        "current version before relying on it: the current version's content hash in Concord must match the one above.",
        color=MUTED,
    )
    out = BytesIO()
    document.save(out)
    return out.getvalue()

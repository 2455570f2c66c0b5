"""A section's change as people read it: both bodies rendered from Markdown, compared, and the result shown as
the newer text with inserted words in <ins> and deleted words in <del>.

Top-level blocks (paragraphs, headings, lists, tables, quotes) are first matched as wholes, so an unchanged
paragraph stays untouched and a changed one is compared word by word (lxml's htmldiff). Tables are compared
row by row and cell by cell here, never by htmldiff, so a changed cell never becomes an extra column and an
added or removed row is still a row. Everything that comes out is sanitized again (portal.markdown).
"""

import re
from collections.abc import Iterator
from difflib import SequenceMatcher
from html import escape

from django.utils.safestring import SafeString
from lxml import html as lxml_html
from lxml.html import HtmlElement
from lxml.html.diff import htmldiff

from plans.section_html import section_body_html
from portal.markdown import sanitize_html

ROW_ADDED, ROW_REMOVED = "diff-row--added", "diff-row--removed"
MARK_TAGS = frozenset({"ins", "del"})
ROW_CLASSES = {"tr": {ROW_ADDED, ROW_REMOVED}}
# htmldiff marks the whitespace between elements too; such marks say nothing and break table structure.
_EMPTY_MARK = re.compile(r"<(ins|del)>\s*</\1>")
# htmldiff writes a replacement as <ins>new</ins> <del>old</del>; people read the old words first.
_PLAIN = r"((?:(?!</?ins>|</?del>|</?li>).)*?)"  # content without marks (or list items) of its own
_INSERTED_THEN_DELETED = re.compile(rf"<ins>{_PLAIN}</ins>(\s*)<del>{_PLAIN}</del>", re.S)
_ITEM_INSERTED_THEN_DELETED = re.compile(rf"<li><ins>{_PLAIN}</ins></li>(\s*)<li><del>{_PLAIN}</del></li>", re.S)
_TAG = re.compile(r"<(/?)([a-z0-9]+)[^>]*?(/?)>")
_VOID = frozenset({"br", "hr", "img"})


def _blocks(html: str) -> list[HtmlElement]:
    """The top-level elements of a rendered section (loose text, which Markdown does not produce, is wrapped)."""
    if not html.strip():
        return []
    blocks: list[HtmlElement] = []
    for part in lxml_html.fragments_fromstring(html):
        if isinstance(part, str):
            if part.strip():
                paragraph = lxml_html.Element("p")
                paragraph.text = part
                blocks.append(paragraph)
        else:
            blocks.append(part)
    return blocks


def _outer(element: HtmlElement) -> str:
    return str(lxml_html.tostring(element, encoding="unicode", with_tail=False))


def _inner(element: HtmlElement) -> str:
    """An element's content without its own tag."""
    text = escape(element.text or "", quote=False)
    return text + "".join(str(lxml_html.tostring(child, encoding="unicode")) for child in element)


def _signature(element: HtmlElement) -> tuple[str, str]:
    return element.tag, " ".join(element.text_content().split())


def _balanced(fragment: str) -> bool:
    """Whether every tag the fragment opens it also closes (so it can be moved as a whole)."""
    depth = 0
    for closing, name, self_closing in _TAG.findall(fragment):
        if name in _VOID or self_closing:
            continue
        depth += -1 if closing else 1
        if depth < 0:
            return False
    return depth == 0


def _deleted_first(match: re.Match[str]) -> str:
    inserted, space, deleted = match.groups()
    if not (_balanced(inserted) and _balanced(deleted)):
        return match.group(0)
    return f"<del>{deleted}</del>{space or ' '}<ins>{inserted}</ins>"


def _deleted_item_first(match: re.Match[str]) -> str:
    inserted, space, deleted = match.groups()
    if not (_balanced(inserted) and _balanced(deleted)):
        return match.group(0)
    return f"<li><del>{deleted}</del></li>{space}<li><ins>{inserted}</ins></li>"


def _words(old: str, new: str) -> str:
    """Word-level marks between two HTML fragments: old words (del) before the new ones (ins)."""
    marked = _EMPTY_MARK.sub("", htmldiff(old, new))
    marked = _INSERTED_THEN_DELETED.sub(_deleted_first, marked)
    return _ITEM_INSERTED_THEN_DELETED.sub(_deleted_item_first, marked)


# --- tables -----------------------------------------------------------------------------------------------------


def _rows(table: HtmlElement, part: str) -> list[HtmlElement]:
    if part == "head":
        return list(table.xpath("./thead/tr"))
    return list(table.xpath("./tbody/tr | ./tr"))


def _cells(row: HtmlElement) -> list[HtmlElement]:
    return list(row.xpath("./th | ./td"))


def _cell(cell: HtmlElement, content: str) -> str:
    align = cell.get("align")
    attribute = f' align="{escape(align)}"' if align in ("left", "right", "center") else ""
    return f"<{cell.tag}{attribute}>{content}</{cell.tag}>"


def _row_marked(row: HtmlElement, mark: str) -> str:
    """A whole row added (ins) or removed (del): every cell's content marked, the row classed for its colour."""
    css = ROW_ADDED if mark == "ins" else ROW_REMOVED
    cells = "".join(
        _cell(cell, f"<{mark}>{_inner(cell)}</{mark}>" if cell.text_content().strip() else "") for cell in _cells(row)
    )
    return f'<tr class="{css}">{cells}</tr>'


def _cell_compared(before: HtmlElement, after: HtmlElement) -> str:
    if _signature(before) == _signature(after):
        return _cell(after, _inner(after))
    return _cell(after, _words(_inner(before), _inner(after)))


def _row_compared(old: HtmlElement, new: HtmlElement) -> str:
    old_cells, new_cells = _cells(old), _cells(new)
    if len(old_cells) != len(new_cells):
        return _row_marked(old, "del") + _row_marked(new, "ins")
    cells = "".join(_cell_compared(before, after) for before, after in zip(old_cells, new_cells, strict=True))
    return f"<tr>{cells}</tr>"


def _rows_compared(old: list[HtmlElement], new: list[HtmlElement]) -> Iterator[str]:
    matcher = SequenceMatcher(
        None,
        [tuple(_signature(c) for c in _cells(r)) for r in old],
        [tuple(_signature(c) for c in _cells(r)) for r in new],
        autojunk=False,
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            yield from (_outer(row) for row in new[j1:j2])
            continue
        paired = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for offset in range(paired):
            yield _row_compared(old[i1 + offset], new[j1 + offset])
        yield from (_row_marked(row, "del") for row in old[i1 + paired : i2])
        yield from (_row_marked(row, "ins") for row in new[j1 + paired : j2])


def _table(old: HtmlElement | None, new: HtmlElement | None) -> str:
    """A table compared row by row; a table only on one side has every row marked."""
    parts = []
    for part, wrapper in (("head", "thead"), ("body", "tbody")):
        before = _rows(old, part) if old is not None else []
        after = _rows(new, part) if new is not None else []
        if before or after:
            parts.append(f"<{wrapper}>{''.join(_rows_compared(before, after))}</{wrapper}>")
    return f"<table>{''.join(parts)}</table>"


# --- blocks -----------------------------------------------------------------------------------------------------


def _block_added_or_removed(block: HtmlElement, mark: str) -> str:
    if block.tag == "table":
        return _table(block, None) if mark == "del" else _table(None, block)
    return _words(_outer(block), "") if mark == "del" else _words("", _outer(block))


def _block_compared(old: HtmlElement, new: HtmlElement) -> str:
    if old.tag == "table" and new.tag == "table":
        return _table(old, new)
    if "table" in (old.tag, new.tag):
        return _block_added_or_removed(old, "del") + _block_added_or_removed(new, "ins")
    return _words(_outer(old), _outer(new))


def _replaced(old: list[HtmlElement], new: list[HtmlElement]) -> Iterator[str]:
    """Blocks that differ: paired by kind (a paragraph with a paragraph, a list with a list), the rest whole."""
    matcher = SequenceMatcher(None, [b.tag for b in old], [b.tag for b in new], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            yield from (_block_compared(a, b) for a, b in zip(old[i1:i2], new[j1:j2], strict=True))
        else:
            yield from (_block_added_or_removed(block, "del") for block in old[i1:i2])
            yield from (_block_added_or_removed(block, "ins") for block in new[j1:j2])


def _compared(old_html: str, new_html: str) -> Iterator[str]:
    old, new = _blocks(old_html), _blocks(new_html)
    matcher = SequenceMatcher(None, [_signature(b) for b in old], [_signature(b) for b in new], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            yield from (_outer(block) for block in new[j1:j2])
        else:
            yield from _replaced(old[i1:i2], new[j1:j2])


def markdown_diff(old: str, new: str, *, levels: int = 2) -> SafeString:
    """Two Markdown texts as the newer one rendered, with what was inserted in <ins> and deleted in <del>.

    `levels` moves the texts' own headings down, as on the plan page, below the section's heading. The result
    is sanitized HTML: only the tags of a rendered section plus ins and del, and the two row classes.
    """
    before = str(section_body_html(old, levels)) if old else ""
    after = str(section_body_html(new, levels)) if new else ""
    return html_diff(before, after)


def html_diff(before: str, after: str) -> SafeString:
    """Two rendered sections (as `section_body_html` makes them, or as stored for a released version) as the
    newer one with what was inserted in <ins> and deleted in <del>, sanitized."""
    marked = "\n".join(part.strip() for part in _compared(before, after))
    return sanitize_html(marked, extra_tags=MARK_TAGS, classes=ROW_CLASSES)

"""HTML (as mammoth writes it from a Word document) → the Markdown of the plan pages (portal/markdown.py:
CommonMark with GitHub's tables), written with markdownify.

Where markdownify's defaults would break an imported plan: a nested list is indented to its item's text (four
columns here, so it reads the same in any Markdown), a table cell holds one line (its paragraphs are joined with
line breaks), and text is escaped so that nothing typed in Word becomes markup, a link or raw HTML.
"""

import re

from bs4 import Tag
from markdownify import MarkdownConverter

# Characters that would start emphasis, code, a link, a table cell or an escape anywhere in a line.
_BACKSLASHED = re.compile(r"([\\`*_\[\]|])")
# At the start of a text (which may be the start of a line: after a line break, a list bullet or a cell) these
# would start a block: a heading (also `===` under a line), a list item or rule, a fence, a quotation, a numbered
# item (`1.` or `1)`).
_BLOCK_STARTS = (
    (re.compile(r"(^|\n)([ \t]*)(#{1,6}|[-+*=]+)(?=\s|$)"), r"\1\2\\\3"),
    (re.compile(r"(^|\n)([ \t]*)~(?=~~)"), r"\1\2\\~"),
    (re.compile(r"(^|\n)([ \t]*)>"), r"\1\2\\>"),
    (re.compile(r"(^|\n)([ \t]*)(\d{1,9})([.)])(?=\s|$)"), r"\1\2\3\\\4"),
)
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_BLANK_LINES = re.compile(r"\n{3,}")
_IN_CELL = {"td", "th"}
LIST_INDENT = 4  # the text of a list item starts this far in (more after a long number), and so do its children


def escape_text(text: str) -> str:
    """Plain text as Markdown that renders as the same text."""
    text = _BACKSLASHED.sub(r"\\\1", text)
    text = _ENTITY.sub("&amp;", text)
    # `<` would open raw HTML (the renderer drops it, and the text with it); an entity shows the character.
    text = text.replace("<", "&lt;")
    for pattern, replacement in _BLOCK_STARTS:
        text = pattern.sub(replacement, text)
    return text


class PlanMarkdownWriter(MarkdownConverter):
    """markdownify tuned for the plan pages' Markdown and for text that came from someone else's document."""

    def __init__(self) -> None:
        super().__init__(
            heading_style="ATX",
            bullets="-",
            strong_em_symbol="*",
            table_infer_header=True,  # Word tables have no header cells; their first row is the header
            autolinks=False,
            escape_asterisks=False,  # escape_text does all the escaping
            escape_underscores=False,
            escape_misc=False,
        )

    def escape(self, text: str, parent_tags: set[str]) -> str:
        return escape_text(text) if text else ""

    def convert_p(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = text.strip(" \t\r\n")
        if _IN_CELL & parent_tags:
            return f"\n{text}\n"  # one line of the cell (see _cell)
        if "_inline" in parent_tags:
            return f" {text} "
        return f"\n\n{text}\n\n" if text else ""

    def convert_li(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = (text or "").strip()
        if not text:
            return "\n"
        if _IN_CELL & parent_tags:
            return f"\n• {text}\n"
        parent = el.parent
        ordered = parent is not None and parent.name == "ol"
        bullet = f"{1 + len(el.find_previous_siblings('li'))}." if ordered else "-"
        marker = f"{bullet} ".ljust(LIST_INDENT)
        indent = " " * len(marker)  # a child belongs to the item only if indented to its text
        lines = text.split("\n")
        rest = [f"{indent}{line}" if line.strip() else "" for line in lines[1:]]
        return "\n".join([marker + lines[0], *rest]) + "\n"

    def _cell(self, el: Tag, text: str) -> str:
        # A Markdown table cell is one line: paragraphs and list items inside it are kept apart by line breaks.
        parts = [" ".join(line.split()) for line in text.split("\n") if line.strip()]
        colspan = el.get("colspan")
        span = int(colspan) if isinstance(colspan, str) and colspan.isdigit() else 1
        return " " + "<br>".join(parts) + " |" * max(1, min(span, 64))

    def convert_td(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return self._cell(el, text)

    def convert_th(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return self._cell(el, text)

    def _plain(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return text

    # Neither has Markdown in the renderer; their text is kept as it reads.
    convert_s = _plain
    convert_del = _plain
    convert_sup = _plain
    convert_sub = _plain

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        alt = el.get("alt")
        return escape_text(alt) if isinstance(alt, str) else ""


def html_to_markdown(html: str) -> str:
    """One section's HTML as Markdown, with at most one blank line in a row."""
    markdown = PlanMarkdownWriter().convert(html)
    return _BLANK_LINES.sub("\n\n", markdown).strip("\n")

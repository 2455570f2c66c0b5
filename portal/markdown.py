"""Plan sections are Markdown; they are rendered to HTML and sanitized before any page shows them.

Parsed as CommonMark (markdown-it-py) with GitHub's tables: a list may start right under a line of text, as
writers type it ("Responding units:" then "- Police staging: …"), and a nested list is indented under its item
(2 or 4 spaces). Raw HTML passes the parser and is left to the sanitizer below, which alone decides what stays.
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "dl",
    "dt",
    "dd",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
LINK_REL = "noopener noreferrer"
# Released sections keep the HTML rendered with these (plans/section_html.py): changing them re-renders them.


class _SectionMarkdown(MarkdownIt):
    """CommonMark that leaves every link target to the sanitizer, which keeps only the allowed URL schemes."""

    def validateLink(self, url: str) -> bool:
        # markdown-it would print a `javascript:` link as its source text; the sanitizer drops its target instead.
        return True


_PARSER = _SectionMarkdown("commonmark", {"html": True}).enable("table")


def sanitize_html(
    html: str, *, extra_tags: frozenset[str] = frozenset(), classes: dict[str, set[str]] | None = None
) -> SafeString:
    """Any HTML made from section text (rendered, or compared) cut down to the harmless tags above, plus
    `extra_tags` and the named `classes` per tag; links get rel=noopener noreferrer."""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS | extra_tags,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        allowed_classes=classes or {},
    )
    return mark_safe(cleaned)  # noqa: S308 — sanitized by nh3 just above


def render_markdown(text: str) -> SafeString:
    """Markdown → HTML with only harmless tags; links get rel=noopener noreferrer."""
    return sanitize_html(_PARSER.render(text or ""))

"""Template filters of the plan pages."""

import re

from django import template
from django.utils.safestring import SafeString, mark_safe

from portal.markdown import render_markdown

register = template.Library()

_HEADING = re.compile(r"<(/?)h([1-6])>")


@register.filter(name="section_markdown")
def section_markdown(text: str, levels: int = 2) -> SafeString:
    """A section body as sanitized HTML, its headings moved `levels` down so they sit below the section's own."""

    def demote(match: re.Match[str]) -> str:
        return f"<{match.group(1)}h{min(int(match.group(2)) + int(levels), 6)}>"

    # Only tag names change, and only of headings the sanitizer already let through (it strips their attributes).
    return mark_safe(_HEADING.sub(demote, str(render_markdown(text))))  # noqa: S308


@register.filter(name="short_hash")
def short_hash(value: str) -> str:
    """The first 12 characters of a SHA-256 hex digest, enough to compare copies by eye."""
    return (value or "")[:12]


@register.filter(name="slug_label")
def slug_label(value: str) -> str:
    """A stored slug such as `active_threat` as words a person reads: "Active threat"."""
    text = str(value or "").replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]

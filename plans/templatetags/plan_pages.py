"""Template filters of the plan pages."""

from django import template
from django.utils.safestring import SafeString

from plans.section_html import section_body_html

register = template.Library()


@register.filter(name="section_markdown")
def section_markdown(text: str, levels: int = 2) -> SafeString:
    """A section body rendered now (a draft's); released versions' sections carry their stored `html`."""
    return section_body_html(text, levels)


@register.filter(name="short_hash")
def short_hash(value: str) -> str:
    """The first 12 characters of a SHA-256 hex digest, enough to compare copies by eye."""
    return (value or "")[:12]


@register.filter(name="slug_label")
def slug_label(value: str) -> str:
    """A stored slug such as `active_threat` as words a person reads: "Active threat"."""
    text = str(value or "").replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]

"""Section bodies as the plan pages show them: HTML rendered from Markdown, sanitized, headings demoted below
the section's own heading.

A released version never changes, so its sections are rendered once, when it is published (in the publish
service's transaction), and stored (`SectionHtml`); every page then reads the stored HTML. Drafts are rendered on
every view. A released section without stored HTML, or with HTML stored by another renderer (another fingerprint:
the sanitizer's allowed tags and attributes, the Markdown and sanitizer libraries' versions, `REVISION`), is
rendered on the spot and stored, so pages stay correct during the backfill (`manage.py plans_render_sections`)
and after a renderer change.
"""

import hashlib
import json
import re
from collections.abc import Iterable
from importlib.metadata import version as package_version

from django.db import transaction
from django.utils.safestring import SafeString, mark_safe

from plans.models import Section, SectionHtml, VersionState
from portal import markdown

# Raise when the rendering changes in a way the fingerprint below cannot see (this module's or the parser's code).
REVISION = 1
# The pages' section headings are <h2>; a body's own headings sit below them.
HEADING_LEVELS = 2

_HEADING = re.compile(r"<(/?)h([1-6])>")


def _fingerprint() -> str:
    parts = [
        REVISION,
        HEADING_LEVELS,
        package_version("markdown-it-py"),
        package_version("nh3"),
        sorted(markdown.ALLOWED_TAGS),
        sorted((tag, sorted(names)) for tag, names in markdown.ALLOWED_ATTRIBUTES.items()),
        sorted(markdown.URL_SCHEMES),
        markdown.LINK_REL,
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


RENDERER = _fingerprint()


def section_body_html(body: str, levels: int = HEADING_LEVELS) -> SafeString:
    """A section body as sanitized HTML, its headings moved `levels` down so they sit below the section's own."""

    def demote(match: re.Match[str]) -> str:
        return f"<{match.group(1)}h{min(int(match.group(2)) + int(levels), 6)}>"

    # Only tag names change, and only of headings the sanitizer already let through (it strips their attributes).
    return mark_safe(_HEADING.sub(demote, str(markdown.render_markdown(body))))  # noqa: S308


def _stored(section: Section) -> str | None:
    """The stored HTML of a section loaded with `select_related("stored_html")`, if this renderer stored it."""
    try:
        stored = section.stored_html
    except SectionHtml.DoesNotExist:
        return None
    return stored.html if stored.renderer == RENDERER else None


def sections_html_attach(sections: Iterable[Section], *, released: dict[int, bool]) -> None:
    """Set `html` on each section: stored for a released version's (`released[version_id]`), else rendered.

    Sections must be loaded with `select_related("stored_html")`. Released sections found without (current)
    stored HTML are rendered and stored in one statement, so a page costs the same queries however many."""
    missing: list[SectionHtml] = []
    for section in sections:
        html = _stored(section) if released.get(section.version_id) else None
        if html is None:
            rendered = section_body_html(section.body)
            if released.get(section.version_id):
                missing.append(SectionHtml(section_id=section.pk, renderer=RENDERER, html=str(rendered)))
            section.html = rendered
        else:
            section.html = mark_safe(html)  # noqa: S308 — sanitized before storing
    if missing:
        _store(missing)


def _store(rows: list[SectionHtml]) -> None:
    # Ordered by key so that two requests filling the same sections take their row locks in the same order.
    rows.sort(key=lambda row: row.section_id)
    with transaction.atomic():
        SectionHtml.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["section"], update_fields=["renderer", "html"]
        )


def version_sections_html_store(*, version_id: int) -> int:
    """Render and store every section of a version that is leaving draft (the publish service calls it inside its
    transaction, so the version is never current without its HTML). Returns the number of sections."""
    rows = [
        SectionHtml(section_id=pk, renderer=RENDERER, html=str(section_body_html(body)))
        for pk, body in Section.objects.filter(version_id=version_id).values_list("pk", "body")
    ]
    if rows:
        _store(rows)
    return len(rows)


def sections_html_backfill(*, after_id: int, batch: int) -> tuple[int, int]:
    """One batch of the backfill, in its own transaction: the released sections with ids in (after_id,
    after_id + batch] that have no HTML from this renderer are rendered and stored. Returns (rendered, last id
    looked at); the caller moves on from there. Two range scans of primary keys, whatever the tables' size."""
    last_id = after_id + batch
    done = SectionHtml.objects.filter(section_id__gt=after_id, section_id__lte=last_id, renderer=RENDERER)
    rows = [
        SectionHtml(section_id=pk, renderer=RENDERER, html=str(section_body_html(body)))
        for pk, body in Section.objects.filter(pk__gt=after_id, pk__lte=last_id)
        .exclude(version__state=VersionState.DRAFT)
        .exclude(pk__in=list(done.values_list("section_id", flat=True)))
        .order_by()
        .values_list("pk", "body")
    ]
    if rows:
        _store(rows)
    return len(rows), last_id

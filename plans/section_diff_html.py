"""A changed section's marked text, compared once: the changes between two released versions' sections never
change (both are immutable), so their comparison (plans/diff_html.py, lxml's htmldiff, the costliest part of
"What changed") is stored per pair of sections (`SectionDiffHtml`) the first time a page shows it.

Only pairs of released sections are stored; a draft's changes, and a section added or removed (one side only),
are compared on every view. A row is found by the two sections' ids, which only a page that has read both
sections (of versions the reader may see) knows, so the table never shows anyone a section they could not read.
A row stored by other code (another fingerprint: the section renderer's, `REVISION`, the lxml version) counts as
missing and is compared and stored again.
"""

import hashlib
import json
from collections.abc import Iterable
from importlib.metadata import version as package_version

from django.db import transaction
from django.utils.safestring import SafeString, mark_safe

from plans.diff import SectionChange
from plans.diff_html import MARK_TAGS, ROW_CLASSES, html_diff
from plans.models import SectionDiffHtml
from plans.section_html import RENDERER as SECTION_RENDERER
from plans.section_html import sections_html_attach

# Raise when plans/diff_html.py's output changes.
REVISION = 1


def _fingerprint() -> str:
    parts = [REVISION, SECTION_RENDERER, package_version("lxml"), sorted(MARK_TAGS), sorted(ROW_CLASSES["tr"])]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


RENDERER = _fingerprint()

Pair = tuple[int, int]


def _pair(change: SectionChange, released: dict[int, bool]) -> Pair | None:
    """The stored row's key for a change between two released sections, else None (compared every time)."""
    before, after = change.before, change.after
    if before is None or after is None:
        return None
    if not (released.get(before.version_id) and released.get(after.version_id)):
        return None
    return before.pk, after.pk


def _stored(pairs: list[Pair]) -> dict[Pair, str]:
    if not pairs:
        return {}
    rows = SectionDiffHtml.objects.filter(
        before_id__in={before for before, _ in pairs}, after_id__in={after for _, after in pairs}, renderer=RENDERER
    )
    wanted = set(pairs)
    return {
        (before, after): html
        for before, after, html in rows.values_list("before_id", "after_id", "html")
        if (before, after) in wanted
    }


def _store(rows: list[SectionDiffHtml]) -> None:
    # Ordered by key so that two requests storing the same pairs take their row locks in the same order.
    rows.sort(key=lambda row: (row.before_id, row.after_id))
    with transaction.atomic():
        SectionDiffHtml.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["before", "after"], update_fields=["renderer", "html"]
        )


def section_changes_html(changes: Iterable[SectionChange], *, released: dict[int, bool]) -> list[SafeString]:
    """Each change's marked text (`html_diff` of the two sides' HTML), in order: stored for a pair of released
    sections (`released[version_id]`), else compared, and stored when both are released. One query to read
    (none without a released pair), at most two to store what was missing (section HTML, marked changes)."""
    changes = list(changes)
    pairs = {index: pair for index, change in enumerate(changes) if (pair := _pair(change, released)) is not None}
    stored = _stored(list(pairs.values()))
    todo = [change for index, change in enumerate(changes) if pairs.get(index) not in stored]
    sections_html_attach(
        [side for change in todo for side in (change.before, change.after) if side is not None], released=released
    )
    result: list[SafeString] = []
    missing: list[SectionDiffHtml] = []
    for index, change in enumerate(changes):
        pair = pairs.get(index)
        if pair in stored:
            result.append(mark_safe(stored[pair]))  # noqa: S308 — sanitized before it was stored
            continue
        before = str(change.before.html) if change.before else ""
        html = html_diff(before, str(change.after.html) if change.after else "")
        result.append(html)
        if (pair := pairs.get(index)) is not None:
            missing.append(SectionDiffHtml(before_id=pair[0], after_id=pair[1], renderer=RENDERER, html=str(html)))
    if missing:
        _store(missing)
    return result

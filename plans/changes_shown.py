"""The changed sections of a comparison as the "What changed" page, a To read item and a source change show
them: the newer text with insertions and deletions marked, compared from the two sides' rendered HTML (stored for
released versions, see plans/section_html.py, so no Markdown is parsed for them)."""

from typing import Any

from plans.changes import VersionChanges
from plans.diff_html import html_diff
from plans.section_html import sections_html_attach


def changed_sections_shown(changes: VersionChanges) -> list[dict[str, Any]]:
    """Each changed section (`change`) with `html`, its marked text; at most one query (storing what was missing)."""
    released = {version.pk: not version.is_draft for version in (changes.old, changes.new) if version is not None}
    changed = changes.changed_sections
    sections_html_attach(
        [side for change in changed for side in (change.before, change.after) if side is not None], released=released
    )
    return [
        {
            "change": change,
            "html": html_diff(
                str(change.before.html) if change.before else "", str(change.after.html) if change.after else ""
            ),
        }
        for change in changed
    ]

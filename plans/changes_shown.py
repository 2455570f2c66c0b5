"""The changed sections of a comparison as the "What changed" page, a To read item and a source change show
them: the newer text with insertions and deletions marked, compared from the two sides' rendered HTML (stored for
released versions, see plans/section_html.py, so no Markdown is parsed for them), and for two released versions
compared once and stored (plans/section_diff_html.py)."""

from typing import Any

from plans.changes import VersionChanges
from plans.section_diff_html import section_changes_html


def changed_sections_shown(changes: VersionChanges) -> list[dict[str, Any]]:
    """Each changed section (`change`) with `html`, its marked text; one query to read the stored comparisons of
    released sections, at most two more to store what was missing."""
    released = {version.pk: not version.is_draft for version in (changes.old, changes.new) if version is not None}
    changed = changes.changed_sections
    marked = section_changes_html(changed, released=released)
    return [{"change": change, "html": html} for change, html in zip(changed, marked, strict=True)]

"""Section-level comparison of two versions: which sections were added, removed or changed, and how."""

import difflib
from typing import Any, Literal

Change = Literal["added", "removed", "changed", "unchanged"]


def _unified(old: str, new: str, *, old_label: str, new_label: str) -> str:
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), fromfile=old_label, tofile=new_label, lineterm="")
    return "\n".join(lines)


def sections_diff(*, old: list[Any], new: list[Any], old_number: int, new_number: int) -> list[dict[str, Any]]:
    """Compare two ordered lists of sections by key; `new`'s order first, then removed ones."""
    old_by_key = {s.key: s for s in old}
    new_keys = {s.key for s in new}
    old_label, new_label = f"v{old_number}", f"v{new_number}"
    result: list[dict[str, Any]] = []
    for section in new:
        before = old_by_key.get(section.key)
        if before is None:
            change: Change = "added"
            diff = _unified("", section.body, old_label=old_label, new_label=new_label)
        elif before.body == section.body and before.title == section.title:
            change, diff = "unchanged", ""
        else:
            change = "changed"
            diff = _unified(before.body, section.body, old_label=old_label, new_label=new_label)
            if before.title != section.title:
                diff = f"title: {before.title!r} -> {section.title!r}\n{diff}".rstrip("\n")
        result.append({"key": section.key, "title": section.title, "change": change, "diff": diff})
    for section in old:
        if section.key not in new_keys:
            diff = _unified(section.body, "", old_label=old_label, new_label=new_label)
            result.append({"key": section.key, "title": section.title, "change": "removed", "diff": diff})
    return result

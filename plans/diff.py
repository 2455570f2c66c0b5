"""Pure comparisons of two versions' parts: which sections were added, removed or changed (with a unified diff of
the Markdown), and which attachments were added or removed. plans/changes.py reads the versions and composes them
with the key facts; nothing here touches the database."""

import difflib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from plans.models import Attachment, Section

SectionChangeKind = Literal["added", "removed", "changed", "unchanged"]
AttachmentChangeKind = Literal["added", "removed"]


@dataclass(frozen=True)
class SectionChange:
    """One section compared by key: `before`/`after` are the two versions' sections (None where absent);
    `diff` is the unified diff of the Markdown (the API's `diff`)."""

    key: str
    title: str
    change: SectionChangeKind
    diff: str
    before: Section | None
    after: Section | None

    @property
    def title_changed(self) -> bool:
        return self.before is not None and self.after is not None and self.before.title != self.after.title


@dataclass(frozen=True)
class AttachmentChange:
    """A file in one version and not the other (same name and SHA-256 = the same file; a replaced file is one
    removal and one addition)."""

    attachment: Attachment
    change: AttachmentChangeKind


def _unified(old: str, new: str, *, old_label: str, new_label: str) -> str:
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), fromfile=old_label, tofile=new_label, lineterm="")
    return "\n".join(lines)


def sections_diff(
    *, old: Sequence[Section], new: Sequence[Section], old_number: int, new_number: int
) -> list[SectionChange]:
    """Compare two ordered lists of sections by key; `new`'s order first, then removed ones."""
    old_by_key = {s.key: s for s in old}
    new_keys = {s.key for s in new}
    old_label, new_label = f"v{old_number}", f"v{new_number}"
    result: list[SectionChange] = []
    for section in new:
        before = old_by_key.get(section.key)
        change: SectionChangeKind
        if before is None:
            change, diff = "added", _unified("", section.body, old_label=old_label, new_label=new_label)
        elif before.body == section.body and before.title == section.title:
            change, diff = "unchanged", ""
        else:
            change = "changed"
            diff = _unified(before.body, section.body, old_label=old_label, new_label=new_label)
            if before.title != section.title:
                diff = f"title: {before.title!r} -> {section.title!r}\n{diff}".rstrip("\n")
        result.append(
            SectionChange(key=section.key, title=section.title, change=change, diff=diff, before=before, after=section)
        )
    for section in old:
        if section.key not in new_keys:
            diff = _unified(section.body, "", old_label=old_label, new_label=new_label)
            result.append(
                SectionChange(
                    key=section.key, title=section.title, change="removed", diff=diff, before=section, after=None
                )
            )
    return result


def attachments_diff(*, old: Iterable[Attachment], new: Iterable[Attachment]) -> list[AttachmentChange]:
    """Files removed (in the older version's order), then files added (in the newer one's)."""
    before, after = list(old), list(new)
    kept = Counter((a.filename, a.sha256) for a in before) & Counter((a.filename, a.sha256) for a in after)
    sides: tuple[tuple[list[Attachment], AttachmentChangeKind], ...] = ((before, "removed"), (after, "added"))
    changes: list[AttachmentChange] = []
    for attachments, kind in sides:
        left = Counter(kept)
        for attachment in attachments:
            identity = (attachment.filename, attachment.sha256)
            if left[identity] > 0:
                left[identity] -= 1
                continue
            changes.append(AttachmentChange(attachment=attachment, change=kind))
    return changes

"""What changed between two versions of a plan: key facts first, then sections, then attachments.

The one service behind the "What changed" page, the API's `diff/` and the e-mail about a new version (its
summary is computed once per published version during the alert fan-out, see `published_version_changes`, and
once per source version and built-on version for the plans that build on it, see sources/publish_hooks.py).
The callers pass versions they have already found visible (access.http.visible_version / versions_visible), or,
for the fan-out, released versions only, which every recipient of the alert may read.
"""

from dataclasses import dataclass
from typing import Any

from access.plans import RELEASED_STATES
from consistency.fact_diff import FactChange, facts_diff
from consistency.fact_selectors import facts_of_versions
from plans.diff import AttachmentChange, SectionChange, attachments_diff, sections_diff
from plans.models import Attachment, PlanVersion, Section


@dataclass(frozen=True)
class VersionChanges:
    """Everything that differs from `old` (None: `new` is compared with nothing) to `new`."""

    old: PlanVersion | None
    new: PlanVersion
    facts: list[FactChange]
    sections: list[SectionChange]
    attachments: list[AttachmentChange]

    @property
    def changed_sections(self) -> list[SectionChange]:
        return [s for s in self.sections if s.change != "unchanged"]

    @property
    def unchanged_sections(self) -> list[SectionChange]:
        return [s for s in self.sections if s.change == "unchanged"]

    @property
    def new_sections(self) -> list[Section]:
        return [s.after for s in self.sections if s.after is not None]

    def count(self, change: str) -> int:
        return sum(1 for s in self.sections if s.change == change)


def version_changes(*, old: PlanVersion | None, new: PlanVersion) -> VersionChanges:
    """Compare two versions of one plan in three queries (sections, attachments, key facts), however big."""
    ids = [new.pk] if old is None else [old.pk, new.pk]
    versions = {new.pk: new} if old is None else {old.pk: old, new.pk: new}
    sections: dict[int, list[Section]] = {version_id: [] for version_id in ids}
    for section in Section.objects.filter(version_id__in=ids).select_related("stored_html").order_by("position", "pk"):
        sections[section.version_id].append(section)
    attachments: dict[int, list[Attachment]] = {version_id: [] for version_id in ids}
    for attachment in Attachment.objects.filter(version_id__in=ids).order_by("uploaded_at", "pk"):
        attachment.version = versions[attachment.version_id]  # download links name it: no query per file
        attachments[attachment.version_id].append(attachment)
    facts = facts_of_versions(version_ids=ids)
    old_id = old.pk if old is not None else None
    return VersionChanges(
        old=old,
        new=new,
        facts=facts_diff(old=facts.get(old_id, []) if old_id else [], new=facts[new.pk]),
        sections=sections_diff(
            old=sections[old_id] if old_id else [],
            new=sections[new.pk],
            old_number=old.number if old is not None else 0,
            new_number=new.number,
        ),
        attachments=attachments_diff(old=attachments[old_id] if old_id else [], new=attachments[new.pk]),
    )


def changes_summary(changes: VersionChanges, *, file_names: bool = True) -> dict[str, Any]:
    """The names of what changed, as JSON (kept on the outbox event for the e-mails): fact labels with their
    building, section titles, and the attachments' file names (or, without `file_names`, only their number).
    Never a fact's value or a section's text."""
    sections: dict[str, list[str]] = {"changed": [], "added": [], "removed": []}
    for section in changes.changed_sections:
        sections[section.change].append(section.title)
    files = {
        kind: [a.attachment.filename for a in changes.attachments if a.change == kind] for kind in ("added", "removed")
    }
    return {
        "against": changes.old.number if changes.old is not None else None,
        "facts": [{"label": f.label, "facility": f.facility_name, "change": f.change} for f in changes.facts],
        "sections": sections,
        "attachments": {
            **{kind: names if file_names else [] for kind, names in files.items()},
            **{f"{kind}_count": len(names) for kind, names in files.items()},
        },
    }


def published_version_changes(*, plan_id: int, number: int) -> dict[str, Any] | None:
    """The summary of what released version `number` changed since the released version before it (as the
    "What changed" page compares by default when the reader acknowledged nothing newer); None for a first
    version or a version that is gone. Both versions are released, so whoever may read the plan may read them;
    a law-enforcement-sensitive plan's file names are not kept (its mails count the files)."""
    versions = list(
        PlanVersion.objects.filter(plan_id=plan_id, number__lte=number, state__in=RELEASED_STATES)
        .select_related("plan")
        .order_by("-number")[:2]
    )
    if len(versions) < 2 or versions[0].number != number:
        return None
    return changes_between(old=versions[1], new=versions[0])


def changes_between(*, old: PlanVersion | None, new: PlanVersion) -> dict[str, Any]:
    """The summary of what `new` changed since `old` (None: everything in `new` is added), as kept on outbox
    events: a new version's own alert, and the alert to the plans that build on it since the version each was
    written against. The caller passes versions every recipient may read; no file names for a sensitive plan."""
    return changes_summary(version_changes(old=old, new=new), file_names=not new.plan.is_law_enforcement_sensitive)

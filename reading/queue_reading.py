"""What a "To read" item shows: the changes since the version the person last acknowledged (key facts first,
as on the "What changed" page), or the whole current version when they never acknowledged one."""

from typing import Any

from access.plans import PlanAccess
from plans.changes import version_changes
from plans.changes_shown import changed_sections_shown
from plans.models import PlanVersion
from plans.selectors import version_sections_shown
from reading.selectors_queue import ToReadItem


def _last_read_version(item: ToReadItem, access: PlanAccess) -> PlanVersion | None:
    if item.last_read_number is None:
        return None
    old = PlanVersion.objects.filter(plan=item.plan, number=item.last_read_number).first()
    return old if old is not None and access.can_read_version(old) else None


def queue_item_reading(*, item: ToReadItem, access: PlanAccess) -> dict[str, Any]:
    """The template context of the item's reading: `old`, `new` and the changes, or `sections` of `new`."""
    new = item.version
    old = _last_read_version(item, access)
    if old is None:
        return {"old": None, "new": new, "sections": version_sections_shown(version=new)}
    changes = version_changes(old=old, new=new)
    section_changes = changed_sections_shown(changes)
    return {
        "old": old,
        "new": new,
        "changes": changes,
        "section_changes": section_changes,
        "counts": {kind: changes.count(kind) for kind in ("changed", "added", "removed", "unchanged")},
        "attachments_added": [a.attachment for a in changes.attachments if a.change == "added"],
        "attachments_removed": [a.attachment for a in changes.attachments if a.change == "removed"],
    }

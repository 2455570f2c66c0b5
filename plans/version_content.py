"""Two versions compared by content: their ordered sections, their buildings' key facts and their attachments.

The change summary and the number are left out on purpose: a draft that only says "annual review" again holds
nothing a partner has not already read, so publishing it would alert everyone to a change that is not one.
"""

from collections import defaultdict
from typing import Any

from django.db.models import Model, QuerySet

from consistency.models import FacilityFact
from plans.models import Attachment, PlanVersion, Section


def _same_rows(rows: QuerySet[Model, tuple[Any, ...]], first: int, second: int) -> bool:
    """Whether two versions have the same rows; each row starts with its version id."""
    by_version: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for version_id, *rest in rows:
        by_version[version_id].append(tuple(rest))
    return by_version[first] == by_version[second]


def same_content(*, version: PlanVersion, other_id: int) -> bool:
    """Whether the version says exactly what version `other_id` says (one to three queries: it stops at the
    first difference)."""
    ids = [version.pk, other_id]
    sections = (
        Section.objects.filter(version_id__in=ids)
        .order_by("version_id", "position")
        .values_list("version_id", "key", "title", "body")
    )
    facts = (
        FacilityFact.objects.filter(version_id__in=ids)
        .order_by("version_id", "facility_id", "key")
        .values_list("version_id", "facility_id", "key", "text", "latitude", "longitude")
    )
    attachments = (
        Attachment.objects.filter(version_id__in=ids)
        .order_by("version_id", "filename", "sha256")
        .values_list("version_id", "filename", "sha256")
    )
    return all(_same_rows(rows, version.pk, other_id) for rows in (sections, facts, attachments))


def published_twin(*, version: PlanVersion) -> PlanVersion | None:
    """The plan's current version when `version` says exactly the same (publishing it would change nothing)."""
    current_id = version.plan.current_version_id
    if current_id is None or current_id == version.pk or not same_content(version=version, other_id=current_id):
        return None
    return PlanVersion.objects.get(pk=current_id)


def nothing_to_publish_message(*, twin: PlanVersion) -> str:
    """What the web page and the API say when a draft holds nothing new."""
    return (
        f"Nothing to publish — this draft is the same as v{twin.number} (its sections, key facts and attachments). "
        "For an annual review that found nothing to change, use “Mark reviewed — no changes” instead: "
        "it restarts the review clock without alerting partners."
    )

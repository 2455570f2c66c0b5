"""What publishing or withdrawing a version means for sources, called by plans/services/versions.py inside its
transaction: a plan's new version records the source versions it was written against (closing its open source
reviews), and a source's new or withdrawn version opens a review on every plan built on it, alerting each
owner once."""

from collections import defaultdict
from typing import Any

from django.utils import timezone

from access.sources import agencies_reading_source, sources_readable_by_agency
from notifications.models import EventType
from notifications.services import outbox_event_record
from plans.changes import published_version_changes
from plans.models import Plan, PlanVersion
from sources.models import (
    OPEN_STATUSES,
    PlanSource,
    PlanSourceVersion,
    SourceChange,
    SourceChangeKind,
    SourceChangeStatus,
)


def source_versions_record(*, plan: Plan, version: PlanVersion) -> None:
    """The newly published `version` of `plan` was written against each source's current version (one the
    owner may read; else none is recorded); the plan's open source reviews are folded into it."""
    links = list(PlanSource.objects.filter(plan=plan).select_related("source_plan").order_by("pk"))
    readable = sources_readable_by_agency(sources=[link.source_plan for link in links], agency_id=plan.owner_agency_id)
    PlanSourceVersion.objects.bulk_create(
        [
            PlanSourceVersion(
                version=version,
                source_plan_id=link.source_plan_id,
                source_version_id=link.source_plan.current_version_id if link.source_plan_id in readable else None,
                section_key=link.section_key,
            )
            for link in links
        ],
        ignore_conflicts=True,
    )
    SourceChange.objects.filter(plan=plan, status__in=OPEN_STATUSES).update(
        status=SourceChangeStatus.FOLDED_IN, closed_by_version=version, decided_at=timezone.now()
    )


def _changed_sections(source: Plan, version: PlanVersion) -> list[str]:
    """The titles of the sections the source's new version changed (none kept for a sensitive source)."""
    if source.is_law_enforcement_sensitive:
        return []
    summary = published_version_changes(plan_id=source.pk, number=version.number)
    if summary is None:
        return []
    return [title for titles in summary["sections"].values() for title in titles]


def source_changes_record(*, source: Plan, version: PlanVersion, kind: SourceChangeKind) -> list[SourceChange]:
    """Open a review on every plan that builds on `source` and whose owner may still read it, for the source's
    `version` just published or withdrawn; each owner is alerted through the outbox once (a dedupe key per plan
    and source version). Idempotent: a second call creates nothing."""
    links = list(
        PlanSource.objects.filter(source_plan=source)
        .select_related("plan")
        .order_by("plan_id", "section_key")
        .only("plan_id", "section_key", "plan__owner_agency_id", "plan__current_version_id", "plan__title")
    )
    if not links:
        return []
    readers = agencies_reading_source(source=source, agency_ids={link.plan.owner_agency_id for link in links})
    plans: dict[int, Plan] = {}
    keys: dict[int, list[str]] = defaultdict(list)
    for link in links:
        if link.plan.owner_agency_id in readers:
            plans[link.plan_id] = link.plan
            keys[link.plan_id].append(link.section_key)
    built_on = dict(
        PlanSourceVersion.objects.filter(
            version_id__in=[plan.current_version_id for plan in plans.values() if plan.current_version_id],
            source_plan=source,
        ).values_list("version__plan_id", "source_version_id")
    )
    now = timezone.now()
    sections = _changed_sections(source, version) if kind == SourceChangeKind.PUBLISHED else []
    created: list[SourceChange] = []
    for plan_id, plan in plans.items():
        change, made = SourceChange.objects.get_or_create(
            plan_id=plan_id,
            source_version=version,
            kind=kind,
            defaults={
                "source_plan": source,
                "built_on_id": built_on.get(plan_id),
                "section_keys": keys[plan_id],
                "created_at": now,
            },
        )
        if not made:
            continue
        created.append(change)
        payload: dict[str, Any] = {
            "plan": plan_id,
            "plan_title": plan.title,
            "owner_agency": plan.owner_agency_id,
            "source_plan": source.pk,
            "source_title": source.title,
            "source_version": version.number,
            "kind": str(kind),
            "change": change.pk,
            "sections": sections,
            "section_keys": keys[plan_id],
        }
        outbox_event_record(
            event_type=EventType.SOURCE_CHANGED,
            plan=plan,
            payload=payload,
            dedupe_key=f"source.changed:{plan_id}:{version.pk}:{kind}",
        )
    return created

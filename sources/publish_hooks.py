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
from plans.changes import changes_between
from plans.models import Plan, PlanVersion, Section
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


# A summary per built-on version (None: nothing recorded), computed once however many plans share it.
Summaries = dict[int | None, dict[str, Any]]


def _changes_since(source: Plan, version: PlanVersion, built_on_ids: set[int | None]) -> Summaries:
    """What the source's new `version` changed since each version a dependent plan was written against
    (plans.changes, the summary the "What changed" page and the new version's own alert use). None kept for
    a sensitive source: its alert names no section."""
    if source.is_law_enforcement_sensitive:
        return {}
    olds = PlanVersion.objects.in_bulk([pk for pk in built_on_ids if pk is not None])
    version.plan = source
    return {pk: changes_between(old=olds.get(pk) if pk is not None else None, new=version) for pk in built_on_ids}


def _section_titles(plans: dict[int, Plan]) -> dict[tuple[int, str], str]:
    """The titles of the plans' sections in their current versions, by (plan, key) (one query)."""
    rows = Section.objects.filter(
        version_id__in=[plan.current_version_id for plan in plans.values() if plan.current_version_id]
    ).values_list("version__plan_id", "key", "title")
    return {(plan_id, key): title for plan_id, key, title in rows}


def _source_changes(
    plan_id: int,
    keys: list[str],
    built_on: dict[tuple[int, str], int | None],
    summaries: Summaries,
    titles: dict[tuple[int, str], str],
) -> list[dict[str, Any]]:
    """What the source changed for this plan: one entry per version its declared links were written against
    (usually one), naming the plan's sections declared on the source ([]: the plan as a whole)."""
    by_old: dict[int | None, list[str]] = {}
    for key in keys:
        by_old.setdefault(built_on.get((plan_id, key)), []).append(key)
    return [
        {
            "for_sections": [titles.get((plan_id, key), key) for key in declared if key],
            "changes": summaries[old],
        }
        for old, declared in by_old.items()
        if old in summaries
    ]


def _changed_titles(entries: list[dict[str, Any]]) -> list[str]:
    """The source's section titles the entries name as changed, added or removed, each once, in order."""
    titles = [
        title
        for entry in entries
        for kind in ("changed", "added", "removed")
        for title in entry["changes"]["sections"][kind]
    ]
    return list(dict.fromkeys(titles))


def source_changes_record(*, source: Plan, version: PlanVersion, kind: SourceChangeKind) -> list[SourceChange]:
    """Open a review on every plan that builds on `source` and whose owner may still read it, for the source's
    `version` just published or withdrawn; each owner is alerted through the outbox once (a dedupe key per plan
    and source version), with what the source changed since the version each declared link was written against.
    Idempotent: a second call creates nothing."""
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
    if SourceChange.objects.filter(plan_id__in=plans, source_version=version, kind=kind).count() == len(plans):
        return []  # already recorded for every plan: nothing to compute
    # The source version each declared link of each plan's current version was written against.
    built_on: dict[tuple[int, str], int | None] = {
        (plan_id, key): source_version_id
        for plan_id, key, source_version_id in PlanSourceVersion.objects.filter(
            version_id__in=[plan.current_version_id for plan in plans.values() if plan.current_version_id],
            source_plan=source,
        ).values_list("version__plan_id", "section_key", "source_version_id")
    }
    published = kind == SourceChangeKind.PUBLISHED
    needed = {built_on.get((plan_id, key)) for plan_id in plans for key in keys[plan_id]}
    summaries = _changes_since(source, version, needed) if published else {}
    titles = _section_titles(plans) if summaries else {}
    now = timezone.now()
    created: list[SourceChange] = []
    for plan_id, plan in plans.items():
        # The review compares with the version the plan's first declared link was written against.
        first_built_on = built_on.get((plan_id, keys[plan_id][0]))
        change, made = SourceChange.objects.get_or_create(
            plan_id=plan_id,
            source_version=version,
            kind=kind,
            defaults={
                "source_plan": source,
                "built_on_id": first_built_on,
                "section_keys": keys[plan_id],
                "created_at": now,
            },
        )
        if not made:
            continue
        created.append(change)
        entries = _source_changes(plan_id, keys[plan_id], built_on, summaries, titles)
        payload: dict[str, Any] = {
            "plan": plan_id,
            "plan_title": plan.title,
            "owner_agency": plan.owner_agency_id,
            "source_plan": source.pk,
            "source_title": source.title,
            "source_version": version.number,
            "kind": str(kind),
            "change": change.pk,
            "sections": _changed_titles(entries),
            "section_keys": keys[plan_id],
            "source_changes": entries,
        }
        outbox_event_record(
            event_type=EventType.SOURCE_CHANGED,
            plan=plan,
            payload=payload,
            dedupe_key=f"source.changed:{plan_id}:{version.pk}:{kind}",
        )
    return created

"""Reads about sources; each takes the asking user, and a source the user may not read now is shown without its
title or versions ("source no longer visible"). Every function runs a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Min, Q, QuerySet

from access.plans import plans_visible_to, visible_plan_exists
from access.sources import sources_visible
from agencies.models import Agency, Facility
from plans.models import Plan
from portal.compiled_queries import CompiledQuery
from sources.models import OPEN_STATUSES, PlanSource, PlanSourceVersion, SourceChange, SourceChangeStatus

Actor = User | AnonymousUser
SourceState = Literal["current", "pending", "reviewed", "withdrawn", "not_recorded", "hidden"]


@dataclass(frozen=True)
class SourceRow:
    """One declared source of a plan as the reader may know it (None/blank where the source is hidden)."""

    link_id: int
    section_key: str
    state: SourceState
    source_plan_id: int | None = None
    title: str = ""
    owner_name: str = ""
    # The source's version the plan's current version was written against, and the source's current one now.
    recorded_number: int | None = None
    current_number: int | None = None
    open_change: SourceChange | None = None

    @property
    def visible(self) -> bool:
        return self.state != "hidden"

    @property
    def changed(self) -> bool:
        return self.state == "pending"


@dataclass(frozen=True)
class PlanSources:
    """A plan's sources and how many of them moved on since its current version."""

    rows: list[SourceRow]
    changed: int = 0
    total: int = 0
    hidden: int = 0

    @property
    def all_current(self) -> bool:
        return bool(self.rows) and self.changed == 0 and all(row.state in ("current", "reviewed") for row in self.rows)


def _state(
    link: PlanSource,
    recorded: dict[tuple[int, str], PlanSourceVersion],
    open_change: SourceChange | None,
    reviewed: set[tuple[int, int]],
    plan: Plan,
) -> SourceState:
    current = link.source_plan.current_version_id
    if open_change is not None:
        return "pending"
    row = recorded.get((link.source_plan_id, link.section_key))
    if plan.current_version_id is None or row is None:
        return "not_recorded"
    if current is None:
        return "withdrawn"
    if row.source_version_id == current or (link.source_plan_id, current) in reviewed:
        return "current" if row.source_version_id == current else "reviewed"
    return "pending"


# The plan page's two plain reads of its links, by SQL compiled once per process.
_LINKS = CompiledQuery(
    lambda plan_id: (
        PlanSource.objects.filter(plan_id=plan_id)
        .select_related("source_plan__owner_agency", "source_plan__current_version")
        .order_by("source_plan__title", "section_key", "pk")
    ),
    "plan_id",
)
_DEPENDENT_IDS = CompiledQuery(
    lambda plan_id: PlanSource.objects.filter(source_plan_id=plan_id).order_by().values_list("plan_id"), "plan_id"
)


def plan_sources(*, user: Actor, plan: Plan) -> PlanSources:
    """The plan's declared sources (five queries, however many): for each, the source version the plan's current
    version was written against and whether the source moved on since; hidden sources show nothing of themselves."""
    links = _LINKS(plan_id=plan.pk)
    if not links:
        return PlanSources(rows=[])
    visible = sources_visible(user=user, plan_ids={link.source_plan_id for link in links})
    recorded: dict[tuple[int, str], PlanSourceVersion] = {}
    if plan.current_version_id:
        for row in PlanSourceVersion.objects.filter(version_id=plan.current_version_id).select_related(
            "source_version"
        ):
            recorded[(row.source_plan_id, row.section_key)] = row
    changes = SourceChange.objects.filter(plan=plan).filter(
        Q(status__in=OPEN_STATUSES) | Q(status=SourceChangeStatus.NO_CHANGE)
    )
    open_changes: dict[int, SourceChange] = {}
    reviewed: set[tuple[int, int]] = set()
    for change in changes.select_related("source_version", "built_on").order_by("created_at", "pk"):
        if change.is_open:
            open_changes[change.source_plan_id] = change  # the newest open one
        else:
            reviewed.add((change.source_plan_id, change.source_version_id))
    rows: list[SourceRow] = []
    for link in links:
        if link.source_plan_id not in visible:
            rows.append(SourceRow(link_id=link.pk, section_key=link.section_key, state="hidden"))
            continue
        source = link.source_plan
        record = recorded.get((source.pk, link.section_key))
        recorded_version = record.source_version if record is not None else None
        rows.append(
            SourceRow(
                link_id=link.pk,
                section_key=link.section_key,
                state=_state(link, recorded, open_changes.get(source.pk), reviewed, plan),
                source_plan_id=source.pk,
                title=source.title,
                owner_name=source.owner_agency.name,
                recorded_number=recorded_version.number if recorded_version is not None else None,
                current_number=source.current_version.number if source.current_version is not None else None,
                open_change=open_changes.get(source.pk),
            )
        )
    shown = {row.source_plan_id for row in rows if row.visible}
    changed = {row.source_plan_id for row in rows if row.changed}
    hidden = len({link.source_plan_id for link in links} - shown)
    return PlanSources(rows=rows, changed=len(changed), total=len(shown) + hidden, hidden=hidden)


@dataclass(frozen=True)
class ChangeRow:
    """An open source change of a plan, for its review list and the editor."""

    change: SourceChange
    source_title: str
    owner_name: str
    source_number: int
    built_on_number: int | None


def _change_rows(user: Actor, changes: QuerySet[SourceChange]) -> list[ChangeRow]:
    rows = list(
        changes.select_related("source_plan__owner_agency", "source_version", "built_on").order_by("created_at", "pk")
    )
    visible = sources_visible(user=user, plan_ids={change.source_plan_id for change in rows})
    return [_change_row(change) for change in rows if change.source_plan_id in visible]


def _change_row(change: SourceChange) -> ChangeRow:
    return ChangeRow(
        change=change,
        source_title=change.source_plan.title,
        owner_name=change.source_plan.owner_agency.name,
        source_number=change.source_version.number,
        built_on_number=change.built_on.number if change.built_on is not None else None,
    )


def open_source_changes(*, user: Actor, plan: Plan) -> list[ChangeRow]:
    """The plan's open source changes whose source the user may read now, oldest first (two queries)."""
    return _change_rows(user, SourceChange.objects.filter(plan=plan, status__in=OPEN_STATUSES))


def source_changes_of_plan(*, user: Actor, plan: Plan, open_only: bool = True) -> list[ChangeRow]:
    """The plan's source changes (open ones, or all) whose source the user may read now, oldest first."""
    changes = SourceChange.objects.filter(plan=plan)
    return _change_rows(user, changes.filter(status__in=OPEN_STATUSES) if open_only else changes)


def source_change_of_plan(*, user: Actor, plan: Plan, change_id: int) -> SourceChange | None:
    """One source change of the plan, if the user may read its source now (else None: a 404)."""
    change = (
        SourceChange.objects.filter(plan=plan, pk=change_id)
        .select_related("source_plan__owner_agency", "source_version", "built_on", "draft")
        .first()
    )
    if change is None or change.source_plan_id not in sources_visible(user=user, plan_ids=[change.source_plan_id]):
        return None
    return change


def editor_source_changes(*, user: Actor, plan: Plan) -> dict[str, list[ChangeRow]]:
    """Open source changes by the plan section they concern ("" for the plan as a whole), for the editor."""
    by_key: dict[str, list[ChangeRow]] = defaultdict(list)
    for row in open_source_changes(user=user, plan=plan):
        for key in row.change.section_keys or [""]:
            by_key[key].append(row)
    return dict(by_key)


@dataclass(frozen=True)
class Dependents:
    """Plans that build on a plan: those the reader may see, and how many others (never their titles)."""

    plans: list[Plan] = field(default_factory=list)
    others: int = 0


def plan_dependents(*, user: Actor, plan: Plan) -> Dependents:
    """Which plans build on `plan` (two queries): the ones the user may see by title and agency, the rest counted."""
    ids = {plan_id for (plan_id,) in _DEPENDENT_IDS(plan_id=plan.pk)}
    if not ids:
        return Dependents()
    shown = list(
        plans_visible_to(user=user)
        .filter(pk__in=ids)
        .select_related("owner_agency")
        .order_by("owner_agency__name", "title")
    )
    return Dependents(plans=shown, others=len(ids) - len(shown))


@dataclass(frozen=True)
class PlanPicture:
    """One of an agency's plans with sources: how many moved on since its current version."""

    plan: Plan
    total: int
    changed: int
    oldest_pending: object = None
    changes: list[ChangeRow] = field(default_factory=list)


def agency_source_picture(*, user: Actor, agency: Agency) -> list[PlanPicture]:
    """The agency's plans that build on others, the ones with the oldest pending source change first, then the
    ones whose version is oldest (three queries)."""
    plans = list(
        plans_visible_to(user=user)
        .filter(owner_agency=agency, source_links__isnull=False)
        .annotate(
            source_total=Count("source_links__source_plan", distinct=True),
            oldest_pending=Min("source_changes__created_at", filter=Q(source_changes__status__in=OPEN_STATUSES)),
        )
        .order_by("title", "pk")
    )
    changes = list(
        SourceChange.objects.filter(plan_id__in=[plan.pk for plan in plans], status__in=OPEN_STATUSES)
        .select_related("source_plan__owner_agency", "source_version", "built_on")
        .order_by("created_at", "pk")
    )
    visible = sources_visible(user=user, plan_ids={change.source_plan_id for change in changes})
    by_plan: dict[int, list[ChangeRow]] = defaultdict(list)
    changed_sources: dict[int, set[int]] = defaultdict(set)
    for change in changes:
        changed_sources[change.plan_id].add(change.source_plan_id)
        if change.source_plan_id in visible:
            by_plan[change.plan_id].append(_change_row(change))
    pictures = [
        PlanPicture(
            plan=plan,
            total=plan.source_total,
            changed=len(changed_sources[plan.pk]),
            oldest_pending=plan.oldest_pending,
            changes=by_plan[plan.pk],
        )
        for plan in plans
    ]

    def order(picture: PlanPicture) -> tuple[int, str, str]:
        published = picture.plan.current_version.published_at if picture.plan.current_version else None
        pending = picture.oldest_pending.isoformat() if picture.oldest_pending else ""  # type: ignore[attr-defined]
        return (0 if pending else 1, pending, published.isoformat() if published else "")

    return sorted(pictures, key=order)


def dashboard_source_changes(*, user: Actor, agency: Agency) -> QuerySet[Plan]:
    """The agency's plans with pending source reviews, oldest pending first, each with `sources_changed`."""
    return (
        plans_visible_to(user=user)
        .filter(owner_agency=agency, source_changes__status__in=OPEN_STATUSES)
        .annotate(
            sources_changed=Count("source_changes__source_plan", distinct=True),
            oldest_pending=Min("source_changes__created_at"),
        )
        .order_by("oldest_pending", "pk")
    )


@dataclass(frozen=True)
class FacilityLink:
    """A plan covering a building that builds on another plan (both readable by the viewer)."""

    plan: Plan
    source: Plan


def _any_link_at_facility(facility_id: int) -> QuerySet:
    covering = Plan.facilities.through.objects.filter(facility_id=facility_id).values("plan_id")
    return (
        PlanSource.objects.filter(Q(plan_id__in=covering) | Q(source_plan_id__in=covering))
        .order_by()
        .values_list("pk")[:1]
    )


# The plain look of `facility_source_links`, compiled once per process.
_ANY_LINK_AT_FACILITY = CompiledQuery(_any_link_at_facility, "facility_id")


def facility_source_links(*, user: Actor, facility: Facility) -> list[FacilityLink]:
    """For a building: which agencies' plans build on which, where one of the two covers the building and the
    viewer may read both (the visibility rule runs inside the query; a plain look first, as most buildings have
    no such link, spares building and running it)."""
    if not _ANY_LINK_AT_FACILITY(facility_id=facility.pk):
        return []
    links = (
        PlanSource.objects.filter(Q(plan__facilities=facility) | Q(source_plan__facilities=facility))
        .filter(visible_plan_exists(user=user, plan_ref="plan_id"))
        .filter(visible_plan_exists(user=user, plan_ref="source_plan_id"))
        .select_related("plan__owner_agency", "source_plan__owner_agency")
        .order_by("plan__title", "source_plan__title", "pk")
        .distinct()
    )
    seen: set[tuple[int, int]] = set()
    rows = []
    for link in links:
        pair = (link.plan_id, link.source_plan_id)
        if pair in seen:  # one row per pair of plans, whichever sections build on which
            continue
        seen.add(pair)
        rows.append(FacilityLink(plan=link.plan, source=link.source_plan))
    return rows


def source_candidates(*, user: Actor, plan: Plan) -> QuerySet[Plan]:
    """Plans the user may declare as sources of `plan`: any plan they may see but this one."""
    return plans_visible_to(user=user).exclude(pk=plan.pk).select_related("owner_agency").order_by("title", "pk")

"""Reads about partner concurrence: the status per partner for a version, a plan's full record, the dashboard.

Each takes what the asking user may do (their PlanAccess) or the user, and a fixed number of queries
whatever the number of partners, versions or records.
"""

from collections import defaultdict
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, prefetch_related_objects
from django.utils import timezone

from access.plans import RELEASED_STATES, PlanAccess, plans_visible_to
from agencies.models import Agency
from plans.models import Plan, PlanShare, PlanVersion
from portal.compiled_queries import CompiledQuery
from portal.queries import count_subquery
from reviews.models import Concurrence, ConcurrenceOutcome

PENDING = "pending"  # the current version, nothing recorded yet
NOT_RECORDED = "not_recorded"  # any other version, nothing recorded


def _entry(row: Concurrence) -> dict[str, Any]:
    return {
        "outcome": row.outcome,
        "recorded_by": row.recorded_by.username if row.recorded_by else None,
        "recorded_at": row.recorded_at,
        "note": row.note,
        "change_requests": sorted(comment.pk for comment in row.change_requests.all()),
    }


def _cell(agency_id: int, agency_name: str, history: list[Concurrence], is_current: bool) -> dict[str, Any]:
    """One agency on one version: the newest record decides the status; older ones stay as history."""
    newest = _entry(history[0]) if history else None
    return {
        "agency": agency_id,
        "agency_name": agency_name,
        "status": newest["outcome"] if newest else (PENDING if is_current else NOT_RECORDED),
        "outcome": newest["outcome"] if newest else None,
        "recorded_by": newest["recorded_by"] if newest else None,
        "recorded_at": newest["recorded_at"] if newest else None,
        "note": newest["note"] if newest else "",
        "change_requests": newest["change_requests"] if newest else [],
        "history": [_entry(row) for row in history],
    }


def _records(**filters: Any) -> list[Concurrence]:
    """Concurrence rows newest first, with the person and the snapshot of change requests (two queries)."""
    return list(
        Concurrence.objects.filter(**filters)
        .select_related("recorded_by", "agency")
        .prefetch_related("change_requests")
        .order_by("-recorded_at", "-id")
    )


def _partner_names(plan: Plan, rows: list[Concurrence], agency_ids: list[int] | None) -> dict[int, str]:
    """Agencies the plan is shared with, plus any that recorded concurrence before their share ended."""
    shares = PlanShare.objects.filter(plan=plan)
    if agency_ids is not None:
        shares = shares.filter(agency_id__in=agency_ids)
    names = dict(shares.values_list("agency_id", "agency__name"))
    for row in rows:
        names.setdefault(row.agency_id, row.agency.name)
    return names


_VERSION_RECORDS = CompiledQuery(
    lambda version_id: (
        Concurrence.objects.filter(version_id=version_id)
        .select_related("recorded_by", "agency")
        .order_by("-recorded_at", "-id")
    ),
    "version_id",
)
_SHARE_NAMES = CompiledQuery(
    lambda plan_id: PlanShare.objects.filter(plan_id=plan_id).values_list("agency_id", "agency__name"), "plan_id"
)


def concurrence_status(*, access: PlanAccess, version: PlanVersion) -> list[dict[str, Any]]:
    """Each partner agency's concurrence with a version (pending, concur or changes requested, by whom, when).

    The owner's members see every partner; a partner's members see their own agency; anyone else (a
    reader of a public plan) sees nothing, because partners' remarks are not public. Three queries.
    """
    if access.can_read_all_concurrence:
        agency_ids = None
    else:
        agency_ids = access.partner_agencies()
        if not agency_ids:
            return []
    # The version's rows by SQL compiled once per process; a partner's members keep their own agency's.
    rows = [row for row in _VERSION_RECORDS(version_id=version.pk) if agency_ids is None or row.agency_id in agency_ids]
    prefetch_related_objects(rows, "change_requests")
    shares = _SHARE_NAMES(plan_id=access.plan.pk)
    names = {agency_id: name for agency_id, name in shares if agency_ids is None or agency_id in agency_ids}
    for row in rows:
        names.setdefault(row.agency_id, row.agency.name)
    by_agency: dict[int, list[Concurrence]] = defaultdict(list)
    for row in rows:
        by_agency[row.agency_id].append(row)
    is_current = version.pk == access.plan.current_version_id
    cells = [_cell(agency_id, name, by_agency.get(agency_id, []), is_current) for agency_id, name in names.items()]
    return sorted(cells, key=lambda cell: (cell["agency_name"].casefold(), cell["agency"]))


def plan_concurrence_record(*, access: PlanAccess) -> dict[str, Any]:
    """The evidence for the annual review: every released version x partner agency, newest outcome and history.

    For the owner's members only (the caller checks). Four queries.
    """
    plan = access.plan
    versions = list(
        PlanVersion.objects.filter(plan=plan, state__in=RELEASED_STATES)
        .select_related("published_by")
        .order_by("-number")
    )
    rows = _records(plan=plan)
    names = _partner_names(plan, rows, None)
    ordered = sorted(names.items(), key=lambda item: (item[1].casefold(), item[0]))
    history: dict[tuple[int, int], list[Concurrence]] = defaultdict(list)
    for row in rows:
        history[(row.version_id, row.agency_id)].append(row)
    return {
        "plan": plan.pk,
        "plan_title": plan.title,
        "owner_agency": plan.owner_agency.name,
        "current_version": plan.current_version.number if plan.current_version else None,
        "generated_at": timezone.now(),
        "versions": [
            {
                "number": version.number,
                "state": version.state,
                "published_at": version.published_at,
                "published_by": version.published_by.username if version.published_by else None,
                "content_sha256": version.content_sha256,
                "is_current": version.pk == plan.current_version_id,
                "agencies": [
                    _cell(
                        agency_id, name, history.get((version.pk, agency_id), []), version.pk == plan.current_version_id
                    )
                    for agency_id, name in ordered
                ],
            }
            for version in versions
        ],
    }


def dashboard_concurrence_pending(*, user: User, agency: Agency) -> QuerySet[Plan]:
    """The agency's current plans still short of partner concurrence, in one query.

    Annotations: `partner_count` (agencies the plan is shared with), `pending_count` (of those, how many
    recorded nothing on the current version) and `changes_count` (how many asked for changes last).
    """
    on_current = Concurrence.objects.filter(
        version_id=OuterRef(OuterRef("current_version_id")), agency_id=OuterRef("agency_id")
    )
    newest_outcome = on_current.order_by("-recorded_at", "-id").values("outcome")[:1]
    shares = PlanShare.objects.filter(plan=OuterRef("pk"))
    return (
        plans_visible_to(user=user)
        .filter(owner_agency=agency, current_version__isnull=False)
        .prefetch_related(None)
        .annotate(
            partner_count=count_subquery(shares),
            pending_count=count_subquery(shares.exclude(Exists(on_current))),
            changes_count=count_subquery(
                shares.annotate(newest=Subquery(newest_outcome)).filter(newest=ConcurrenceOutcome.CHANGES_REQUESTED)
            ),
        )
        .filter(Q(pending_count__gt=0) | Q(changes_count__gt=0))
        .order_by("title", "id")
    )


def dashboard_concurrence_requested(*, user: User, agency: Agency) -> QuerySet[Plan]:
    """Partner plans shared with the agency whose current version it has not yet concurred with or answered,
    oldest publication first (one query)."""
    answered = Concurrence.objects.filter(version_id=OuterRef("current_version_id"), agency=agency)
    return (
        plans_visible_to(user=user)
        .filter(shares__agency=agency, current_version__isnull=False)
        .exclude(Exists(answered))
        .select_related(None)
        .select_related("owner_agency", "current_version")
        .prefetch_related(None)
        .order_by("current_version__published_at", "id")
    )

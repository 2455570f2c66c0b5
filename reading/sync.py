"""Keeps `ReadingObligation` equal to what the requirements say today.

Every change that can move an obligation calls `obligations_sync` with the narrowest scope it knows
(an agency, a plan, a person): a requirement saved or removed, a version published or withdrawn, a share
granted or revoked, a membership or group changed, an acknowledgement. The nightly job syncs everything,
so a missed call heals within a day. The function is idempotent: it computes the rows that should exist
in the scope and creates, updates or deletes the difference, so calling it twice changes nothing.

The compliance page's per-plan counts (`ReadingSummary`) follow each of these statements in the same
transaction: the database applies each statement's net change to them (triggers of migration 0002), so
nothing here writes them and no other path that removes obligations (a cascade) can leave them behind.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q

from access.audience import plan_readers
from agencies.models import Membership
from plans.models import Acknowledgement, Plan, VersionState
from portal.header_cache import header_counts_changed
from reading.models import Audience, ReadingGroupMember, ReadingObligation, ReadingRequirement

Key = tuple[int, int, int]  # (agency, user, plan)
BATCH = 1000


@dataclass(frozen=True)
class SyncResult:
    created: int
    updated: int
    deleted: int


@dataclass
class _Wanted:
    version_id: int
    due_at: datetime


def _ids(values: Iterable[int] | None) -> set[int] | None:
    return None if values is None else set(values)


def _scoped(queryset, *, agencies: set[int] | None, plans: set[int] | None, users: set[int] | None, prefix: str = ""):  # type: ignore[no-untyped-def]
    if agencies is not None:
        queryset = queryset.filter(**{f"{prefix}agency_id__in": agencies})
    if plans is not None:
        queryset = queryset.filter(**{f"{prefix}plan_id__in": plans})
    if users is not None:
        queryset = queryset.filter(**{f"{prefix}user_id__in": users})
    return queryset


def _wanted_obligations(
    *, agencies: set[int] | None, plans: set[int] | None, users: set[int] | None
) -> dict[Key, _Wanted]:
    """Who owes which current version to which agency, by when (the earliest due of their requirements)."""
    requirements = list(
        _scoped(ReadingRequirement.objects.all(), agencies=agencies, plans=plans, users=None)
        .filter(plan__current_version__state=VersionState.PUBLISHED)
        .values(
            "agency_id",
            "plan_id",
            "audience",
            "role",
            "group_id",
            "due_days",
            "created_at",
            "plan__classification",
            "plan__current_version_id",
            "plan__current_version__published_at",
        )
    )
    if not requirements:
        return {}
    readable = plan_readers(
        classifications={r["plan_id"]: r["plan__classification"] for r in requirements},
        agency_ids={r["agency_id"] for r in requirements},
    )
    requirements = [r for r in requirements if (r["plan_id"], r["agency_id"]) in readable]
    agency_ids = {r["agency_id"] for r in requirements}
    members = Membership.objects.filter(agency_id__in=agency_ids, user__is_active=True)
    if users is not None:
        members = members.filter(user_id__in=users)
    people: dict[int, list[tuple[int, str, datetime]]] = {}
    for agency_id, user_id, role, joined in members.values_list("agency_id", "user_id", "role", "created_at"):
        people.setdefault(agency_id, []).append((user_id, role, joined))
    group_ids = {r["group_id"] for r in requirements if r["group_id"] is not None}
    in_group: dict[int, dict[int, datetime]] = {}
    if group_ids:
        group_members = ReadingGroupMember.objects.filter(group_id__in=group_ids)
        if users is not None:
            group_members = group_members.filter(user_id__in=users)
        for group_id, user_id, added in group_members.values_list("group_id", "user_id", "added_at"):
            in_group.setdefault(group_id, {})[user_id] = added
    wanted: dict[Key, _Wanted] = {}
    for r in requirements:
        start = max(r["plan__current_version__published_at"], r["created_at"])
        group = in_group.get(r["group_id"], {}) if r["audience"] == Audience.GROUP else {}
        for user_id, role, joined in people.get(r["agency_id"], []):
            if r["audience"] == Audience.ROLE and role != r["role"]:
                continue
            if r["audience"] == Audience.GROUP and user_id not in group:
                continue
            since = max(start, joined, group.get(user_id, joined))
            due = since + timedelta(days=r["due_days"])
            key = (r["agency_id"], user_id, r["plan_id"])
            held = wanted.get(key)
            if held is None or due < held.due_at:
                wanted[key] = _Wanted(version_id=r["plan__current_version_id"], due_at=due)
    return wanted


def _acknowledged(wanted: dict[Key, _Wanted]) -> dict[tuple[int, int], datetime]:
    """When each person acknowledged the version they owe, for those who have: {(user, version): time}."""
    pairs = {(user, w.version_id) for (_, user, _), w in wanted.items()}
    if not pairs:
        return {}
    users = {user for user, _ in pairs}
    versions = {version for _, version in pairs}
    rows = Acknowledgement.objects.filter(user_id__in=users, version_id__in=versions).values_list(
        "user_id", "version_id", "acknowledged_at"
    )
    return {(user, version): at for user, version, at in rows if (user, version) in pairs}


@transaction.atomic
def obligations_sync(
    *,
    agency_ids: Iterable[int] | None = None,
    plan_ids: Iterable[int] | None = None,
    user_ids: Iterable[int] | None = None,
) -> SyncResult:
    """Make the obligations within the scope (None = every) equal to what the requirements say now."""
    agencies, plans, users = _ids(agency_ids), _ids(plan_ids), _ids(user_ids)
    if any(scope is not None and not scope for scope in (agencies, plans, users)):
        return SyncResult(0, 0, 0)
    wanted = _wanted_obligations(agencies=agencies, plans=plans, users=users)
    acknowledged = _acknowledged(wanted)
    existing = {
        (o.agency_id, o.user_id, o.plan_id): o
        for o in _scoped(ReadingObligation.objects.all(), agencies=agencies, plans=plans, users=users).only(
            "id", "agency_id", "user_id", "plan_id", "version_id", "due_at", "acknowledged_at"
        )
    }
    to_create: list[ReadingObligation] = []
    to_update: list[ReadingObligation] = []
    for key, w in wanted.items():
        acked = acknowledged.get((key[1], w.version_id))
        row = existing.pop(key, None)
        if row is None:
            to_create.append(
                ReadingObligation(
                    agency_id=key[0],
                    user_id=key[1],
                    plan_id=key[2],
                    version_id=w.version_id,
                    due_at=w.due_at,
                    acknowledged_at=acked,
                )
            )
        elif row.version_id != w.version_id:
            # A new version: its reminders start again (the marks name the version they were sent for).
            row.version_id, row.due_at, row.acknowledged_at = w.version_id, w.due_at, acked
            to_update.append(row)
        elif row.due_at != w.due_at or row.acknowledged_at != acked:
            row.due_at, row.acknowledged_at = w.due_at, acked
            to_update.append(row)
    ReadingObligation.objects.bulk_create(to_create, batch_size=BATCH, ignore_conflicts=True)
    ReadingObligation.objects.bulk_update(to_update, ["version_id", "due_at", "acknowledged_at"], batch_size=BATCH)
    stale = [row.pk for row in existing.values()]
    for start in range(0, len(stale), BATCH):
        ReadingObligation.objects.filter(pk__in=stale[start : start + BATCH]).delete()
    # The header's "To read (N)" of everyone whose obligations moved.
    header_counts_changed(row.user_id for row in (*to_create, *to_update, *existing.values()))
    return SyncResult(created=len(to_create), updated=len(to_update), deleted=len(stale))


def obligations_sync_for_plan(plan: Plan) -> SyncResult:
    """After a publish, a withdrawal or a change of who may read the plan."""
    return obligations_sync(plan_ids=[plan.pk])


def obligations_sync_for_person(user: User | int, *, agency_id: int | None = None) -> SyncResult:
    """After a person joined, left, changed role or group, or was deactivated."""
    user_id = user if isinstance(user, int) else user.pk
    return obligations_sync(user_ids=[user_id], agency_ids=None if agency_id is None else [agency_id])


def obligations_acknowledge(*, user_id: int, version_id: int, acknowledged_at: datetime) -> int:
    """An acknowledgement settles every obligation of the person for that version, in any agency."""
    settled = ReadingObligation.objects.filter(
        Q(acknowledged_at__isnull=True), user_id=user_id, version_id=version_id
    ).update(acknowledged_at=acknowledged_at)
    if settled:
        header_counts_changed([user_id])
    return settled

"""The signed-in person's "To read" queue: the current versions they still owe an acknowledgement of.

One item per plan, however many of their agencies require it (the earliest due wins), oldest due first,
each with the version the person last acknowledged of that plan, so the page shows what changed since then.
Read in one query whatever the number of items (tests/reading/test_queue_selector.py); the page reads one
page of them (`to_read_rows` is a queryset, so the database counts, orders and slices).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from access.reading import visible_plan_filter_through
from access.second_factor import may_read_content
from agencies.models import Agency
from plans.models import Acknowledgement, Plan, PlanVersion, VersionState
from reading.models import ReadingObligation

DUE_SOON_DAYS = 3


class DueState:
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    DUE = "due"


@dataclass(frozen=True)
class ToReadItem:
    """One plan the person must acknowledge the current version of, and by when."""

    plan: Plan
    version: PlanVersion
    due_at: datetime
    state: str
    # The newest older version of this plan the person acknowledged (None: they never read one).
    last_read_number: int | None
    last_read_at: datetime | None
    # The plan's content needs a second factor this request has not passed: the queue shows the title only.
    content_withheld: bool

    @property
    def owner_agency(self) -> Agency:
        return self.plan.owner_agency

    @property
    def days_left(self) -> int:
        """Calendar days from today to the due date: negative once overdue, 0 on the day."""
        return (timezone.localdate(self.due_at) - timezone.localdate()).days

    @property
    def tag_class(self) -> str:
        """The due tag's look (the list renders it inline: an include per row cost more than the row)."""
        return due_tag_class(self.state)

    @property
    def when(self) -> str:
        """The due state as a person reads it: "Overdue by 3 days", "Due today", "Due in 5 days"."""
        return due_text(self.state, self.days_left)


def due_tag_class(state: str) -> str:
    """The due tag's look for a due state."""
    return {DueState.OVERDUE: "tag--bad", DueState.DUE_SOON: "tag--warn"}.get(state, "tag--muted")


def due_text(state: str, days_left: int) -> str:
    """The due state as a person reads it, from the calendar days left (negative once overdue)."""
    if state == DueState.OVERDUE:
        late = -days_left
        return "Overdue: was due today" if late <= 0 else f"Overdue by {late} day{'s' if late != 1 else ''}"
    if days_left <= 0:
        return "Due today"
    return f"Due in {days_left} day{'s' if days_left != 1 else ''}"


def due_state(due_at: datetime, *, now: datetime | None = None) -> str:
    """Overdue once past due, due soon within DUE_SOON_DAYS of it, otherwise simply due."""
    now = now or timezone.now()
    if due_at < now:
        return DueState.OVERDUE
    if due_at <= now + timedelta(days=DUE_SOON_DAYS):
        return DueState.DUE_SOON
    return DueState.DUE


def _open(*, user: User) -> Q:
    """Unacknowledged, of a plan the person may still read, for the plan's current published version."""
    # Rows are synced when readers or versions change; these checks guard against a stale row anyway.
    return visible_plan_filter_through(user=user, relation="plan") & Q(
        user_id=user.pk,
        acknowledged_at__isnull=True,
        version__state=VersionState.PUBLISHED,
        plan__current_version_id=F("version_id"),
    )


def _first_of_its_plan() -> Window:
    """1 for the plan's earliest-due obligation of the person (another agency of theirs may require it too):
    the plan is listed once, at its earliest due. Numbered among the person's own open rows only."""
    return Window(RowNumber(), partition_by=[F("plan_id")], order_by=[F("due_at").asc(), F("id").asc()])


def _last_read(user: User) -> QuerySet[Acknowledgement]:
    """The person's acknowledgements of older versions of the row's plan, newest first."""
    return Acknowledgement.objects.filter(
        user_id=user.pk,
        version__plan_id=OuterRef("plan_id"),
        version__number__lt=OuterRef("version__number"),
    ).order_by("-version__number")


def _queue(user: User) -> QuerySet[ReadingObligation]:
    return (
        ReadingObligation.objects.filter(_open(user=user))
        .annotate(nth_of_plan=_first_of_its_plan())
        .filter(nth_of_plan=1)
    )


# The queue's order: oldest due first, then by title (the id settles the rest).
QUEUE_ORDER = ("due_at", "plan__title", "id")


def to_read_rows(*, user: User) -> QuerySet[ReadingObligation]:
    """The person's queue as obligations, one per plan, oldest due first; `to_read_items` makes them items."""
    last_read = _last_read(user)
    return (
        _queue(user)
        .select_related("plan__owner_agency", "version")
        .defer("plan__search_document", "plan__search_vector")
        .annotate(
            last_read_number=Subquery(last_read.values("version__number")[:1]),
            last_read_at=Subquery(last_read.values("acknowledged_at")[:1]),
        )
        .order_by(*QUEUE_ORDER)
    )


# What the "To read" list (reading/queue_rows.py) and the API (reading/queue_api_items.py) show of each item:
# plain values, no model instances.
LIST_FIELDS = (
    "plan_id",
    "plan__title",
    "plan__classification",
    "plan__owner_agency__name",
    "plan__owner_agency__les_read_requires_mfa",
    "version__number",
    "due_at",
    "last_read_number",
    "plan__owner_agency_id",
    "last_read_at",
)


def to_read_values(*, user: User) -> QuerySet[ReadingObligation, dict[str, Any]]:
    """The same queue as `to_read_rows`, in the same order, as dicts of LIST_FIELDS (the list page's rows)."""
    last_read = _last_read(user)
    return (
        _queue(user)
        .annotate(
            last_read_number=Subquery(last_read.values("version__number")[:1]),
            last_read_at=Subquery(last_read.values("acknowledged_at")[:1]),
        )
        .order_by(*QUEUE_ORDER)
        .values(*LIST_FIELDS)
    )


def to_read_ids(*, user: User) -> QuerySet[ReadingObligation, Any]:
    """The ids of the queue's obligations, in its order (reading/queue_page.py reads a page of them, then their
    columns: what only the page shows is not joined for every item)."""
    return _queue(user).order_by(*QUEUE_ORDER).values("id")


def to_read_items(rows: Iterable[ReadingObligation], *, user: User) -> list[ToReadItem]:
    """Rows of `to_read_rows` as the queue's items."""
    now = timezone.now()
    return [
        ToReadItem(
            plan=row.plan,
            version=row.version,
            due_at=row.due_at,
            state=due_state(row.due_at, now=now),
            last_read_number=row.last_read_number,  # type: ignore[attr-defined]  # annotated above
            last_read_at=row.last_read_at,  # type: ignore[attr-defined]
            content_withheld=not may_read_content(plan=row.plan, user=user),
        )
        for row in rows
    ]


def to_read_for(*, user: User | AnonymousUser) -> list[ToReadItem]:
    """What the person must acknowledge, oldest due first: one item per plan (the earliest due)."""
    if not user.is_authenticated:
        return []
    return to_read_items(to_read_rows(user=user), user=user)


def to_read_count(*, user: User | AnonymousUser) -> int:
    """How many plans the person still has to acknowledge (one query; the header's "To read (N)")."""
    if not user.is_authenticated:
        return 0
    return ReadingObligation.objects.filter(_open(user=user)).values("plan_id").distinct().count()


def to_read_item(*, user: User | AnonymousUser, plan_id: int) -> ToReadItem | None:
    """The person's queue item for one plan (None: they owe nothing on it)."""
    return next((item for item in to_read_for(user=user) if item.plan.pk == plan_id), None)

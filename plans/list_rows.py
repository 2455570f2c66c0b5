"""The web plan list's page of rows in one statement (PostgreSQL); its filters' choices are plans/list_choices.py.

The ORM path (plans_listed, KeysFirstPaginator, a prefetch of buildings, a count of change requests) compiled
four querysets a request and fetched every visible plan's row to sort by
title. Here, as in access/plan_rows.py, the grants carry their plan's title (plans.0004), so an unfiltered page
is sorted from the grants and the public (classification, title, id) index and only the 25 rows shown are
fetched, with everything the table shows. A filtered page joins the plans to filter them. The visibility rule
is access.plans.plans_visible_to's; tests/plans/test_plan_list_rows.py holds these reads equal to the ORM's
(the path kept for other databases).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.paginator import EmptyPage
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3

from access.plan_list_sql import VISIBLE_TO_USER as _VISIBLE
from access.plan_rows import OPEN_CHANGE_REQUESTS, one_statement_reads
from plans import selectors
from plans.models import Classification, Plan, PlanKind
from portal.api.pagination import KeysFirstPaginator
from reviews.selectors import open_change_request_counts

# Each filter's condition on the plan `f`; only these fixed fragments are formatted into the SQL.
_FILTERS = {
    "owner_agency_id": "f.owner_agency_id = %(owner_agency_id)s",
    "facility_id": "EXISTS (SELECT 1 FROM plans_plan_facilities ff"
    " WHERE ff.plan_id = f.id AND ff.facility_id = %(facility_id)s)",
    "kind": "f.kind = %(kind)s",
    "review_due": "f.next_review_due <= %(horizon)s",
    "text": "f.search_vector @@ websearch_to_tsquery('english'::regconfig, %(text)s)",
}

_PAGE_SQL = """
WITH {visible},
page AS (
    SELECT visible.id, visible.title, COUNT(*) OVER () AS total
    FROM visible{join}
    ORDER BY visible.title, visible.id LIMIT %(limit)s OFFSET %(offset)s
)
SELECT page.total, p.id, p.title, p.kind, p.classification, p.owner_agency_id, a.name, p.next_review_due,
    v.number, v.published_at,
    ARRAY(
        SELECT fa.name FROM plans_plan_facilities pf
        JOIN agencies_facility fa ON fa.id = pf.facility_id
        WHERE pf.plan_id = p.id ORDER BY fa.name, fa.id
    ),{open_change_requests},
    EXISTS (SELECT 1 FROM plans_acknowledgement k WHERE k.user_id = %(user)s AND k.version_id = p.current_version_id),
    EXISTS (SELECT 1 FROM reading_readingobligation r WHERE r.plan_id = p.id AND r.user_id = %(user)s)
FROM page
JOIN plans_plan p ON p.id = page.id
JOIN agencies_agency a ON a.id = p.owner_agency_id
LEFT JOIN plans_planversion v ON v.id = p.current_version_id
ORDER BY page.title, page.id
"""


@dataclass(frozen=True)
class ListedPlan:
    """What a row of the plan list shows."""

    pk: int
    title: str
    kind: str
    classification: str
    owner_agency_id: int
    owner_name: str
    next_review_due: date | None
    current_number: int | None
    published_at: datetime | None
    facility_names: list[str]
    open_change_requests: int
    acknowledged_by_me: bool
    reading_required: bool

    def get_kind_display(self) -> str:
        return str(PlanKind(self.kind).label) if self.kind in PlanKind.values else self.kind

    # What the template's {% url %} and |date:"j M Y" write, without their cost (two dates a row were a
    # third of the rows' rendering time).
    @property
    def url(self) -> str:
        return reverse("plans:detail", kwargs={"plan_id": self.pk})

    @property
    def published_on(self) -> str:
        return day_label(self.published_at)

    @property
    def review_due_on(self) -> str:
        return day_label(self.next_review_due)


def day_label(value: date | datetime | None) -> str:
    """`value|date:"j M Y"` (a moment in the current time zone), e.g. "4 Dec 2026"; "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.day} {MONTHS_3[value.month].title()} {value.year:04d}"


@dataclass(frozen=True)
class PlanListFilters:
    """The list's filters, as the filter form cleaned them (empty: not filtered)."""

    text: str = ""
    owner_agency_id: int | None = None
    facility_id: int | None = None
    kind: str = ""
    review_due: bool = False

    def any(self) -> bool:
        return bool(self.text) or self.more() > 0

    def more(self) -> int:
        """How many filters beyond the search box are set."""
        return sum(1 for value in (self.owner_agency_id, self.facility_id, self.kind, self.review_due) if value)


def _page_sql(filters: PlanListFilters, params: dict[str, Any]) -> str:
    conditions = []
    if filters.owner_agency_id is not None:
        conditions.append(_FILTERS["owner_agency_id"])
        params["owner_agency_id"] = filters.owner_agency_id
    if filters.facility_id is not None:
        conditions.append(_FILTERS["facility_id"])
        params["facility_id"] = filters.facility_id
    if filters.kind:
        conditions.append(_FILTERS["kind"])
        params["kind"] = filters.kind
    if filters.review_due:
        conditions.append(_FILTERS["review_due"])
        params["horizon"] = timezone.localdate() + timedelta(days=selectors.REVIEW_DUE_WINDOW_DAYS)
    if filters.text.strip():
        conditions.append(_FILTERS["text"])
        params["text"] = filters.text.strip()
    join = "\n    JOIN plans_plan f ON f.id = visible.id WHERE " + " AND ".join(conditions) if conditions else ""
    return _PAGE_SQL.format(visible=_VISIBLE, join=join, open_change_requests=OPEN_CHANGE_REQUESTS)


def _listed(values: tuple) -> ListedPlan:
    pk, title, kind, classification, owner, owner_name, due, number, published, names, open_, ack, required = values
    return ListedPlan(
        pk=pk,
        title=title,
        kind=kind,
        classification=classification,
        owner_agency_id=owner,
        owner_name=owner_name,
        next_review_due=due,
        current_number=number,
        published_at=published,
        facility_names=list(names),
        open_change_requests=open_,
        acknowledged_by_me=ack,
        reading_required=required,
    )


class PlanListPages:
    """The plans a user may see, filtered, in title order, as a PageSource for KeysFirstPaginator."""

    ordered = True  # Django's Paginator warns about unordered lists

    def __init__(self, *, user: User, filters: PlanListFilters) -> None:
        self.user = user
        self.filters = filters

    def _orm(self) -> Any:
        f = self.filters
        return selectors.plans_listed(
            user=self.user,
            text=f.text,
            owner_agency_id=f.owner_agency_id,
            facility_id=f.facility_id,
            kind=f.kind,
            review_due=f.review_due,
        )

    def count(self) -> int:
        return self._orm().count()

    def page_with_total(self, *, offset: int, limit: int) -> tuple[int | None, list[ListedPlan]]:
        """One page of rows and the number of matching plans (None when the page is empty)."""
        if not one_statement_reads():
            return self._orm_page(offset=offset, limit=limit)
        params: dict[str, Any] = {
            "user": self.user.pk,
            "public": Classification.PUBLIC,
            "limit": limit,
            "offset": offset,
        }
        sql = _page_sql(self.filters, params)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return (rows[0][0] if rows else None), [_listed(values[1:]) for values in rows]

    def _orm_page(self, *, offset: int, limit: int) -> tuple[int | None, list[ListedPlan]]:
        """The same page through the ORM (databases other than PostgreSQL; the tests' reference)."""
        paginator = KeysFirstPaginator(self._orm(), limit)
        number = offset // limit + 1
        try:
            plans: list[Plan] = list(paginator.page(number))
        except EmptyPage:  # as the one-statement read gives it
            return None, []
        counts = open_change_request_counts(user=self.user, plan_ids=[plan.pk for plan in plans])
        rows = [
            ListedPlan(
                pk=plan.pk,
                title=plan.title,
                kind=plan.kind,
                classification=plan.classification,
                owner_agency_id=plan.owner_agency_id,
                owner_name=plan.owner_agency.name,
                next_review_due=plan.next_review_due,
                current_number=plan.current_version.number if plan.current_version else None,
                published_at=plan.current_version.published_at if plan.current_version else None,
                facility_names=[facility.name for facility in plan.facilities.all()],
                open_change_requests=counts.get(plan.pk, 0),
                acknowledged_by_me=plan.acknowledged_by_me,  # type: ignore[attr-defined]  # an annotation
                reading_required=plan.reading_required,  # type: ignore[attr-defined]  # an annotation
            )
            for plan in plans
        ]
        return (paginator.count if rows else None), rows

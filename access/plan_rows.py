"""The API's plan reads in one statement each (PostgreSQL): a page of the unfiltered list, and one plan.

The ORM path (plans_visible_to, KeysFirstPaginator, a prefetch of buildings and a count of change requests)
fetches every visible plan's row only to sort by title — ~1,000 random heap reads per page for a police
department at state scale — and spends more time compiling its querysets than PostgreSQL spends running
them. Here the grants carry their plan's title (`plan_title`, kept by a trigger; plans.0004) and public
plans are read from their (classification, title, id) index, so PostgreSQL sorts the visible keys from two
index ranges and fetches only the rows shown, with their buildings, version number and open change
requests (docs/benchmarks.md). The visibility rule is access.plans.plans_visible_to's — `view_plan` granted to an agency
the user belongs to, or a public plan — and tests/plans/test_visible_plan_rows.py holds both paths equal.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection

from access.plans import plans_visible_to
from plans.models import Classification

# The id of the view_plan permission, as a scalar subquery.
VIEW_PLAN_PERMISSION = """(
            SELECT p.id FROM auth_permission p
            JOIN django_content_type c ON c.id = p.content_type_id
            WHERE p.codename = 'view_plan' AND c.app_label = 'plans' AND c.model = 'plan'
        )"""

# Grants of view_plan held by the user's agencies (the CTE `granted`); {narrow} limits them to one plan.
GRANTED = f"""
granted AS (
    SELECT g.content_object_id AS id, g.plan_title AS title
    FROM plans_plangroupobjectpermission g
    WHERE g.group_id IN (
            SELECT a.group_id FROM agencies_agency a
            JOIN agencies_membership m ON m.agency_id = a.id
            WHERE m.user_id = %(user)s
        )
        AND g.permission_id = {VIEW_PLAN_PERMISSION}{{narrow}}
)"""  # noqa: S608 — a constant fragment, values as parameters

# A plan `p`'s open change requests, for a statement with the `granted` CTE. Partner remarks are not public:
# they count only on plans the user's agencies were granted (0 on a public plan seen without a grant).
OPEN_CHANGE_REQUESTS = """
    CASE WHEN p.id IN (SELECT id FROM granted) THEN (
        SELECT COUNT(*) FROM reviews_comment c
        WHERE c.plan_id = p.id AND c.is_change_request AND c.resolved_at IS NULL
    ) ELSE 0 END"""

# What the API shows of a plan `p` (joined to its current version `v`).
_COLUMNS = f"""
    p.id, p.title, p.kind, p.owner_agency_id, p.hazards::text, p.classification,
    p.review_interval_days, p.next_review_due, v.number, p.created_at, p.updated_at,
    ARRAY(
        SELECT pf.facility_id FROM plans_plan_facilities pf
        JOIN agencies_facility f ON f.id = pf.facility_id
        WHERE pf.plan_id = p.id ORDER BY f.name, pf.facility_id
    ),{OPEN_CHANGE_REQUESTS}"""  # noqa: S608 — constant fragments, values as parameters

_PAGE_SQL = f"""
WITH {GRANTED.format(narrow="")},
visible AS (
    SELECT id, title FROM granted
    UNION
    SELECT id, title FROM plans_plan WHERE classification = %(public)s
),
page AS (
    SELECT id, title, COUNT(*) OVER () AS total FROM visible ORDER BY title, id LIMIT %(limit)s OFFSET %(offset)s
)
SELECT page.total, {_COLUMNS}
FROM page
JOIN plans_plan p ON p.id = page.id
LEFT JOIN plans_planversion v ON v.id = p.current_version_id
ORDER BY page.title, page.id
"""  # noqa: S608 - no user input is formatted in; values are parameters

_ONE_SQL = f"""
WITH {GRANTED.format(narrow=" AND g.content_object_id = %(plan)s")}
SELECT NULL, {_COLUMNS}
FROM plans_plan p
LEFT JOIN plans_planversion v ON v.id = p.current_version_id
WHERE p.id = %(plan)s AND (p.classification = %(public)s OR EXISTS (SELECT 1 FROM granted))
"""  # noqa: S608 - no user input is formatted in; values are parameters


@dataclass(frozen=True)
class PlanRow:
    """What the API shows of one plan (the fields of PlanSerializer)."""

    pk: int
    title: str
    kind: str
    owner_agency_id: int
    hazards: list[str]
    classification: str
    review_interval_days: int
    next_review_due: date | None
    current_version_number: int | None
    created_at: datetime
    updated_at: datetime
    facility_ids: list[int]
    open_change_requests: int


def one_statement_reads() -> bool:
    """These reads need PostgreSQL (and its title trigger); elsewhere the ORM path serves."""
    return connection.vendor == "postgresql"


def _rows(sql: str, params: dict[str, Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, {"public": Classification.PUBLIC, **params})
        return cursor.fetchall()


def _plan_row(values: tuple) -> PlanRow:
    pk, title, kind, owner, hazards, classification, interval, due, number, created, updated, facilities, open_ = values
    return PlanRow(
        pk=pk,
        title=title,
        kind=kind,
        owner_agency_id=owner,
        hazards=json.loads(hazards),
        classification=classification,
        review_interval_days=interval,
        next_review_due=due,
        current_version_number=number,
        created_at=created,
        updated_at=updated,
        facility_ids=list(facilities),
        open_change_requests=open_,
    )


def visible_plan_row(*, user: User | AnonymousUser, plan_id: int) -> PlanRow | None:
    """The plan if the user may see it, else None (one query)."""
    if not user.is_authenticated:  # as plans_visible_to: nothing, not even public plans
        return None
    rows = _rows(_ONE_SQL, {"user": user.pk, "plan": plan_id})
    return _plan_row(rows[0][1:]) if rows else None


class VisiblePlanPages:
    """The plans a user may see, in title order, as a PageSource for KeysFirstPaginator."""

    ordered = True  # Django's Paginator warns about unordered lists

    def __init__(self, *, user: User | AnonymousUser) -> None:
        self.user = user

    def count(self) -> int:
        """For `?page=last`, which needs the total before the page."""
        return plans_visible_to(user=self.user).count()

    def page_with_total(self, *, offset: int, limit: int) -> tuple[int | None, list[PlanRow]]:
        """One page of rows and the number of visible plans (None when the page is empty), in one query."""
        if not self.user.is_authenticated:
            return None, []
        rows = _rows(_PAGE_SQL, {"user": self.user.pk, "limit": limit, "offset": offset})
        return (rows[0][0] if rows else None), [_plan_row(values[1:]) for values in rows]

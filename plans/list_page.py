"""The plan list's unfiltered pages in one statement (PostgreSQL): keys, total and rows together.

The ORM path (plans_visible_to, then KeysFirstPaginator) fetches every visible plan's row only to sort
by title: ~1,000 random heap reads per page for a police department at state scale. Here the grants
carry their plan's title (`plan_title`, kept by a trigger; plans.0004) and public plans are read from
their (classification, title, id) index, so PostgreSQL sorts the visible keys from two index ranges and
fetches the rows of the one page shown, with their buildings, version number and open change requests
(docs/benchmarks.md). The visibility rule is plans_visible_to's: grants of `view_plan` held by an
agency the user belongs to, plus public plans. tests/plans/test_plan_list_page.py keeps both paths equal.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection

from plans.models import Classification
from plans.selectors import plans_visible_to

_PAGE_SQL = """
WITH granted AS (
    SELECT g.content_object_id AS id, g.plan_title AS title
    FROM plans_plangroupobjectpermission g
    WHERE g.group_id IN (
            SELECT a.group_id FROM agencies_agency a
            JOIN agencies_membership m ON m.agency_id = a.id
            WHERE m.user_id = %(user)s
        )
        AND g.permission_id = (
            SELECT p.id FROM auth_permission p
            JOIN django_content_type c ON c.id = p.content_type_id
            WHERE p.codename = 'view_plan' AND c.app_label = 'plans' AND c.model = 'plan'
        )
),
visible AS (
    SELECT id, title FROM granted
    UNION
    SELECT id, title FROM plans_plan WHERE classification = %(public)s
),
page AS (
    SELECT id, title, COUNT(*) OVER () AS total FROM visible ORDER BY title, id LIMIT %(limit)s OFFSET %(offset)s
)
SELECT
    page.total, p.id, p.title, p.kind, p.owner_agency_id, p.hazards::text, p.classification,
    p.review_interval_days, p.next_review_due, v.number, p.created_at, p.updated_at,
    ARRAY(
        SELECT pf.facility_id FROM plans_plan_facilities pf
        JOIN agencies_facility f ON f.id = pf.facility_id
        WHERE pf.plan_id = p.id ORDER BY f.name, pf.facility_id
    ),
    CASE WHEN p.id IN (SELECT id FROM granted) THEN (
        SELECT COUNT(*) FROM reviews_comment c
        WHERE c.plan_id = p.id AND c.is_change_request AND c.resolved_at IS NULL
    ) ELSE 0 END
FROM page
JOIN plans_plan p ON p.id = page.id
LEFT JOIN plans_planversion v ON v.id = p.current_version_id
ORDER BY page.title, page.id
"""


@dataclass(frozen=True)
class PlanListRow:
    """What the list shows of one plan (the fields of PlanSerializer)."""

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


def fast_list_available() -> bool:
    """The one-statement page needs PostgreSQL (and the title trigger); elsewhere the ORM path serves."""
    return connection.vendor == "postgresql"


class VisiblePlanPages:
    """The plans a user may see, in title order, as a source of pages for KeysFirstPaginator."""

    ordered = True  # Django's Paginator warns about unordered lists

    def __init__(self, *, user: AbstractBaseUser) -> None:
        self.user = user

    def count(self) -> int:
        """For `?page=last`, which needs the total before the page."""
        return plans_visible_to(user=self.user).count()

    def page_with_total(self, *, offset: int, limit: int) -> tuple[int | None, list[PlanListRow]]:
        """One page of rows and the number of visible plans (None when the page is empty)."""
        params: dict[str, Any] = {
            "user": self.user.pk,
            "public": Classification.PUBLIC,
            "limit": limit,
            "offset": offset,
        }
        with connection.cursor() as cursor:
            cursor.execute(_PAGE_SQL, params)
            rows = cursor.fetchall()
        total = rows[0][0] if rows else None
        return total, [_row(values) for values in rows]


def _row(values: tuple) -> PlanListRow:
    (_, pk, title, kind, owner, hazards, classification, interval, due, number, created, updated, facilities, open_) = (
        values
    )
    return PlanListRow(
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

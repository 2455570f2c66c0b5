"""`GET /api/v1/me/to-read/`'s items from the "To read" list's page read (reading/queue_page.py), not the ORM's queue.

The list page's rows (`queue_page`: one statement compiled once per process) carry everything an item shows. They
become the same `ToReadItem`s `to_read_items` makes of `to_read_rows` (unsaved model instances holding the values
the serializer reads), so the payload is the same (tests/reading/test_queue_api_items.py holds it equal for
several people) without the ORM compiling the queue, a `COUNT` over it, or model instances loaded per row.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from access.second_factor import may_read_content_of
from agencies.models import Agency
from plans.models import Plan, PlanVersion
from reading.selectors_queue import ToReadItem, due_state


def queue_api_items(rows: Iterable[dict[str, Any]], *, user: User) -> list[ToReadItem]:
    """Rows of `queue_page` (a page of the person's queue) as the API's items; no query."""
    now = timezone.now()
    items = []
    for row in rows:
        owner = Agency(
            pk=row["plan__owner_agency_id"],
            name=row["plan__owner_agency__name"],
            les_read_requires_mfa=row["plan__owner_agency__les_read_requires_mfa"],
        )
        plan = Plan(
            pk=row["plan_id"], title=row["plan__title"], classification=row["plan__classification"], owner_agency=owner
        )
        items.append(
            ToReadItem(
                plan=plan,
                version=PlanVersion(plan=plan, number=row["version__number"]),
                due_at=row["due_at"],
                state=due_state(row["due_at"], now=now),
                last_read_number=row["last_read_number"],
                last_read_at=row["last_read_at"],
                content_withheld=not may_read_content_of(
                    classification=row["plan__classification"],
                    owner_requires_mfa=row["plan__owner_agency__les_read_requires_mfa"],
                    user=user,
                ),
            )
        )
    return items

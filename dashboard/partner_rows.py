"""The "Partner plans shared with us" panel's rows: plain dicts of what each line shows, built from
`dashboard_partner_plans` values.

The panel lists up to 50 plans. Built here rather than by the template engine from three model instances per
plan (plan, owner agency, current version) and a `{% url %}` per row, which cost more than the panel's query
(docs/benchmarks.md, "Dashboard panels").
"""

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from plans.models import ShareLevel


def _detail_url_of() -> str:
    """The plan page's URL with `{}` for the plan id (reversed once per panel, not once per row)."""
    head, tail = reverse("plans:detail", kwargs={"plan_id": 0}).rsplit("/0/", 1)
    return head + "/{}/" + tail


def ack_marks(*, current: int | None, mine: int | None, ours: int | None) -> list[str]:
    """What the person and their agency still have to acknowledge of a partner plan's current version (`current`,
    given the newest numbers each acknowledged), as one line; empty when both have acknowledged it."""
    if current is None:
        return []
    pending = [
        (acknowledged, whom)
        for acknowledged, whom in ((mine, "you"), (ours, "your agency"))
        if acknowledged is None or acknowledged < current
    ]
    if not pending:
        return []
    kind = "New" if all(acknowledged is None for acknowledged, _ in pending) else "Updated"
    return [f"{kind} — not yet acknowledged by {' or '.join(whom for _, whom in pending)}"]


def partner_rows(values: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One dict per plan: url, title, owner, version (None without a current version), published, comment (shared
    for comment) and marks (what is still to acknowledge)."""
    detail_url = _detail_url_of()
    rows = []
    for value in values:
        version, published = value["current_version__number"], value["current_version__published_at"]
        rows.append(
            {
                "url": detail_url.format(value["pk"]),
                "title": value["title"],
                "owner": value["owner_agency__name"],
                "version": version,
                "published": date_format(timezone.localtime(published), "j M Y") if published else "",
                "comment": value["share_level"] == ShareLevel.COMMENT,
                "marks": ack_marks(current=version, mine=value["my_ack_number"], ours=value["agency_ack_number"]),
            }
        )
    return rows

"""What revoking a partner's share takes away, for the confirmation an owner admin reads before revoking."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from access.audience import PeopleLosingView, people_losing_view
from access.plans import RELEASED_STATES, PlanAccess
from plans import selectors
from plans.models import PlanShare, PlanVersion
from reviews.concurrence_selectors import concurrence_status
from reviews.selectors import open_change_requests


@dataclass(frozen=True)
class UnsharePreview:
    """One partner's share and everything that goes with it: the plan's released versions, its people's
    access, and where it stands on the current version (its agency-level acknowledgement, concurrence, open change
    requests; never who among its people read it)."""

    share: PlanShare
    current: PlanVersion | None
    released_versions: int
    people: PeopleLosingView
    agency_acknowledged_at: datetime | None  # its acknowledgement of the current version
    concurrence: dict[str, Any] | None  # its concurrence with the current version (reviews.concurrence_selectors)
    open_change_requests: int

    @property
    def acknowledgement_pending(self) -> bool:
        return self.current is not None and self.agency_acknowledged_at is None

    @property
    def concurrence_pending(self) -> bool:
        return self.current is not None and (self.concurrence is None or self.concurrence["outcome"] is None)


def unshare_preview(*, access: PlanAccess, share: PlanShare) -> UnsharePreview:
    """For the owner's admin (the caller checks): what `share.agency` loses if its share is revoked now.

    A fixed number of queries, whatever the number of partners, people or versions.
    """
    plan = access.plan
    current = plan.current_version
    agency_id = share.agency_id
    agency_acknowledged_at = None
    concurrence = None
    if current is not None:
        status = selectors.acknowledgement_status(plan=plan)
        row = next((a for a in status["agencies"] if a["agency"] == agency_id), None)
        if row is not None and row["version"] == current.number:
            agency_acknowledged_at = row["acknowledged_at"]
        concurrence = next(
            (row for row in concurrence_status(access=access, version=current) if row["agency"] == agency_id), None
        )
    return UnsharePreview(
        share=share,
        current=current,
        released_versions=plan.versions.filter(state__in=RELEASED_STATES).count(),
        people=people_losing_view(plan=plan, agency_id=agency_id),
        agency_acknowledged_at=agency_acknowledged_at,
        concurrence=concurrence,
        open_change_requests=sum(
            1 for comment in open_change_requests(access=access) if comment.author_agency_id == agency_id
        ),
    )

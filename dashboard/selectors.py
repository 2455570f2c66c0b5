"""Reads for the dashboard: one query per section, whatever the number of plans.

Every function takes the asking user and the agency they are working for; what the user may not
see never leaves here (each result is narrowed by access.plans.plans_visible_to).
"""

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from access.plans import plans_visible_to
from agencies.models import Agency
from consistency.conflict_selectors import ConflictRow, conflicts_visible_to
from plans.models import Acknowledgement, AgencyAcknowledgement, Plan, PlanShare, PlanVersion, VersionState
from plans.selectors import REVIEW_DUE_WINDOW_DAYS, plans_review_due
from portal.queries import count_subquery

# Rows shown per dashboard list; the Plans page lists everything.
DASHBOARD_ROWS = 50


def _review_state(today: date) -> Case:
    """'overdue', 'due' (within the review window) or '' for each plan's next review date."""
    return Case(
        When(next_review_due__lt=today, then=Value("overdue")),
        When(next_review_due__lte=today + timedelta(days=REVIEW_DUE_WINDOW_DAYS), then=Value("due")),
        default=Value(""),
        output_field=CharField(),
    )


def dashboard_own_plans(*, user: User, agency: Agency) -> QuerySet[Plan]:
    """The agency's own plans with their state, draft in progress, review flag and partner acknowledgements.

    Annotations: `state` ('published', 'withdrawn' or 'draft'), `draft_number` (the newest draft, for
    people who may see drafts), `review_state`, `shared_count` (partner agencies it is shared with) and
    `acknowledged_count` (of those, how many acknowledged the current version).
    """
    withdrawn = PlanVersion.objects.filter(plan=OuterRef("pk"), state=VersionState.WITHDRAWN)
    newest_draft = (
        PlanVersion.objects.filter(plan=OuterRef("pk"), state=VersionState.DRAFT).order_by("-number").values("number")
    )
    acknowledged = AgencyAcknowledgement.objects.filter(
        version_id=OuterRef("current_version_id"), agency__plan_shares__plan_id=OuterRef("pk")
    )
    return (
        plans_visible_to(user=user)
        .filter(owner_agency=agency)
        .prefetch_related(None)
        .annotate(
            state=Case(
                When(current_version__isnull=False, then=Value("published")),
                When(Exists(withdrawn), then=Value("withdrawn")),
                default=Value("draft"),
                output_field=CharField(),
            ),
            draft_number=Subquery(newest_draft[:1], output_field=IntegerField()),
            review_state=_review_state(timezone.localdate()),
            shared_count=count_subquery(PlanShare.objects.filter(plan=OuterRef("pk"))),
            acknowledged_count=count_subquery(acknowledged),
        )
        .order_by("title", "id")
    )


def _partner_order(user: User, agency: Agency) -> tuple:
    """`settled` (0 while the person or the agency has not acknowledged the current version) and the order:
    those to acknowledge first, then the newest published. Written with EXISTS over acknowledgements of the
    current version or later, so PostgreSQL looks each one up once instead of computing the newest number
    twice per plan for the sort (docs/benchmarks.md)."""
    current = {"version__plan": OuterRef("pk"), "version__number__gte": OuterRef("current_version__number")}
    mine = Acknowledgement.objects.filter(user=user, **current)
    ours = AgencyAcknowledgement.objects.filter(agency=agency, **current)
    settled = Case(
        When(Q(current_version__isnull=False) & (~Exists(mine) | ~Exists(ours)), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    order = ("settled", F("current_version__published_at").desc(nulls_last=True), "title", "id")
    return settled, order


# What a partner plan's row shows (dashboard/partner_rows.py).
PARTNER_FIELDS = (
    "pk",
    "title",
    "owner_agency__name",
    "current_version__number",
    "current_version__published_at",
    "share_level",
    "my_ack_number",
    "agency_ack_number",
)


def dashboard_partner_plans(*, user: User, agency: Agency, limit: int) -> QuerySet[Plan, dict[str, Any]]:
    """The first `limit` of the other agencies' plans shared with the agency that the user may see: those
    still to acknowledge first, then newest first, as values rows (dashboard/partner_rows.py).

    One statement: a subquery finds the keys in order among the visible shared plans, and only those rows
    are joined to their owner and version and annotated with `share_level`, `my_ack_number` (newest
    version the user acknowledged) and `agency_ack_number` (the agency's; both None when never).
    """
    settled, order = _partner_order(user, agency)
    share = PlanShare.objects.filter(plan=OuterRef("pk"), agency=agency)
    keys = (
        plans_visible_to(user=user)
        .select_related(None)
        .prefetch_related(None)
        .filter(Exists(share))
        .exclude(owner_agency=agency)
        .annotate(settled=settled)
        .order_by(*order)
        .values("pk")[:limit]
    )
    mine = Acknowledgement.objects.filter(user=user, version__plan=OuterRef("pk")).order_by("-version__number")
    ours = AgencyAcknowledgement.objects.filter(agency=agency, version__plan=OuterRef("pk")).order_by(
        "-version__number"
    )
    return (
        Plan.objects.filter(pk__in=keys)
        .annotate(
            share_level=Subquery(share.values("level")[:1], output_field=CharField()),
            my_ack_number=Subquery(mine.values("version__number")[:1], output_field=IntegerField()),
            agency_ack_number=Subquery(ours.values("version__number")[:1], output_field=IntegerField()),
            settled=settled,
        )
        .order_by(*order)
        .values(*PARTNER_FIELDS)
    )


def dashboard_review_due(*, user: User, agency: Agency) -> QuerySet[Plan]:
    """The agency's plans whose review is due within the window or overdue, soonest first."""
    plans = plans_visible_to(user=user).filter(owner_agency=agency).prefetch_related(None)
    return (
        plans_review_due(plans=plans)
        .annotate(review_state=_review_state(timezone.localdate()))
        .order_by("next_review_due", "title", "id")
    )


def dashboard_conflicts(*, user: User, agency: Agency) -> list[ConflictRow]:
    """Conflicts between the agency's current plans and other agencies' (at most DASHBOARD_ROWS + 1; three queries)."""
    return conflicts_visible_to(user=user, agency=agency, limit=DASHBOARD_ROWS + 1)

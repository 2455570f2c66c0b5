"""Reads behind the feeds; each takes the person (or the agency) it answers for and re-checks access every time."""

from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from access.feeds import agency_alert_plan_ids, calendar_plan_ids
from access.plans import plans_visible_to
from agencies.models import Facility
from agencies.selectors import facilities_visible_to
from feeds.models import FeedToken
from feeds.services import token_digest
from plans.models import Plan, PlanVersion, VersionState
from reading.models import ReadingObligation


def facilities_layer(*, user: User | AnonymousUser) -> QuerySet[Facility]:
    """The facility list's buildings, each with `current_plans`: the plans covering it that the user may see
    (and only those), with their current versions. Two queries whatever the number of buildings."""
    plans = (
        plans_visible_to(user=user)
        .filter(current_version__isnull=False)
        .prefetch_related(None)
        .only("id", "title", "owner_agency__name", "current_version__number", "current_version__published_at")
        .order_by("title", "pk")
    )
    return (
        facilities_visible_to(user=user)
        .prefetch_related(Prefetch("plans", queryset=plans, to_attr="current_plans"))
        .order_by("name", "pk")
    )


def live_feed_token(*, plaintext: str) -> FeedToken | None:
    """The live link with this secret, of an active person; None for a revoked, unknown or deactivated one."""
    return (
        FeedToken.objects.select_related("user")
        .filter(token_hash=token_digest(plaintext), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def feed_token_of(*, user: User | AnonymousUser) -> FeedToken | None:
    """The person's own live calendar-feed link, if they have one."""
    if not user.is_authenticated:
        return None
    return FeedToken.objects.filter(user=user, revoked_at__isnull=True).first()


def calendar_review_plans(*, user: User | AnonymousUser) -> QuerySet[Plan]:
    """Plans with a review due that the person may see and their agency owns or partners on (one query)."""
    return (
        Plan.objects.filter(id__in=calendar_plan_ids(user=user), next_review_due__isnull=False)
        .select_related("owner_agency")
        .only("id", "title", "next_review_due", "owner_agency__name", "updated_at")
        .order_by("next_review_due", "pk")
    )


def calendar_reading_obligations(*, user: User | AnonymousUser) -> QuerySet[ReadingObligation]:
    """The person's open required reading, of plans they may still see (the grant is re-read at every fetch)."""
    if not user.is_authenticated:
        return ReadingObligation.objects.none()
    return (
        ReadingObligation.objects.filter(
            user=user, acknowledged_at__isnull=True, plan_id__in=calendar_plan_ids(user=user)
        )
        .select_related("plan", "version", "agency")
        .only("id", "due_at", "plan__id", "plan__title", "version__number", "agency__name")
        .order_by("due_at", "pk")
    )


def agency_alert_versions(*, agency_id: int, since: datetime, limit: int) -> list[PlanVersion]:
    """An agency's recent alerts: versions published or withdrawn since `since` of the plans it may see now."""
    changed = Q(published_at__gte=since) | Q(withdrawn_at__gte=since)
    return list(
        PlanVersion.objects.filter(
            changed,
            plan_id__in=agency_alert_plan_ids(agency_id=agency_id),
            state__in=(VersionState.PUBLISHED, VersionState.SUPERSEDED, VersionState.WITHDRAWN),
        )
        .select_related("plan", "plan__owner_agency")
        .only(
            "id",
            "number",
            "state",
            "published_at",
            "withdrawn_at",
            "plan__id",
            "plan__title",
            "plan__classification",
            "plan__owner_agency__name",
            "plan__owner_agency__slug",
        )
        .order_by(Coalesce("withdrawn_at", "published_at").desc(), "-pk")[:limit]
    )

"""Reads of onboarding: every agency's completeness for state coordinators (counts only, never a plan's title or
content), an agency's own set-up checklist, and its sharing defaults. Each is one query whatever the size."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from access.agencies import Actor
from access.coordination import can_see_agency_completeness
from agencies.models import Agency, Facility, Membership, PersonnelAssignment
from onboarding.models import SharingDefault
from plans.models import AgencyAcknowledgement, Plan, PlanShare
from portal.errors import NotAllowedError
from reading.models import ReadingObligation


def _count(queryset: QuerySet[Any], agency_field: str) -> Coalesce:
    """A correlated count of `queryset`'s rows for the outer agency (0 when there are none)."""
    counted = (
        queryset.filter(**{agency_field: OuterRef("pk")})
        .order_by()
        .values(agency_field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def agencies_with_completeness(*, user: Actor) -> QuerySet[Agency]:
    """Every agency with how complete it is: its plans (published and within their review date, or overdue), its
    members, its people's required reading (owed and done) and the partner versions it acknowledged.

    State coordinators and platform operators only (NotAllowedError for anyone else)."""
    if not can_see_agency_completeness(user):
        raise NotAllowedError("Only state coordinators and platform operators see every agency's completeness.")
    today = timezone.localdate()
    published = Plan.objects.filter(current_version__isnull=False)
    obligations = ReadingObligation.objects.all()
    return (
        Agency.objects.annotate(
            plans_total=_count(Plan.objects.all(), "owner_agency"),
            plans_current=_count(
                published.filter(Q(next_review_due__isnull=True) | Q(next_review_due__gte=today)), "owner_agency"
            ),
            reviews_overdue=_count(published.filter(next_review_due__lt=today), "owner_agency"),
            members_total=_count(Membership.objects.all(), "agency"),
            reading_owed=_count(obligations, "agency"),
            reading_done=_count(obligations.filter(acknowledged_at__isnull=False), "agency"),
            partner_acknowledgements=_count(AgencyAcknowledgement.objects.all(), "agency"),
        )
        .only("pk", "name", "kind", "jurisdiction")
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    done: bool


def setup_checklist(*, agency: Agency) -> list[ChecklistItem]:
    """What a new agency has set up: its card, buildings, people, assignments, sharing defaults, a shared plan."""
    own = Agency.objects.filter(pk=agency.pk)
    flags = own.annotate(
        has_buildings=Exists(Facility.objects.filter(owner_agency=OuterRef("pk"))),
        members=_count(Membership.objects.all(), "agency"),
        has_assignments=Exists(PersonnelAssignment.objects.filter(agency=OuterRef("pk"), ended_on__isnull=True)),
        has_defaults=Exists(SharingDefault.objects.filter(agency=OuterRef("pk"))),
        has_shared_plan=Exists(PlanShare.objects.filter(plan__owner_agency=OuterRef("pk"))),
    ).values("has_buildings", "members", "has_assignments", "has_defaults", "has_shared_plan")[0]
    return [
        ChecklistItem("card", "Contact details on the agency card", bool(agency.phone and agency.email)),
        ChecklistItem("buildings", "Buildings registered", flags["has_buildings"]),
        # More people than the first admin.
        ChecklistItem("members", "Members invited (one by one or from a roster)", flags["members"] > 1),
        ChecklistItem(
            "assignments", "People assigned to buildings (e.g. school resource officers)", flags["has_assignments"]
        ),
        ChecklistItem("sharing", "Partners new plans are shared with by default", flags["has_defaults"]),
        ChecklistItem("plan", "A first plan shared with a partner", flags["has_shared_plan"]),
    ]


def sharing_defaults_of(*, agency: Agency) -> QuerySet[SharingDefault]:
    return SharingDefault.objects.filter(agency=agency).select_related("partner").order_by("partner__name", "pk")

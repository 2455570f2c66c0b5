"""The reverse question: which agencies may see a plan, and which of their people hear about it.

Grants only: a public plan is readable by everyone signed in, but its alerts go to the agencies it is
granted to (the owner and its partners), as `agency_may_view` and `person_may_view` say for one reader.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from access.grants import VIEW
from agencies.models import Membership
from plans.models import Classification, Plan, PlanGroupObjectPermission


def _view_grants() -> QuerySet[PlanGroupObjectPermission]:
    return PlanGroupObjectPermission.objects.filter(
        permission__codename=VIEW, permission__content_type__app_label="plans"
    )


def viewing_agencies(*, plan_id: int) -> QuerySet:
    """Ids of the agencies granted view on the plan, as a queryset (usable as a subquery)."""
    return _view_grants().filter(content_object_id=plan_id).values_list("group__agency__id", flat=True).distinct()


def viewing_agencies_of(*, plan_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each of these plans, the agencies granted view on it (one query, none for no plans)."""
    plan_ids = set(plan_ids)
    viewers: dict[int, set[int]] = {}
    if not plan_ids:
        return viewers
    rows = _view_grants().filter(content_object_id__in=plan_ids).values_list("content_object_id", "group__agency__id")
    for plan_id, agency_id in rows:
        viewers.setdefault(plan_id, set()).add(agency_id)
    return viewers


def plan_view_grants(*, plan_ids: Iterable[int], agency_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(plan, agency) pairs among these where the agency is granted view on the plan (one query)."""
    plan_ids, agency_ids = set(plan_ids), set(agency_ids)
    if not plan_ids or not agency_ids:
        return set()
    return set(
        _view_grants()
        .filter(content_object_id__in=plan_ids, group__agency__id__in=agency_ids)
        .values_list("content_object_id", "group__agency__id")
    )


def plan_readers(*, classifications: dict[int, str], agency_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(plan, agency) pairs among these where the agency's people may read the plan: every agency for a public
    plan, else a view grant (one query). `classifications` maps each plan to its classification."""
    agency_ids = set(agency_ids)
    public = {plan_id for plan_id, level in classifications.items() if level == Classification.PUBLIC}
    pairs = plan_view_grants(plan_ids=set(classifications) - public, agency_ids=agency_ids)
    return pairs | {(plan_id, agency_id) for plan_id in public for agency_id in agency_ids}


def agency_may_view(*, plan_id: int, agency_id: int) -> bool:
    """Whether the agency's people may read the plan: it is public, or the agency is granted view."""
    return (
        Plan.objects.filter(pk=plan_id, classification=Classification.PUBLIC).exists()
        or _view_grants().filter(content_object_id=plan_id, group__agency__id=agency_id).exists()
    )


def person_may_view(*, plan: Plan, agency_ids: Iterable[int], viewers: set[int]) -> bool:
    """Whether someone in these agencies may read the plan, given the agencies viewing it
    (`viewing_agencies_of`): the batch form of `PlanAccess.can_view`, for checks at send time."""
    return plan.classification == Classification.PUBLIC or not viewers.isdisjoint(agency_ids)


def active_members(*, agency_ids: Iterable[int] | QuerySet, roles: Iterable[str] | None = None) -> QuerySet[Membership]:
    """The active people of these agencies (one row per person and agency), optionally of some roles only."""
    members = Membership.objects.filter(agency_id__in=agency_ids, user__is_active=True)
    if roles is not None:
        members = members.filter(role__in=list(roles))
    return members


@dataclass(frozen=True)
class PeopleLosingView:
    """What revoking one agency's grant on a plan does to its people: how many there are, how many could then
    no longer read the plan, and how many keep it as members of another agency that may read it."""

    people: int
    losing: int
    keeping: int


def people_losing_view(*, plan: Plan, agency_id: int) -> PeopleLosingView:
    """The active people of the agency and which of them would lose the plan if its grant went (one query).

    Nobody loses a public plan (everyone signed in reads it); otherwise a person keeps it through another
    agency granted view (the owner, another partner) that they are also a member of.
    """
    elsewhere = Membership.objects.filter(
        user_id=OuterRef("user_id"),
        agency_id__in=_view_grants()
        .filter(content_object_id=plan.pk)
        .exclude(group__agency__id=agency_id)
        .values("group__agency__id"),
    )
    counts = (
        active_members(agency_ids=[agency_id])
        .annotate(keeps=Exists(elsewhere))
        .aggregate(
            people=Count("user_id", distinct=True), keeping=Count("user_id", distinct=True, filter=Q(keeps=True))
        )
    )
    people, keeping = counts["people"], counts["keeping"]
    if plan.classification == Classification.PUBLIC:
        return PeopleLosingView(people=people, losing=0, keeping=people)
    return PeopleLosingView(people=people, losing=people - keeping, keeping=keeping)

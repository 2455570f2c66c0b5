"""Plans that build on partners' plans: who may declare a source, who reviews a source's change, and what a
reader learns about a link. A link's source (title, versions) is shown only to a reader who may read that
source now; the reverse question (which plans build on mine) names only plans the reader may see."""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User

from access.audience import plan_readers
from access.plans import PlanAccess, visible_plan_filter
from plans.models import Plan


def can_declare_sources(access: PlanAccess) -> bool:
    """Add or remove a plan's sources: its writers (the owner's admins and planners)."""
    return access.can_edit


def can_build_on(*, access: PlanAccess, source_access: PlanAccess) -> bool:
    """Declare `source_access.plan` a source of `access.plan`: a writer of the plan who may see the source
    (nothing more: building on a plan needs no grant beyond reading it); never the plan itself."""
    return can_declare_sources(access) and source_access.can_view and source_access.plan.pk != access.plan.pk


def can_review_source_changes(access: PlanAccess) -> bool:
    """Open a source change, start a draft for it or record that no change is needed: the plan's writers."""
    return access.can_edit


def can_see_source_reviews(access: PlanAccess) -> bool:
    """The pending source reviews of a plan (its own work list): the owner's members."""
    return access.is_owner_member


def sources_visible(*, user: User | AnonymousUser, plan_ids: Iterable[int]) -> set[int]:
    """Which of these plans the person may read now (one query; none for no ids): a source outside this set is
    shown as "no longer visible", with no title and no version."""
    ids = set(plan_ids)
    if not ids or not user.is_authenticated:
        return set()
    return set(Plan.objects.filter(visible_plan_filter(user=user), pk__in=ids).values_list("pk", flat=True))


def agencies_reading_source(*, source: Plan, agency_ids: Iterable[int]) -> set[int]:
    """Which of these agencies may read the source now (public, or a view grant): only their plans are told
    that it changed, so a revoked share learns nothing new (one query)."""
    return {
        agency for _, agency in plan_readers(classifications={source.pk: source.classification}, agency_ids=agency_ids)
    }


def sources_readable_by_agency(*, sources: Iterable[Plan], agency_id: int) -> set[int]:
    """Which of these source plans the agency may read now (one query): a version records only those."""
    classifications = {plan.pk: plan.classification for plan in sources}
    return {plan_id for plan_id, _ in plan_readers(classifications=classifications, agency_ids=[agency_id])}

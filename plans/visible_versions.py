"""A plan's versions the reader may read, and the reader's newest acknowledgement among them, by SQL the ORM
compiles once per process (portal/compiled_queries.py) for each of the rule's two shapes: with drafts (the owner's
admins, planners and liaisons) or released versions only. The rule itself stays `access.plans.versions_visible`:
each shape is compiled from it, for a stand-in reader who may or may not see drafts."""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from access.plans import DRAFT_READER_ROLES, PlanAccess, versions_visible
from plans.models import Acknowledgement, Plan, PlanVersion
from portal.compiled_queries import CompiledQuery

# The stand-in owner agency: its role decides whether the stand-in reader sees drafts.
_OWNER = -1


def _stand_in(plan_id: int, drafts: bool) -> PlanAccess:
    roles: dict[int, str] = {_OWNER: sorted(DRAFT_READER_ROLES)[0]} if drafts else {}
    access = PlanAccess(plan=Plan(pk=plan_id, owner_agency_id=_OWNER), roles=roles)
    if access.can_see_drafts != drafts:
        raise RuntimeError("The stand-in reader no longer sees drafts as asked: compile versions per request again.")
    return access


def _compiled_versions(drafts: bool) -> CompiledQuery[PlanVersion]:
    return CompiledQuery(lambda plan_id: versions_visible(access=_stand_in(plan_id, drafts)), "plan_id")


def _compiled_latest(drafts: bool) -> CompiledQuery[Acknowledgement]:
    def build(plan_id: int, user_id: int) -> QuerySet[Acknowledgement]:
        visible = versions_visible(access=_stand_in(plan_id, drafts)).values("pk")
        return (
            Acknowledgement.objects.filter(user_id=user_id, version__in=visible)
            .select_related("version")
            .order_by("-version__number")[:1]
        )

    return CompiledQuery(build, "plan_id", "user_id")


_VERSIONS = {drafts: _compiled_versions(drafts) for drafts in (False, True)}
_LATEST = {drafts: _compiled_latest(drafts) for drafts in (False, True)}


def versions_visible_list(*, access: PlanAccess) -> list[PlanVersion]:
    """`list(versions_visible(access=access))`: oldest first, with who published, started and withdrew each."""
    return _VERSIONS[access.can_see_drafts](plan_id=access.plan.pk)


def acknowledgement_latest(*, user: User, access: PlanAccess) -> Acknowledgement | None:
    """The user's acknowledgement of the newest version they may read and acknowledged (with that version)."""
    found = _LATEST[access.can_see_drafts](plan_id=access.plan.pk, user_id=user.pk)
    return found[0] if found else None

"""Plain looks before the dashboard's panels read: one cheap query that says which of a panel's reads can have
rows, so a panel with nothing to show (an agency with no plans of its own, a person with nothing to read) does
not build and plan its visibility-filtered queries (docs/benchmarks.md, "Dashboard panels").

Each look is a superset of what its read returns (no rows here means no rows there), so skipping a read on a
False changes nothing the person sees; a True only means the read runs as before.
"""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When

from access.plans import plans_visible_to
from agencies.models import Agency, PersonnelAssignment
from consistency.models import FactConflict
from exercises.models import ActionStatus, CorrectiveAction
from plans.models import Plan
from reading.models import ReadingObligation
from sources.models import OPEN_STATUSES, SourceChange


@dataclass(frozen=True)
class AttentionLook:
    """Whether the person has current building assignments, unacknowledged reading obligations, whether the
    agency is a side of any conflict (whatever the person may read of them), and (asked for its plans' writers
    only) whether a plan of the agency has a source change still to review."""

    buildings: bool
    reading: bool
    conflicts: bool
    sources: bool


@dataclass(frozen=True)
class SideLook:
    """Whether the agency has a plan the person may see (every list of the side column but corrective actions
    is of those plans), and whether it has an open corrective action (whatever the person may see of them)."""

    own_plans: bool
    open_actions: bool


def attention_look(*, user: User, agency: Agency, sources: bool) -> AttentionLook:
    """The attention panel's look, in one query (`sources`: look for source changes too)."""
    looks = {
        "buildings": Exists(PersonnelAssignment.objects.filter(user_id=user.pk, ended_on__isnull=True)),
        "reading": Exists(ReadingObligation.objects.filter(user_id=user.pk, acknowledged_at__isnull=True)),
        "conflicts": Exists(
            FactConflict.objects.filter(Q(first_agency_id=OuterRef("pk")) | Q(second_agency_id=OuterRef("pk")))
        ),
        "sources": Exists(SourceChange.objects.filter(plan__owner_agency_id=OuterRef("pk"), status__in=OPEN_STATUSES))
        if sources
        else Value(False),
    }
    row = Agency.objects.filter(pk=agency.pk).annotate(**looks).values_list(*looks).get()
    return AttentionLook(*row)


def side_look(*, user: User, agency: Agency) -> SideLook:
    """The side column's look, in one query."""
    owned = Plan.objects.filter(owner_agency_id=OuterRef("pk"))
    visible = plans_visible_to(user=user).filter(owner_agency_id=OuterRef("pk"))
    # PostgreSQL evaluates CASE lazily: an agency with no plan at all does not run the visibility rule.
    own_plans = Case(When(Exists(owned), then=Exists(visible)), default=Value(False), output_field=BooleanField())
    actions = CorrectiveAction.objects.filter(owning_agency_id=OuterRef("pk"), status=ActionStatus.OPEN)
    row = (
        Agency.objects.filter(pk=agency.pk)
        .annotate(own_plans=own_plans, open_actions=Exists(actions))
        .values_list("own_plans", "open_actions")
        .get()
    )
    return SideLook(*row)

"""Who sees an agency's training records and who records them (issue 17, item 4).

Training is an agency's business with its own people, like its required reading (access/reading.py), and
follows the same rule: its members see its sessions and the per-plan counts; its admins and liaisons record
sessions and set requirements; the per-person view is the reading compliance scope (admins and liaisons see
everyone, a group's supervisors their groups' people). Outside the agency everything is a 404.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from access.agencies import agency_roles
from access.reading import can_manage_reading_of, plans_agency_may_require, reading_manage_refusal
from plans.models import PlanVersion, VersionState

Actor = User | AnonymousUser


def training_read_refusal(user: Actor, agency_id: int) -> int | None:
    """404 outside the agency; its members read its sessions and its per-plan counts."""
    return None if agency_id in agency_roles(user=user) else 404


def training_manage_refusal(user: Actor, agency_id: int) -> int | None:
    """404 outside the agency, 403 for a member who is neither an admin nor a liaison (as for required reading)."""
    return reading_manage_refusal(user, agency_id)


def can_record_training_for(user: Actor, agency_id: int) -> bool:
    """The agency's admins and liaisons record its training sessions and set its training requirements."""
    return can_manage_reading_of(user, agency_id)


def trainable_versions(*, agency_id: int) -> QuerySet[PlanVersion]:
    """The released versions (current or superseded) of the plans the agency's people may read: what they may be
    trained on (the rule `plans_agency_may_require` applies to required reading)."""
    return PlanVersion.objects.filter(
        plan__in=plans_agency_may_require(agency_id=agency_id).values("pk"),
        state__in=(VersionState.PUBLISHED, VersionState.SUPERSEDED),
    )

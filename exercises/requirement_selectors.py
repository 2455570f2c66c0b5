"""Reads of drill requirements for the pages and the API, always through the gate (access/drills.py)."""

from django.db.models import F, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from access.drills import Actor, requirement_sets_visible_to
from agencies.models import Facility
from exercises.models import RequirementAssignment, RequirementLine, RequirementSet


def requirement_sets_listed(*, user: Actor) -> QuerySet[RequirementSet]:
    """The sets the person reads with their lines (two queries), states' first, then by name."""
    return (
        requirement_sets_visible_to(user=user)
        .select_related("owner_agency")
        .prefetch_related(Prefetch("lines", RequirementLine.objects.order_by("exercise_kind", "id")))
        .order_by(F("owner_agency_id").asc(nulls_first=True), "name", "id")
    )


def requirement_set_of(*, user: Actor, set_id: int) -> RequirementSet:
    """One set the person reads, else 404."""
    return get_object_or_404(requirement_sets_listed(user=user), pk=set_id)


def facility_assignments(*, facility: Facility) -> QuerySet[RequirementAssignment]:
    return RequirementAssignment.objects.filter(facility=facility).select_related("requirement_set")

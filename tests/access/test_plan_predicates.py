"""Predicates of `PlanAccess` that no other access test walks through every actor."""

import pytest
from django.contrib.auth.models import AnonymousUser

from access.plans import plan_access
from plans.models import Classification
from tests.permission_matrix import ACTORS, user_of
from tests.plans.factories import make_plan

MARKERS = {"owner_admin"}


@pytest.mark.parametrize("actor", list(ACTORS))
def test_only_admins_of_the_owner_agency_may_mark_a_plan_reviewed(county, actor):
    """Confirming the plan for another year is the owner admins' call, as publishing is."""
    access = plan_access(user=user_of(county, actor) or AnonymousUser(), plan=county.plan)
    assert access.can_mark_reviewed is (actor in MARKERS)
    assert access.can_mark_reviewed == access.can_publish


@pytest.mark.parametrize("actor", ["partner_view_liaison", "unrelated_admin", "staff"])
def test_a_public_plan_is_marked_reviewed_only_by_its_owner_admins(county, actor):
    public = make_plan(owner=county.district, actor=county.owner_admin, classification=Classification.PUBLIC)
    assert plan_access(user=county.owner_admin, plan=public).can_mark_reviewed
    assert not plan_access(user=user_of(county, actor), plan=public).can_mark_reviewed

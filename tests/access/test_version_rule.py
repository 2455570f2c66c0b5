"""The two forms of "may this person read this version": `versions_visible` (a query, for lists and lookups) and
`PlanAccess.can_read_version` (for a version already in hand, as the export service asks) agree for every actor
and every state, on a plan of another agency too."""

import pytest

from access.plans import plan_access, versions_visible
from plans import services
from plans.models import PlanVersion
from tests.permission_matrix import ACTORS, user_of
from tests.plans.factories import draft, make_plan


@pytest.fixture
def lifecycle(county):
    """The county plan with a version in every state (1 superseded, 2 withdrawn, 3 published, 4 draft) and a plan
    of the unrelated agency."""
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    services.plan_version_withdraw(version=county.draft, actor=county.owner_admin)
    services.plan_version_publish(
        version=draft(county.plan, county.owner_planner, "East lot."), actor=county.owner_admin
    )
    draft(county.plan, county.owner_planner, "West lot.")
    other = make_plan(owner=county.unrelated, actor=county.unrelated_admin, title="Far County plan")
    return draft(other, county.unrelated_admin, "Far away.")


@pytest.mark.parametrize("actor", [actor for actor in ACTORS if actor != "anonymous"])
def test_can_read_version_agrees_with_versions_visible(county, lifecycle, actor):
    user = user_of(county, actor)
    access = plan_access(user=user, plan=county.plan)
    listed = set(versions_visible(access=access).values_list("pk", flat=True)) if access.can_view else set()
    versions = list(PlanVersion.objects.all())
    assert {v.state for v in versions} == {"superseded", "withdrawn", "published", "draft"}
    assert {v.pk for v in versions if access.can_read_version(v)} == listed

"""A fire district plan for the county's school, next to the district's own crisis plan."""

from dataclasses import dataclass

import pytest

from agencies.models import Role
from plans.models import PlanKind, ShareLevel
from plans.services import plan_share
from tests.agencies.factories import member
from tests.conftest import County
from tests.plans.factories import make_plan


@dataclass
class Pair:
    county: County
    fire_admin: object
    fire_planner: object
    fire_member: object
    fire_plan: object


@pytest.fixture
def pair(county) -> Pair:
    """`county.plan` (district, shared with police `view` and fire `comment`) and a fire plan for the same
    school that is shared with nobody yet."""
    fire_admin = member(county.fire, Role.ADMIN, username="fire_admin")
    fire_planner = member(county.fire, Role.PLANNER, username="fire_planner")
    fire_member = member(county.fire, Role.MEMBER, username="firefighter")
    fire_plan = make_plan(
        owner=county.fire,
        actor=fire_admin,
        title="Fire pre-incident plan for schools",
        kind=PlanKind.AGENCY_RESPONSE,
        facilities=[county.school],
    )
    return Pair(county, fire_admin, fire_planner, fire_member, fire_plan)


@pytest.fixture
def partners(pair) -> Pair:
    """`pair`, with the fire plan shared back with the district (`view`): the two agencies read each other's
    plans, so Concord compares them (a plan is never compared with one whose owner may not read it)."""
    plan_share(plan=pair.fire_plan, agency=pair.county.district, level=ShareLevel.VIEW, actor=pair.fire_admin)
    return pair

"""A police plan that builds on the `county` school plan: police admin and planner, the plan published once
after declaring the school plan as the source of its reunification section (so v2 records the school's v1)."""

from dataclasses import dataclass

import pytest

from agencies.models import Role
from plans import services as plan_services
from plans.models import Plan
from sources.models import PlanSource
from sources.services import plan_source_add
from tests.agencies.factories import member
from tests.plans.factories import make_plan, publish

REUNIFICATION = [
    {"key": "basic", "title": "Basic plan", "body": "Unified command at the school."},
    {"key": "reunification", "title": "Annex C: Reunification", "body": "Parents meet at the stadium."},
]


@dataclass
class Built:
    county: object
    police_admin: object
    police_planner: object
    plan: Plan
    link: PlanSource


def police_publish(plan: Plan, actor, body: str = "Parents meet at the stadium."):
    rows = [dict(row) for row in REUNIFICATION]
    rows[1]["body"] = body
    draft = plan_services.plan_version_create_draft(plan=plan, actor=actor, change_summary="Update", sections=rows)
    return plan_services.plan_version_publish(version=draft, actor=actor)


def build(county) -> Built:
    police_admin = member(county.police, Role.ADMIN, username="police_admin")
    police_planner = member(county.police, Role.PLANNER, username="police_planner")
    plan = make_plan(
        owner=county.police, actor=police_admin, title="Active threat response plan", kind="agency_response"
    )
    police_publish(plan, police_admin, "Parents meet at the stadium.")
    link, _ = plan_source_add(plan=plan, source_plan=county.plan, section_key="reunification", actor=police_planner)
    police_publish(plan, police_admin, "Parents meet at the stadium gate B.")
    plan.refresh_from_db()
    return Built(county=county, police_admin=police_admin, police_planner=police_planner, plan=plan, link=link)


@pytest.fixture
def built(county) -> Built:
    return build(county)


def school_publishes(county):
    """The district publishes the county plan's open draft (v2): the police plan's source moved on."""
    return plan_services.plan_version_publish(version=county.draft, actor=county.owner_admin)


__all__ = ["Built", "build", "built", "make_plan", "police_publish", "publish", "school_publishes"]

"""The matrix scene: the `county` plan (the district's) builds on a police plan shared with the district, and
the police published a new version since, so one source change is pending on the county plan."""

import pytest

from agencies.models import Role
from plans import services as plan_services
from plans.models import ShareLevel
from sources.models import PlanSource, PlanSourceVersion, SourceChange
from sources.services import plan_source_add
from tests.agencies.factories import member
from tests.plans.factories import changed_draft, make_plan, publish


@pytest.fixture
def linked(county):
    police_admin = member(county.police, Role.ADMIN, username="police_admin")
    source = make_plan(owner=county.police, actor=police_admin, title="Ridgeford PD active threat plan")
    publish(source, police_admin, "Officers enter through door 4.")
    plan_services.plan_share(plan=source, agency=county.district, level=ShareLevel.VIEW, actor=police_admin)
    plan_source_add(plan=county.plan, source_plan=source, actor=county.owner_planner)
    source.refresh_from_db()
    plan_services.plan_version_publish(version=changed_draft(source, police_admin), actor=police_admin)
    county.source = source
    county.police_admin = police_admin
    county.link = PlanSource.objects.get()
    county.change = SourceChange.objects.get()
    return county


def sources_world() -> dict:
    return {
        "links": sorted(PlanSource.objects.values_list("id", "plan_id", "source_plan_id", "section_key")),
        "recorded": sorted(PlanSourceVersion.objects.values_list("version_id", "source_plan_id", "source_version_id")),
        "changes": sorted(SourceChange.objects.values_list("id", "status", "reason", "draft_id")),
    }

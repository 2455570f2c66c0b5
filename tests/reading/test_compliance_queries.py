"""A department of thousands: the compliance pages and API answer in the same number of queries for 5 or 50 rows."""

import pytest

from agencies.models import Role
from plans.models import ShareLevel
from plans.services import plan_share
from reading.models import ReadingGroup, ReadingGroupMember, ReadingRequirement
from reading.sync import obligations_sync
from tests.agencies.factories import member
from tests.conftest import web_client
from tests.plans.factories import make_plan, publish

# Queries on top of the rows themselves: session, user, roles, agency, groups, count, page, roles and groups of
# the page's people, the plan for its page, and the header's count of plans to read.
MAX_QUERIES = 15


def _department(county, people: int, plans: int):
    police = county.police
    admin = member(police, Role.ADMIN, username="chief", first_name="Pat", last_name="Chief")
    group = ReadingGroup.objects.create(agency=police, name="Patrol")
    for n in range(people):
        officer = member(police, Role.MEMBER, username=f"officer{n}", first_name="Officer", last_name=f"No{n:03}")
        ReadingGroupMember.objects.create(group=group, user=officer)
    for n in range(plans):
        plan = make_plan(owner=county.district, actor=county.owner_admin, title=f"School plan {n:03}")
        publish(plan, county.owner_admin, "Evacuate.")
        plan_share(plan=plan, agency=police, level=ShareLevel.VIEW, actor=county.owner_admin)
        ReadingRequirement.objects.create(agency=police, plan=plan)
    obligations_sync(agency_ids=[police.pk])
    return admin


def _pages(county) -> list[str]:
    base = f"/agencies/{county.police.pk}/reading/compliance"
    plan = county.police.reading_requirements.order_by("pk").first().plan_id
    api = f"/api/v1/agencies/{county.police.pk}/reading-compliance"
    return [
        f"{base}/",
        f"{base}/?view=people&sort=overdue",
        f"{base}/plans/{plan}/",
        f"{api}/",
        f"{api}/people/?state=due",
        f"{api}/people/?plan={plan}",
    ]


@pytest.mark.parametrize(("people", "plans"), [(5, 5), (50, 50)])
def test_the_compliance_lists_cost_the_same_queries_for_5_or_50_rows(
    county, django_assert_max_num_queries, people, plans
):
    admin = _department(county, people, plans)
    client = web_client(admin)
    for path in _pages(county):
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(path)
        assert response.status_code == 200, path
    listed = client.get(f"/api/v1/agencies/{county.police.pk}/reading-compliance/").json()
    assert listed["count"] == plans

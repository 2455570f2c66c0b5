"""The compliance page's per-plan counts by the summary's SQL compiled once (reading/compliance_page.py) are
`plan_summaries`' rows, for every sort and state, after the writes that move them, and for every scope."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.models import Role
from plans import services
from reading import selectors_compliance as selectors
from reading.compliance_page import plan_summary_rows
from reading.forms_compliance import PLAN_SORT_CHOICES
from reading.models import ReadingObligation
from reading.services import reading_requirement_create
from tests.agencies.factories import member
from tests.conftest import web_client
from tests.plans.factories import make_plan, publish
from tests.reading.compliance_scene import build

SORTS = ["", *(value for value, _ in PLAN_SORT_CHOICES if value)]
STATES = [None, *(value for value, _ in selectors.State.CHOICES)]


def _assert_equal_to_the_orm(scope, now) -> None:
    for state in STATES:
        for sort in SORTS:
            filters = selectors.ComplianceFilters(state=state, sort=sort)
            orm = list(selectors.plan_summaries(scope=scope, filters=filters, now=now))
            assert plan_summary_rows(scope=scope, filters=filters, now=now) == orm, (state, sort)


def test_the_compiled_counts_are_the_orms_for_every_sort_and_state_after_each_write(county):
    admin = member(county.police, Role.ADMIN, username="police_boss")
    reading_requirement_create(agency=county.police, plan=county.plan, due_days=10, actor=admin)
    second = make_plan(owner=county.district, actor=county.owner_admin, title="Bus route plan")
    publish(second, county.owner_admin, "Stops and times.")
    services.plan_share(plan=second, agency=county.police, level="view", actor=county.owner_admin)
    reading_requirement_create(agency=county.police, plan=second, due_days=3, actor=admin)
    ReadingObligation.objects.filter(user=county.partner_view_liaison).update(due_at=timezone.now() - timedelta(days=3))
    scope = selectors.compliance_scope_for(user=admin, agency_id=county.police.pk)
    _assert_equal_to_the_orm(scope, timezone.now())
    services.plan_version_acknowledge(version=county.published, actor=county.partner_view_member)
    _assert_equal_to_the_orm(scope, timezone.now())
    publish(county.plan, county.owner_admin, "A new version: everyone owes it again.")
    _assert_equal_to_the_orm(scope, timezone.now())
    services.plan_unshare(plan=second, agency=county.police, actor=county.owner_admin)
    rows = plan_summary_rows(scope=scope, filters=selectors.ComplianceFilters(), now=timezone.now())
    assert [row["plan_id"] for row in rows] == [county.plan.pk]
    _assert_equal_to_the_orm(scope, timezone.now())
    # Another agency's counts are never in this agency's list (the agency's id is bound per request).
    other = selectors.ComplianceScope(agency=county.fire, everyone=True, group_ids=frozenset())
    assert plan_summary_rows(scope=other, filters=selectors.ComplianceFilters(), now=timezone.now()) == []


def test_a_supervisors_and_a_filtered_list_are_counted_by_the_orm_as_before(county):
    scene = build(county)
    supervisor_scope = selectors.compliance_scope_for(user=scene.sro_supervisor, agency_id=county.police.pk)
    manager_scope = selectors.compliance_scope_for(user=scene.police_admin, agency_id=county.police.pk)
    now = timezone.now()
    for scope, filters in (
        (supervisor_scope, selectors.ComplianceFilters()),
        (manager_scope, selectors.ComplianceFilters(role=Role.MEMBER)),
        (manager_scope, selectors.ComplianceFilters(group=scene.sros.pk, state="overdue")),
    ):
        assert not selectors.summarised(scope, filters)
        assert plan_summary_rows(scope=scope, filters=filters, now=now) == list(
            selectors.plan_summaries(scope=scope, filters=filters, now=now)
        )
    manager = plan_summary_rows(scope=manager_scope, filters=selectors.ComplianceFilters(), now=now)
    supervised = plan_summary_rows(scope=supervisor_scope, filters=selectors.ComplianceFilters(), now=now)
    assert supervised[0]["required"] < manager[0]["required"]


@pytest.mark.parametrize("sort", ["", "-overdue"])
def test_the_per_plan_page_reads_a_constant_few_queries(county, django_assert_max_num_queries, sort):
    scene = build(county)
    client = web_client(scene.police_admin)
    client.get(f"/agencies/{county.police.pk}/reading/compliance/")  # the header's counts cached
    # session, user, roles, agency, groups, the counts (and the header's count when not cached)
    with django_assert_max_num_queries(7):
        response = client.get(f"/agencies/{county.police.pk}/reading/compliance/?sort={sort}")
    assert response.status_code == 200
    assert "Maple Valley High crisis plan" in response.content.decode()

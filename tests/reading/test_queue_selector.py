"""The person's "To read" queue: what they owe, oldest due first, once per plan, with what they last read."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from access.actors import SYSTEM
from agencies.models import Role
from agencies.services import agency_update, membership_add
from plans import services
from plans.models import Classification
from reading.models import ReadingObligation
from reading.selectors_queue import DueState, due_state, to_read_count, to_read_for
from tests.plans.factories import make_plan, publish
from tests.reading.queue_scene import publish_next, require, shared_plans

User = get_user_model()


def titles(user) -> list[str]:
    return [item.plan.title for item in to_read_for(user=User.objects.get(pk=user.pk))]


def test_the_queue_lists_what_the_person_owes_oldest_due_first(county):
    late, soon = shared_plans(county, 2, prefix="Shared")
    ReadingObligation.objects.filter(plan=late).update(due_at=timezone.now() - timedelta(days=2))
    ReadingObligation.objects.filter(plan=soon).update(due_at=timezone.now() + timedelta(days=1))
    require(county.police, county.plan)
    items = to_read_for(user=county.partner_view_member)
    assert [i.plan.title for i in items] == ["Shared 000", "Shared 001", "Maple Valley High crisis plan"]
    assert [i.state for i in items] == [DueState.OVERDUE, DueState.DUE_SOON, DueState.DUE]
    assert items[0].when == "Overdue by 2 days"
    assert items[2].owner_agency == county.district
    assert items[2].version.number == 1
    assert to_read_count(user=county.partner_view_member) == 3


def test_a_plan_two_agencies_require_is_one_item_due_at_the_earliest(county):
    membership_add(agency=county.fire, user=county.partner_view_member, role=Role.MEMBER, actor=SYSTEM)
    require(county.police, county.plan, due_days=30)
    require(county.fire, county.plan, due_days=5)
    assert ReadingObligation.objects.filter(user=county.partner_view_member).count() == 2
    (item,) = to_read_for(user=county.partner_view_member)
    assert item.due_at == ReadingObligation.objects.get(user=county.partner_view_member, agency=county.fire).due_at
    assert to_read_count(user=county.partner_view_member) == 1


def test_an_acknowledged_plan_leaves_the_queue_and_a_new_version_brings_it_back_with_what_was_read(county):
    require(county.police, county.plan)
    officer = county.partner_view_member
    assert to_read_for(user=officer)[0].last_read_number is None
    services.plan_version_acknowledge(version=county.published, actor=officer)
    assert titles(officer) == []
    publish_next(county)
    (item,) = to_read_for(user=officer)
    assert (item.version.number, item.last_read_number) == (2, 1)
    assert item.last_read_at is not None


def test_the_owner_and_other_agencies_owe_nothing_without_their_own_requirement(county):
    require(county.police, county.plan)
    for person in (county.owner_admin, county.owner_member, county.partner_comment_liaison, county.unrelated_admin):
        assert titles(person) == []


def test_a_stale_obligation_of_a_plan_no_longer_readable_is_not_listed(county):
    require(county.police, county.plan)
    # As if the revoke had not synced: the row stays, the person may no longer read the plan.
    services.plan_unshare(plan=county.plan, agency=county.police, actor=county.owner_admin)
    ReadingObligation.objects.create(
        agency=county.police,
        user=county.partner_view_member,
        plan=county.plan,
        version=county.published,
        due_at=timezone.now(),
    )
    assert titles(county.partner_view_member) == []
    assert to_read_count(user=county.partner_view_member) == 0


def test_a_sensitive_plan_whose_owner_requires_a_second_factor_is_listed_with_its_content_withheld(county):
    agency_update(agency=county.district, actor=SYSTEM, les_read_requires_mfa=True)
    plan = make_plan(
        owner=county.district,
        actor=county.owner_admin,
        title="Active threat plan",
        classification=Classification.LAW_ENFORCEMENT_SENSITIVE,
    )
    publish(plan, county.owner_admin, "Enter through the east door.")
    services.plan_share(plan=plan, agency=county.police, level="view", actor=county.owner_admin)
    require(county.police, plan)
    require(county.police, county.plan)
    items = {i.plan.title: i.content_withheld for i in to_read_for(user=county.partner_view_member)}
    assert items == {"Active threat plan": True, "Maple Valley High crisis plan": False}


def test_the_due_states_are_overdue_due_soon_within_three_days_and_due():
    now = timezone.now()
    assert due_state(now - timedelta(minutes=1), now=now) == DueState.OVERDUE
    assert due_state(now + timedelta(days=3), now=now) == DueState.DUE_SOON
    assert due_state(now + timedelta(days=3, minutes=1), now=now) == DueState.DUE


def count_queries(user) -> tuple[int, int]:
    fresh = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as queries:
        items = to_read_for(user=fresh)
    return len(queries), len(items)


def test_the_queue_reads_as_many_queries_for_50_items_as_for_5(county, django_assert_max_num_queries):
    officer = county.partner_view_member
    plans = shared_plans(county, 5)
    for plan in plans[:3]:  # some read an older version: the baseline is part of the one query
        services.plan_version_acknowledge(version=plan.current_version, actor=officer)
        publish(plan, county.owner_admin, "Changed step.")
    few, rows = count_queries(officer)
    assert rows == 5
    more = shared_plans(county, 45, prefix="More")
    for plan in more[:20]:
        services.plan_version_acknowledge(version=plan.current_version, actor=officer)
        publish(plan, county.owner_admin, "Changed step.")
    fresh = User.objects.get(pk=officer.pk)
    with django_assert_max_num_queries(few):
        assert len(to_read_for(user=fresh)) == 50
    assert few == 1

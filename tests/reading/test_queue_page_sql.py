"""The "To read" list's page by the SQL compiled once (reading/queue_page.py) is the ORM's queue, row for row."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from access.actors import SYSTEM
from agencies.models import Role
from agencies.services import membership_add
from plans import services
from plans.models import Classification
from reading.models import ReadingObligation
from reading.queue_page import QueuePages, queue_page
from reading.selectors_queue import to_read_values
from tests.reading.queue_scene import publish_next, require, shared_plans

User = get_user_model()


def both(user, offset: int, limit: int) -> tuple[list[dict], list[dict]]:
    user = User.objects.get(pk=user.pk)
    return queue_page(user=user, offset=offset, limit=limit), list(to_read_values(user=user)[offset : offset + limit])


def test_the_compiled_page_is_the_orms_queue_for_each_reader_and_page(county):
    plans = shared_plans(county, 7)
    for n, plan in enumerate(plans):  # due dates out of title order, two on the same day
        ReadingObligation.objects.filter(plan=plan).update(due_at=timezone.now() + timedelta(days=(n * 3) % 5))
    membership_add(agency=county.fire, user=county.partner_view_member, role=Role.MEMBER, actor=SYSTEM)
    require(county.police, county.plan, due_days=30)
    require(county.fire, county.plan, due_days=5)  # two agencies require it: listed once, at the earliest
    services.plan_version_acknowledge(version=county.published, actor=county.partner_view_member)
    publish_next(county)  # a new version: listed with the version last read
    readers = [county.partner_view_member, county.partner_view_liaison, county.owner_admin, county.unrelated_admin]
    for reader in readers:
        for offset, limit in ((0, 50), (0, 3), (3, 3), (6, 50), (40, 50)):
            compiled, orm = both(reader, offset, limit)
            assert compiled == orm, (reader.username, offset, limit)
    full, _ = both(county.partner_view_member, 0, 50)
    assert len(full) == 8
    assert [row["last_read_number"] for row in full if row["plan_id"] == county.plan.pk] == [1]


def test_a_plan_no_longer_readable_leaves_the_compiled_page_as_it_leaves_the_orms(county):
    plans = shared_plans(county, 3)
    officer = county.partner_view_member
    ids = [row["plan_id"] for row in queue_page(user=officer, offset=0, limit=50)]
    assert ids == [plan.pk for plan in plans]
    services.plan_unshare(plan=plans[1], agency=county.police, actor=county.owner_admin)
    compiled, orm = both(officer, 0, 50)
    assert compiled == orm
    assert plans[1].pk not in [row["plan_id"] for row in compiled]


def test_the_pager_reads_only_the_page_it_shows(county, django_assert_num_queries):
    shared_plans(county, 5)
    officer = User.objects.get(pk=county.partner_view_member.pk)
    pages = QueuePages(user=officer, count=5)
    assert len(pages) == 5
    with django_assert_num_queries(1):
        assert [row["plan__title"] for row in pages[1:3]] == ["Plan 001", "Plan 002"]
    assert pages[4]["plan__title"] == "Plan 004"
    assert pages[5:9] == []
    assert Classification.PUBLIC  # the queue's parameters keep their constants (the public classification)

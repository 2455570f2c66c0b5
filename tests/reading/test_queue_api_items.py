"""`GET /api/v1/me/to-read/` from the list page's compiled read (reading/queue_api_items.py) answers what the ORM's
queue answered (`to_read_rows` made items by `to_read_items`), page for page, for every kind of reader."""

import json
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from access.actors import SYSTEM
from agencies.models import Role
from agencies.services import membership_add
from plans import services
from reading.api.serializers_queue import ToReadItemSerializer
from reading.models import ReadingObligation
from reading.selectors_queue import to_read_items, to_read_rows
from tests.conftest import client_for
from tests.reading.queue_scene import publish_next, require, shared_plans
from tests.reading.test_queue_pages import sensitive_plan

User = get_user_model()

PAGES = ("", "?page_size=3", "?page_size=3&page=2", "?page_size=3&page=last", "?page_size=200")


def orm_payload(user, query: str) -> dict | None:
    """The ORM's queue as the API served it before: the page's items and the total (None: no such page, 404)."""
    user = User.objects.get(pk=user.pk)
    rows = to_read_rows(user=user)
    size = 3 if "page_size=3" in query else 200 if "page_size=200" in query else 50
    count = rows.count()
    number = (max(1, -(-count // size)) if "page=last" in query else 2) if "page=" in query else 1
    if number > 1 and (number - 1) * size >= count:
        return None
    page = rows[(number - 1) * size : number * size]
    items = ToReadItemSerializer(to_read_items(page, user=user), many=True).data
    return {"count": count, "results": json.loads(json.dumps(items))}


def assert_api_is_the_orms(user) -> list[dict]:
    api = client_for(User.objects.get(pk=user.pk))
    first = None
    for query in PAGES:
        response = api.get(f"/api/v1/me/to-read/{query}")
        expected = orm_payload(user, query)
        if expected is None:
            assert response.status_code == 404, (user.username, query, response.status_code)
            continue
        assert response.status_code == 200, (user.username, query, response.status_code)
        body = response.json()
        assert {"count": body["count"], "results": body["results"]} == expected, (user.username, query)
        first = first or body["results"]
    return first or []


def test_the_api_answers_what_the_orms_queue_answered_for_each_reader(county):
    plans = shared_plans(county, 7)
    for n, plan in enumerate(plans):  # due dates out of title order, two on the same day, one overdue
        ReadingObligation.objects.filter(plan=plan).update(due_at=timezone.now() + timedelta(days=(n * 3) % 5 - 1))
    membership_add(agency=county.fire, user=county.partner_view_member, role=Role.MEMBER, actor=SYSTEM)
    require(county.police, county.plan, due_days=30)
    require(county.fire, county.plan, due_days=5)  # two agencies require it: listed once, at the earliest
    services.plan_version_acknowledge(version=county.published, actor=county.partner_view_member)
    publish_next(county)  # a new version: listed with the version last read, and when it was read
    withheld = sensitive_plan(county, mfa=True)  # the title listed, the content withheld
    officer = county.partner_view_member
    readers = [officer, county.partner_view_liaison, county.owner_admin, county.unrelated_admin]
    for reader in readers:
        assert_api_is_the_orms(reader)
    items = {item["plan"]: item for item in assert_api_is_the_orms(officer)}
    assert len(items) == 9
    assert items[county.plan.pk]["last_read_version"] == 1
    assert items[county.plan.pk]["last_read_at"] is not None
    assert items[withheld.pk]["content_withheld"] is True
    assert client_for(county.unrelated_admin).get("/api/v1/me/to-read/").json()["results"] == []


def test_a_plan_unshared_leaves_the_api_as_it_leaves_the_orms_queue(county):
    plans = shared_plans(county, 3)
    officer = county.partner_view_member
    services.plan_unshare(plan=plans[1], agency=county.police, actor=county.owner_admin)
    items = assert_api_is_the_orms(officer)
    assert [item["plan"] for item in items] == [plans[0].pk, plans[2].pk]


def test_the_api_reads_as_many_queries_for_200_items_as_for_none(county, django_assert_max_num_queries):
    officer = User.objects.get(pk=county.partner_view_member.pk)
    api = client_for(officer)
    with django_assert_max_num_queries(2):  # the header's two counts, not cached yet
        assert api.get("/api/v1/me/to-read/").json() == {"count": 0, "next": None, "previous": None, "results": []}
    shared_plans(county, 60)
    api.get("/api/v1/me/to-read/")
    with django_assert_max_num_queries(1):  # the page (the count is cached)
        assert len(api.get("/api/v1/me/to-read/?page_size=200").json()["results"]) == 60

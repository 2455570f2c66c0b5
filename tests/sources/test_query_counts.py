"""The sources lists run the same number of queries for few rows as for many: no query per source, change or
dependent plan. Each test measures a request with few rows, grows the data, and allows at most that many."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans import services as plan_services
from plans.models import Plan, ShareLevel
from sources.services import plan_source_add
from tests.conftest import client_for, web_client
from tests.plans.factories import changed_draft, make_plan, publish
from tests.sources.scene import Built, police_publish

User = get_user_model()
FEW = 2
MORE = 6


def _fresh(user):
    return User.objects.get(pk=user.pk)


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(queries)


def _bounded(django_assert_max_num_queries, client, url: str, most: int):
    with django_assert_max_num_queries(most):
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return response


def _grow_sources(built: Built, count: int, start: int) -> None:
    """`count` more police plans the police plan builds on, recorded by a publish, each of which moved on since
    (so each is a pending source change)."""
    sources: list[Plan] = []
    for i in range(start, start + count):
        source = make_plan(owner=built.county.police, actor=built.police_admin, title=f"Police annex {i}")
        publish(source, built.police_admin, f"Door {i} is the entry.")
        plan_source_add(plan=built.plan, source_plan=source, actor=built.police_planner)
        sources.append(source)
    police_publish(built.plan, built.police_admin, f"Parents meet at the stadium gate {start}.")
    for source in sources:
        source.refresh_from_db()
        plan_services.plan_version_publish(version=changed_draft(source, built.police_admin), actor=built.police_admin)


def _grow_dependents(built: Built, count: int, start: int) -> None:
    """`count` more police plans that build on the county plan, every other one shared with the district."""
    for i in range(start, start + count):
        plan = make_plan(owner=built.county.police, actor=built.police_admin, title=f"Police dependent {i}")
        plan_source_add(plan=plan, source_plan=built.county.plan, actor=built.police_planner)
        if i % 2:
            plan_services.plan_share(
                plan=plan, agency=built.county.district, level=ShareLevel.VIEW, actor=built.police_admin
            )


def _api_and_pages(built: Built) -> list[tuple[object, str]]:
    planner = _fresh(built.police_planner)
    pk = built.plan.pk
    return [
        (client_for(planner), f"/api/v1/plans/{pk}/sources/"),
        (client_for(planner), f"/api/v1/plans/{pk}/source-changes/"),
        (client_for(planner), f"/api/v1/plans/{pk}/source-changes/?status=all"),
        (web_client(planner), f"/plans/{pk}/"),
        (web_client(planner), "/sources/"),
    ]


def test_the_sources_lists_and_pages_do_not_query_per_source(built, django_assert_max_num_queries):
    _grow_sources(built, FEW, 0)
    few = [_count(client, url) for client, url in _api_and_pages(built)]
    _grow_sources(built, MORE, FEW)
    for (client, url), most in zip(_api_and_pages(built), few, strict=True):
        response = _bounded(django_assert_max_num_queries, client, url, most)
        if url.startswith("/api/"):
            assert len(response.json()) >= MORE  # the publish after the first batch closed its changes
    page = web_client(_fresh(built.police_planner)).get(f"/plans/{built.plan.pk}/").content.decode()
    assert f"Police annex {FEW + MORE - 1}" in page


def test_the_dependents_list_does_not_query_per_plan(built, django_assert_max_num_queries):
    url = f"/api/v1/plans/{built.county.plan.pk}/dependents/"
    _grow_dependents(built, FEW, 0)
    few = _count(client_for(_fresh(built.county.owner_admin)), url)
    _grow_dependents(built, MORE, FEW)
    answer = _bounded(django_assert_max_num_queries, client_for(_fresh(built.county.owner_admin)), url, few).json()
    assert len(answer["plans"]) + answer["others"] == 1 + FEW + MORE  # with the built plan

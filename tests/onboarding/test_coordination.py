"""State coordinators see every agency's completeness and nothing of any plan: every plan page and API answers
them 404, as for anyone outside the plan's agencies, unless an agency they belong to may see the plan."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from access.actors import SYSTEM
from access.coordination import can_see_agency_completeness
from agencies.services import membership_add
from onboarding.services import state_coordinator_grant
from plans.models import Plan
from tests.agencies.factories import AgencyFactory, UserFactory
from tests.conftest import client_for, web_client
from tests.permission_matrix import covers, matrix, user_of
from tests.security.test_url_coverage import project_routes

COMPLETENESS_API = "/api/v1/coordination/agencies/"


@pytest.fixture
def coordinator(county):
    """A state coordinator who belongs to the unrelated agency (the county plan is not shared with it)."""
    person = UserFactory(username="state_coordinator")
    membership_add(agency=county.unrelated, user=person, role="member", actor=SYSTEM)
    state_coordinator_grant(user=person, actor=county.staff)
    return person


ONLY_OPERATORS = {
    "anonymous": 401,
    **dict.fromkeys(
        [
            "owner_admin",
            "owner_planner",
            "owner_liaison",
            "owner_member",
            "partner_view_liaison",
            "partner_view_member",
            "partner_comment_liaison",
            "unrelated_admin",
        ],
        403,
    ),
    "staff": 200,
}


@covers("coordination-agencies", "onboarding:completeness")
@pytest.mark.parametrize(("actor", "expected"), matrix(**ONLY_OPERATORS))
def test_only_coordinators_and_operators_see_the_completeness_list(county, actor, expected):
    user = user_of(county, actor)
    assert client_for(user).get(COMPLETENESS_API).status_code == expected
    page = web_client(user).get(reverse("onboarding:completeness"))
    assert page.status_code == (302 if actor == "anonymous" else expected)


def test_the_coordinator_sees_each_agencys_counts_and_no_plan_title(county, coordinator):
    rows = {row["name"]: row for row in client_for(coordinator).get(COMPLETENESS_API).json()["results"]}
    district = rows["Maple Valley School District"]
    assert {key: district[key] for key in ("plans_total", "plans_current", "reviews_overdue", "members_total")} == {
        "plans_total": 1,
        "plans_current": 1,
        "reviews_overdue": 0,
        "members_total": 4,
    }
    Plan.objects.filter(pk=county.plan.pk).update(next_review_due=timezone.localdate() - timezone.timedelta(days=1))
    body = client_for(coordinator).get(COMPLETENESS_API).content.decode()
    assert county.plan.title not in body
    district = next(
        r for r in client_for(coordinator).get(COMPLETENESS_API).json()["results"] if r["id"] == county.district.pk
    )
    assert (district["plans_current"], district["reviews_overdue"]) == (0, 1)
    page = web_client(coordinator).get(reverse("onboarding:completeness")).content.decode()
    assert "Maple Valley School District" in page
    assert county.plan.title not in page


def test_the_completeness_list_costs_the_same_queries_for_many_agencies(
    county, coordinator, django_assert_max_num_queries
):
    client, browser = client_for(coordinator), web_client(coordinator)
    with django_assert_max_num_queries(8) as few:
        client.get(COMPLETENESS_API)
    with django_assert_max_num_queries(12) as few_page:
        browser.get(reverse("onboarding:completeness"))
    AgencyFactory.create_batch(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(COMPLETENESS_API).status_code == 200
    with django_assert_max_num_queries(len(few_page.captured_queries)):
        assert browser.get(reverse("onboarding:completeness")).status_code == 200


def _plan_routes() -> list[str]:
    return sorted({route.name for route in project_routes() if "<int:plan_id>" in route.pattern and route.name})


def _url(name: str, county) -> str:
    pattern = next(r.pattern for r in project_routes() if r.name == name)
    values = {"plan_id": county.plan.pk, "number": county.published.number}
    kwargs = {key: values.get(key, 1) for key in re.findall(r"<(?:\w+:)?(\w+)>", pattern)}
    return reverse(name, kwargs=kwargs)


def test_every_plan_page_and_api_answers_the_coordinator_404(county, coordinator):
    assert can_see_agency_completeness(coordinator)
    routes = _plan_routes()
    assert "plans:detail" in routes
    assert any(not name.startswith(("plans:", "reviews:")) for name in routes)
    web, api = web_client(coordinator), client_for(coordinator)
    answers = {}
    for name in routes:
        url = _url(name, county)
        client = api if url.startswith("/api/") else web
        # A POST- or DELETE-only endpoint: its refusal must not tell that the plan exists either.
        for method in ("get", "post", "delete"):
            response = getattr(client, method)(url)
            if response.status_code != 405:
                break
        answers[name] = response.status_code
    assert {name: code for name, code in answers.items() if code != 404} == {}


def test_the_coordinators_own_agency_still_reads_what_it_is_shared(county, coordinator):
    membership_add(agency=county.police, user=coordinator, role="member", actor=SYSTEM)
    assert web_client(coordinator).get(reverse("plans:detail", kwargs={"plan_id": county.plan.pk})).status_code == 200

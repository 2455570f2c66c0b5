"""Every actor against the "To read" pages and API: a person only ever sees their own queue, a plan they may not
read is a 404, and acknowledging through the queue changes only the person's own record."""

import pytest
from django.contrib.auth import get_user_model

from plans.models import Acknowledgement
from tests.conftest import web_client
from tests.permission_matrix import ACTORS, client_as, covers, matrix, user_of
from tests.reading.queue_scene import require

User = get_user_model()
POLICE = {"partner_view_liaison", "partner_view_member"}
PLAN_TITLE = "Maple Valley High crisis plan"


@pytest.fixture
def required(county):
    """The police require everyone of theirs to read the county plan: only its two people owe it."""
    require(county.police, county.plan)
    return county


def web_as(county, actor):
    user = user_of(county, actor)
    return web_client(None if user is None else User.objects.get(pk=user.pk))


@covers("to-read")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=302, **{a: 200 for a in ACTORS if a != "anonymous"}))
def test_the_to_read_page_lists_only_the_persons_own_queue(required, actor, expected):
    response = web_as(required, actor).get("/to-read/")
    assert response.status_code == expected
    if expected == 200:
        html = response.content.decode()
        assert (PLAN_TITLE in html) == (actor in POLICE)
        assert ("All read" in html) == (actor not in POLICE)


@covers("to-read-item")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=302,
        owner_admin=302,  # may read the plan, owes nothing: back to their (empty) queue
        owner_planner=302,
        owner_liaison=302,
        owner_member=302,
        partner_view_liaison=200,
        partner_view_member=200,
        partner_comment_liaison=302,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_a_to_read_item_opens_for_those_who_owe_it_and_is_a_404_for_who_may_not_read_the_plan(
    required, actor, expected
):
    response = web_as(required, actor).get(f"/to-read/{required.plan.pk}/")
    assert response.status_code == expected
    if expected == 302 and actor != "anonymous":
        assert response["Location"] == "/to-read/"
    if expected == 200:
        assert "I have read version 1" in response.content.decode()
    if expected == 404:
        assert PLAN_TITLE not in response.content.decode()


@covers("to-read-item")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=302,
        owner_admin=302,
        owner_planner=302,
        owner_liaison=302,
        owner_member=302,
        partner_view_liaison=302,
        partner_view_member=302,
        partner_comment_liaison=302,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_acknowledging_through_the_queue_records_only_the_persons_own_acknowledgement(required, actor, expected):
    response = web_as(required, actor).post(f"/to-read/{required.plan.pk}/", {"version": 1})
    assert response.status_code == expected
    user = user_of(required, actor)
    others = Acknowledgement.objects.exclude(user=user) if user else Acknowledgement.objects.all()
    assert not others.exists()
    mine = Acknowledgement.objects.filter(user=user, version=required.published).exists() if user else False
    assert mine == (expected == 302 and actor != "anonymous")


@covers("me-to-read")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=401, **{a: 200 for a in ACTORS if a != "anonymous"}))
def test_the_api_lists_only_the_persons_own_queue(required, actor, expected):
    response = client_as(required, actor).get("/api/v1/me/to-read/")
    assert response.status_code == expected
    if expected == 200:
        body = response.json()
        titles = [item["plan_title"] for item in body["results"]]
        assert titles == ([PLAN_TITLE] if actor in POLICE else [])
        assert body["count"] == len(titles)

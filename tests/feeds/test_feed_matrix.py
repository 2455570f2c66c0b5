"""Every feed route for every actor: who gets it, and that nobody finds in a feed a plan they may not see."""

import pytest
from django.urls import reverse

from feeds.models import FeedToken
from tests.conftest import web_client
from tests.feeds.helpers import feed_path, headlines, summaries
from tests.permission_matrix import OWNERS, PARTNERS, client_as, covers, matrix, user_of

TITLE = "Maple Valley High crisis plan"
SIGNED_IN_200 = {
    "owner_admin": 200,
    "owner_planner": 200,
    "owner_liaison": 200,
    "owner_member": 200,
    "partner_view_liaison": 200,
    "partner_view_member": 200,
    "partner_comment_liaison": 200,
    "unrelated_admin": 200,
    "staff": 200,
}


@covers("facility-geojson")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=401, **SIGNED_IN_200))
def test_the_geojson_layer_names_only_the_plans_the_reader_may_see(county, actor, expected):
    response = client_as(county, actor).get("/api/v1/facilities.geojson")
    assert response.status_code == expected, response.content
    if expected != 200:
        assert TITLE not in response.content.decode()
        return
    assert response["Content-Type"] == "application/geo+json"
    (feature,) = response.json()["features"]
    assert feature["properties"]["name"] == "Maple Valley High"
    titles = [plan["title"] for plan in feature["properties"]["current_plans"]]
    assert titles == ([TITLE] if actor in OWNERS | PARTNERS else [])


@covers("calendar-feed")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=404, **SIGNED_IN_200))
def test_the_calendar_feed_holds_the_review_dates_of_the_readers_agencies_only(county, actor, expected):
    user = user_of(county, actor)
    path = feed_path(user) if user else "/api/v1/calendar/not-a-link.ics"
    response = client_as(county, "anonymous").get(path)
    assert response.status_code == expected, response.content
    if expected != 200:
        return
    assert response["Content-Type"].startswith("text/calendar")
    expected_summaries = [f"Review due: {TITLE}"] if actor in OWNERS | PARTNERS else []
    assert summaries(response.content) == expected_summaries


@covers("me-calendar-feed")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=401, **{a: 201 for a in SIGNED_IN_200}))
def test_every_signed_in_person_makes_their_own_calendar_link(county, actor, expected):
    client = client_as(county, actor)
    response = client.post("/api/v1/me/calendar-feed/")
    assert response.status_code == expected, response.content
    if expected != 201:
        assert not FeedToken.objects.exists()
        return
    assert response.json()["url"].startswith("http://testserver/api/v1/calendar/")
    assert client.get("/api/v1/me/calendar-feed/").status_code == 200
    assert client.delete("/api/v1/me/calendar-feed/").status_code == 204
    assert client.get("/api/v1/me/calendar-feed/").status_code == 404
    assert FeedToken.objects.get().user == user_of(county, actor)


CAP_OF_OWNER = matrix(
    anonymous=401,
    owner_admin=200,
    owner_planner=200,
    owner_liaison=200,
    owner_member=200,
    partner_view_liaison=404,
    partner_view_member=404,
    partner_comment_liaison=404,
    unrelated_admin=404,
    staff=404,
)


@covers("agency-cap-alerts")
@pytest.mark.parametrize(("actor", "expected"), CAP_OF_OWNER)
def test_an_agencys_cap_feed_is_for_its_own_members(county, actor, expected):
    response = client_as(county, actor).get(f"/api/v1/agencies/{county.district.pk}/cap-alerts/")
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response["Content-Type"].startswith("application/atom+xml")
        assert headlines(response.content) == [f"{TITLE}: version 1 published"]
    else:
        assert TITLE not in response.content.decode()


@covers("agency-cap-alerts")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=404,
        owner_planner=404,
        owner_liaison=404,
        owner_member=404,
        partner_view_liaison=200,
        partner_view_member=200,
        partner_comment_liaison=404,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_a_partners_cap_feed_holds_the_plans_shared_with_it(county, actor, expected):
    response = client_as(county, actor).get(f"/api/v1/agencies/{county.police.pk}/cap-alerts/")
    assert response.status_code == expected, response.content
    if expected == 200:
        assert headlines(response.content) == [f"{TITLE}: version 1 published"]


@covers("feeds:calendar-feed")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=302, **SIGNED_IN_200))
def test_the_calendar_feed_page_is_each_persons_own(county, actor, expected):
    client = web_client(user_of(county, actor))
    response = client.get(reverse("feeds:calendar-feed"))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/")
        assert client.post(reverse("feeds:calendar-feed"), {"action": "create"}).status_code == 302
        assert not FeedToken.objects.exists()
        return
    assert "You have no calendar-feed link" in response.content.decode()
    response = client.post(reverse("feeds:calendar-feed"), {"action": "create"})
    assert "Copy the link now" in response.content.decode()
    assert FeedToken.objects.get().user == user_of(county, actor)

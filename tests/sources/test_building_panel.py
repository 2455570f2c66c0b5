"""The building page says which agency's plan builds on which, among plans the viewer may read: a plan the viewer
may not read shows nothing of itself, not even the link."""

from django.urls import reverse

from tests.conftest import web_client


def _page(user, county) -> str:
    response = web_client(user).get(reverse("agencies:facility-detail", kwargs={"facility_id": county.school.pk}))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_a_viewer_of_both_plans_sees_which_builds_on_which(built, county):
    page = _page(built.police_planner, county)
    assert "Plans built on other plans here" in page
    assert f"Active threat response plan</a> ({county.police.name}) builds on" in page
    assert f'href="/plans/{built.plan.pk}/"' in page
    assert "Maple Valley High crisis plan" in page


def test_a_viewer_of_one_side_only_sees_nothing_of_the_other(built, county):
    page = _page(county.owner_admin, county)
    assert "Maple Valley High crisis plan" in page  # the district's own plan is on its building's page
    assert "Plans built on other plans here" not in page
    assert "Active threat response plan" not in page
    assert f"/plans/{built.plan.pk}/" not in page

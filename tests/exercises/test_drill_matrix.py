"""Tenant isolation of drill requirements and calendars, every read route x every actor: a building's drill status
and an agency's overview and calendar are the district's (everyone else 404); the district's own requirement set
is its own (the operator, who keeps the states' sets, reads it too); a state's set is read by everyone signed in.
The writes are tried by tests/security/test_escalation.py."""

import pytest

from tests.conftest import web_client
from tests.exercises.helpers import DrillScene, schedule_drill
from tests.permission_matrix import client_as, covers, matrix, user_of

DISTRICT = dict.fromkeys(["owner_admin", "owner_planner", "owner_liaison", "owner_member"], 200)
OTHERS = dict.fromkeys(
    ["partner_view_liaison", "partner_view_member", "partner_comment_liaison", "unrelated_admin"], 404
)
DISTRICT_ONLY = matrix(anonymous=401, staff=404, **DISTRICT, **OTHERS)
SET_READERS = matrix(anonymous=401, staff=200, **DISTRICT, **OTHERS)


@pytest.fixture
def scene(county):
    drills = DrillScene(county)
    drills.exercise = schedule_drill(county, title="Lockdown with the police")
    return drills


@covers("facility-drill-status", "agency-drill-status", "facility-requirements")
@pytest.mark.parametrize(("actor", "expected"), DISTRICT_ONLY)
def test_the_api_answers_a_buildings_drill_status_to_its_owners_people_only(county, scene, actor, expected):
    client = client_as(county, actor)
    assert client.get(f"/api/v1/facilities/{county.school.pk}/drill-status/").status_code == expected
    assert client.get(f"/api/v1/agencies/{county.district.pk}/drill-status/").status_code == expected
    assigned = client.get(f"/api/v1/facilities/{county.school.pk}/drill-requirements/")
    assert assigned.status_code == expected
    if expected == 200:
        assert [row["id"] for row in assigned.json()] == [scene.district_set.pk]


@covers("requirement-set-list", "requirement-set-detail")
@pytest.mark.parametrize(("actor", "expected"), SET_READERS)
def test_the_districts_own_set_is_read_by_its_people_and_a_states_set_by_everyone(county, scene, actor, expected):
    client = client_as(county, actor)
    assert client.get(f"/api/v1/drill-requirements/{scene.district_set.pk}/").status_code == expected
    state = client.get(f"/api/v1/drill-requirements/{scene.state_set.pk}/")
    listed = client.get("/api/v1/drill-requirements/")
    if expected == 401:
        assert state.status_code == listed.status_code == 401
        return
    assert state.status_code == 200
    shown = {row["id"] for row in listed.json()["results"]}
    assert shown == ({scene.state_set.pk, scene.district_set.pk} if expected == 200 else {scene.state_set.pk})


def _web(expected: int) -> int:
    return 302 if expected == 401 else expected


@covers("exercises:agency-drills", "exercises:agency-calendar", "exercises:requirement-set")
@pytest.mark.parametrize(("actor", "expected"), DISTRICT_ONLY)
def test_the_agency_pages_are_the_districts_and_its_set_its_own(county, scene, actor, expected):
    browser = web_client(user_of(county, actor))
    assert browser.get(f"/agencies/{county.district.pk}/drills/").status_code == _web(expected)
    assert browser.get(f"/agencies/{county.district.pk}/calendar/").status_code == _web(expected)
    own = browser.get(f"/drill-requirements/{scene.district_set.pk}/").status_code
    assert own == (200 if actor == "staff" else _web(expected))


@covers("exercises:facility-calendar", "exercises:requirement-sets")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        staff=404,
        partner_view_liaison=200,
        partner_view_member=200,
        partner_comment_liaison=200,
        unrelated_admin=404,
        **DISTRICT,
    ),
)
def test_a_buildings_calendar_lists_only_the_exercises_the_person_takes_part_in(county, scene, actor, expected):
    browser = web_client(user_of(county, actor))
    page = browser.get(f"/facilities/{county.school.pk}/calendar/")
    sets = browser.get("/drill-requirements/")
    if expected == 401:
        assert page.status_code == sets.status_code == 302
        return
    assert page.status_code == 200  # the building directory is shared; its calendar lists what one may see
    assert ("Lockdown with the police" in page.content.decode()) == (expected == 200)
    assert "State school drill rule" in sets.content.decode()

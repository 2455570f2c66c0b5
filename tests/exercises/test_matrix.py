"""Tenant isolation of exercises, every read route x every actor: the participants (the district leads, the
police and fire take part) see the exercises; the unrelated sheriff and the platform operator get 404. A draft
report is the lead's own. The writes are tried by tests/security/test_escalation.py."""

import pytest

from tests.conftest import web_client
from tests.exercises.helpers import ExerciseScene
from tests.permission_matrix import client_as, covers, matrix, user_of

PARTICIPANTS = matrix(
    anonymous=401,
    owner_admin=200,
    owner_planner=200,
    owner_liaison=200,
    owner_member=200,
    partner_view_liaison=200,
    partner_view_member=200,
    partner_comment_liaison=200,
    unrelated_admin=404,
    staff=404,
)
LEAD_ONLY = matrix(
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


@pytest.fixture
def scene(county):
    return ExerciseScene(county)


@covers("exercise-list", "exercise-detail", "exercise-report", "corrective-action-list")
@pytest.mark.parametrize(("actor", "expected"), PARTICIPANTS)
def test_the_api_shows_exercises_and_final_reports_to_their_participants_only(county, scene, actor, expected):
    client = client_as(county, actor)
    listed = client.get("/api/v1/exercises/")
    actions = client.get("/api/v1/corrective-actions/")
    assert client.get(f"/api/v1/exercises/{scene.scheduled.pk}/").status_code == expected
    assert client.get(f"/api/v1/exercises/{scene.reported.pk}/report/").status_code == expected
    if expected == 401:
        assert listed.status_code == actions.status_code == 401
        return
    shown = {row["id"] for row in listed.json()["results"]}
    shown_actions = {row["id"] for row in actions.json()["results"]}
    if expected == 404:
        assert shown == shown_actions == set()
    else:
        assert shown == {scene.scheduled.pk, scene.drafted.pk, scene.reported.pk}
        assert shown_actions == {scene.action.pk}


@covers("exercise-report")
@pytest.mark.parametrize(("actor", "expected"), LEAD_ONLY)
def test_a_draft_report_is_the_lead_agencys_own(county, scene, actor, expected):
    response = client_as(county, actor).get(f"/api/v1/exercises/{scene.drafted.pk}/report/")
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["state"] == "draft"
        assert [f["text"] for f in response.json()["findings"]] == ["Doors locked in two minutes."]


def _web(expected: int) -> int:
    return 302 if expected == 401 else expected


@covers("exercises:list", "exercises:detail", "exercises:actions", "exercises:report")
@pytest.mark.parametrize(("actor", "expected"), PARTICIPANTS)
def test_the_web_pages_show_exercises_to_their_participants_only(county, scene, actor, expected):
    browser = web_client(user_of(county, actor))
    listed = browser.get("/exercises/")
    actions = browser.get("/corrective-actions/")
    assert browser.get(f"/exercises/{scene.scheduled.pk}/").status_code == _web(expected)
    assert browser.get(f"/exercises/{scene.reported.pk}/report/").status_code == _web(expected)
    assert browser.get(f"/exercises/{scene.drafted.pk}/report/").status_code == _web(
        expected if actor.startswith("owner") or expected != 200 else 404
    )
    if expected == 401:
        assert listed.status_code == actions.status_code == 302
        return
    assert listed.status_code == actions.status_code == 200
    page, action_page = listed.content.decode(), actions.content.decode()
    assert ("Scheduled drill" in page) == (expected == 200)
    assert ("Rewrite the reunification steps" in action_page) == (expected == 200)


@covers("exercises:new", "exercises:edit")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=200,
        owner_planner=403,
        owner_liaison=200,
        owner_member=403,
        partner_view_liaison=403,  # may schedule for the police (the form), not change the district's exercise
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_the_forms_are_for_the_lead_agencys_admins_and_liaisons(county, scene, actor, expected):
    browser = web_client(user_of(county, actor))
    assert browser.get(f"/exercises/{scene.scheduled.pk}/edit/").status_code == _web(expected)
    schedules = actor in ("owner_admin", "owner_liaison", "partner_view_liaison", "partner_comment_liaison")
    schedules = schedules or actor == "unrelated_admin"
    new = browser.get("/exercises/new/").status_code
    assert new == (302 if expected == 401 else 200 if schedules else 403)

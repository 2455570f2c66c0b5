"""The exercise API as a client uses it: what a schedule returns, bad input answered 400 by field, a state that
refuses 409, and the same number of queries for a long list as for a short one."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from exercises.models import Exercise
from tests.conftest import client_for, web_client
from tests.exercises.helpers import ExerciseScene, schedule_drill


def _body(county, **changes):
    start = timezone.now() + timedelta(days=7)
    return {
        "lead_agency": county.district.pk,
        "title": "Spring lockdown drill",
        "kind": "lockdown",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
        "facilities": [county.school.pk],
        "participants": [county.police.pk, county.fire.pk],
        "plan_versions": [county.published.pk],
        "objectives": ["Lock every classroom within three minutes"],
        **changes,
    }


def test_scheduling_returns_the_exercise_with_its_participants(county):
    response = client_for(county.owner_admin).post("/api/v1/exercises/", _body(county), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "scheduled"
    assert sorted(p["agency"] for p in body["participants"]) == sorted(
        [county.district.pk, county.police.pk, county.fire.pk]
    )
    assert [o["text"] for o in body["objectives"]] == ["Lock every classroom within three minutes"]


def test_bad_input_is_a_400_naming_the_field(county):
    client = client_for(county.owner_admin)
    for changes, field in [
        ({"kind": "picnic"}, "kind"),
        ({"lead_agency": 10**9}, "lead_agency"),
        ({"ends_at": (timezone.now() - timedelta(days=30)).isoformat()}, "ends_at"),
        ({"facilities": ["x"]}, "facilities"),
        ({"plan_versions": [county.draft.pk]}, "plan_versions"),
    ]:
        response = client.post("/api/v1/exercises/", _body(county, **changes), format="json")
        assert response.status_code == 400, changes
        assert field in response.json(), response.json()
    assert not Exercise.objects.exists()


def test_a_report_before_the_exercise_took_place_is_a_409(county):
    exercise = schedule_drill(county, starts_at=timezone.now() + timedelta(days=3))
    client = client_for(county.owner_admin)
    assert client.post(f"/api/v1/exercises/{exercise.pk}/conducted/").status_code == 409
    response = client.put(f"/api/v1/exercises/{exercise.pk}/report/", {"summary": "x"}, format="json")
    assert response.status_code == 409


def test_a_final_report_refuses_changes_and_closed_actions_stay_closed(county):
    scene = ExerciseScene(county)
    client = client_for(county.owner_admin)
    report = f"/api/v1/exercises/{scene.reported.pk}/report/"
    assert client.put(report, {"summary": "Rewritten"}, format="json").status_code == 409
    assert client.post(f"{report}finalize/").status_code == 409
    close = f"/api/v1/corrective-actions/{scene.action.pk}/close/"
    assert client.post(close, {"reason": "Covered already."}, format="json").status_code == 200
    assert client.post(close, {"reason": "Again."}, format="json").status_code == 409


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def test_lists_and_pages_read_as_many_queries_for_many_exercises_as_for_few(county, django_assert_max_num_queries):
    ExerciseScene(county)
    api, web = client_for(county.owner_admin), web_client(county.owner_admin)
    few = {url: _queries(lambda url=url: api.get(url)) for url in ("/api/v1/exercises/", "/api/v1/corrective-actions/")}
    few_pages = {url: _queries(lambda url=url: web.get(url)) for url in ("/exercises/", "/corrective-actions/")}
    for _ in range(3):
        ExerciseScene(county)
    for url, count in few.items():
        with django_assert_max_num_queries(count):
            assert api.get(url).status_code == 200
    for url, count in few_pages.items():
        with django_assert_max_num_queries(count):
            assert web.get(url).status_code == 200

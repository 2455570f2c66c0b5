"""Training records in the API and on the web: recording, bad input, exercises, constant queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from access.actors import SYSTEM
from audit.models import AuditAction, AuditEvent
from exercises.services import attendance_record
from reading.models import TrainingRecord, TrainingSession
from reading.services_training import training_session_record
from tests.agencies.factories import member
from tests.conftest import client_for, web_client
from tests.exercises.helpers import conducted_drill
from tests.reading.training_scene import TrainingScene, session_input

pytestmark = pytest.mark.django_db


def _body(county, **changes):
    return {
        "title": "SRO active-threat refresher",
        "trained_on": timezone.localdate().isoformat(),
        "trainer": county.owner_liaison.pk,
        "plan_versions": [county.published.pk],
        "trainees": [county.owner_member.pk],
        "staff_names": ["Pat Teacher"],
        **changes,
    }


def test_a_liaison_records_a_session_and_the_member_becomes_current(county):
    TrainingScene(county)
    api = client_for(county.owner_liaison)
    base = f"/api/v1/agencies/{county.district.pk}/"
    created = api.post(f"{base}training-sessions/", _body(county, trainees=[county.owner_admin.pk]), format="json")
    assert created.status_code == 201, created.content
    assert created.json()["trainees"] == [county.owner_admin.pk]
    assert created.json()["staff_count"] == 1
    people = api.get(f"{base}training-compliance/people/", {"state": "not_current"}).json()["results"]
    assert [row["username"] for row in people] == ["district_liaison"]
    changed = api.put(
        f"{base}training-sessions/{created.json()['id']}/", _body(county, trainees=[], staff_count=3), format="json"
    )
    assert changed.status_code == 200
    assert changed.json()["trainees"] == []
    assert api.delete(f"{base}training-sessions/{created.json()['id']}/").status_code == 204
    actions = list(AuditEvent.objects.filter(action__startswith="training.").values_list("action", flat=True))
    assert actions.count(AuditAction.TRAINING_RECORD) == 2  # the scene's (SYSTEM) and the liaison's
    assert AuditAction.TRAINING_UPDATE in actions
    assert AuditAction.TRAINING_DELETE in actions


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"trainees": [999_999]}, "trainees"),
        ({"plan_versions": []}, "plan_versions"),
        ({"plan_versions": ["x"]}, "plan_versions"),
        ({"trainer": -1}, "trainer"),
        ({"trained_on": "yesterday"}, "trained_on"),
        ({"staff_count": 0}, "staff_count"),
        ({"groups": [123_456]}, "groups"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(county, changes, field):
    api = client_for(county.owner_admin)
    response = api.post(
        f"/api/v1/agencies/{county.district.pk}/training-sessions/", _body(county, **changes), format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not TrainingSession.objects.exists()


def test_a_partners_people_and_draft_versions_cannot_be_named(county):
    api = client_for(county.owner_admin)
    base = f"/api/v1/agencies/{county.district.pk}/training-sessions/"
    partner = api.post(base, _body(county, trainees=[county.partner_view_member.pk]), format="json")
    assert partner.status_code == 400
    draft = api.post(base, _body(county, plan_versions=[county.draft.pk]), format="json")
    assert draft.status_code == 400
    assert not TrainingRecord.objects.exists()


def test_the_police_record_their_drill_attendees_as_trained(county):
    exercise = conducted_drill(county)
    police_admin = member(county.police, "admin", username="police_admin")
    attendance_record(
        exercise=exercise,
        agency=county.police,
        attendee_ids=[county.partner_view_member.pk],
        staff_count=0,
        student_count=0,
        actor=police_admin,
    )
    api = client_for(police_admin)
    response = api.post(f"/api/v1/exercises/{exercise.pk}/training/", {"agency": county.police.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["trainees"] == [county.partner_view_member.pk]
    assert response.json()["exercise"] == exercise.pk
    # Another participant's admin may not record the police's training; an outsider does not see the exercise.
    fire = client_for(county.partner_comment_liaison)
    assert fire.post(f"/api/v1/exercises/{exercise.pk}/training/", {"agency": county.police.pk}).status_code == 403
    far = client_for(county.unrelated_admin)
    assert far.post(f"/api/v1/exercises/{exercise.pk}/training/", {"agency": county.police.pk}).status_code == 404
    web = web_client(police_admin)
    page = web.post(f"/exercises/{exercise.pk}/training/", {"agency": county.police.pk})
    assert page.status_code == 302
    assert TrainingSession.objects.filter(exercise=exercise).count() == 1


def _many_sessions(county, count: int) -> None:
    for day in range(count):
        data = session_input(county, trained_on=timezone.localdate() - timedelta(days=day))
        training_session_record(agency=county.district, data=data, actor=SYSTEM)


def _people(county, count: int) -> None:
    for n in range(count):
        member(county.district, "member", username=f"teacher{n}")


@pytest.mark.parametrize("size", [3, 30])
def test_the_lists_cost_the_same_queries_for_few_and_many(county, django_assert_max_num_queries, size):
    TrainingScene(county)
    _many_sessions(county, size)
    _people(county, size)
    api = client_for(county.owner_admin)
    base = f"/api/v1/agencies/{county.district.pk}/"
    web = web_client(county.owner_admin)
    with django_assert_max_num_queries(12):
        assert api.get(f"{base}training-sessions/").status_code == 200
    with django_assert_max_num_queries(10):
        assert api.get(f"{base}training-compliance/people/").status_code == 200
    with django_assert_max_num_queries(8):
        assert api.get(f"{base}training-compliance/").status_code == 200
    with django_assert_max_num_queries(20):
        assert web.get(f"/agencies/{county.district.pk}/training/").status_code == 200
    with django_assert_max_num_queries(20):
        assert web.get(f"/agencies/{county.district.pk}/training/people/").status_code == 200


def test_the_web_form_records_a_session_and_the_people_page_shows_who_is_current(county):
    TrainingScene(county)
    web = web_client(county.owner_admin)
    base = f"/agencies/{county.district.pk}/training/"
    assert web.get(f"{base}sessions/new/").status_code == 200
    response = web.post(
        f"{base}sessions/new/",
        {
            "title": "Lockdown for the front office",
            "trained_on": timezone.localdate().isoformat(),
            "trainer": county.owner_admin.pk,
            "plan_versions": [county.published.pk],
            "trainees": [county.owner_liaison.pk],
            "staff_names": "Pat Teacher\nSam Custodian",
        },
    )
    assert response.status_code == 302, response.content[:500]
    page = web.get(f"{base}people/", {"state": "not_current"}).content.decode()
    assert "district_admin" in page
    assert "district_liaison" not in page
    bad = web.post(f"{base}sessions/new/", {"title": "x", "trained_on": "2026-01-01", "plan_versions": []})
    assert bad.status_code == 400

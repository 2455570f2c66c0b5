"""Training records (issue 17, item 4): who reads an agency's training, and who of it sees its people's state.

The agency's members read its sessions, requirements and per-plan counts; the per-person pages are the reading
compliance scope (its admins and liaisons; 403 for its other members); everyone outside the agency gets 404.
"""

import pytest

from tests.conftest import client_for, web_client
from tests.permission_matrix import covers, matrix, user_of
from tests.reading.training_scene import TrainingScene

pytestmark = pytest.mark.django_db

OUTSIDE = {
    "partner_view_liaison": 404,
    "partner_view_member": 404,
    "partner_comment_liaison": 404,
    "unrelated_admin": 404,
    "staff": 404,
}
MEMBERS = {"owner_admin": 200, "owner_planner": 200, "owner_liaison": 200, "owner_member": 200, **OUTSIDE}
MANAGERS = {"owner_admin": 200, "owner_planner": 403, "owner_liaison": 200, "owner_member": 403, **OUTSIDE}


@covers("training", "training-session", "agency-training-sessions", "agency-training-session")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=401, **MEMBERS))
def test_the_agencys_members_read_its_training_and_nobody_else_does(county, actor, expected):
    scene = TrainingScene(county)
    user = user_of(county, actor)
    web, api = web_client(user), client_for(user)
    base = f"/agencies/{county.district.pk}/training/"
    for path in (base, f"{base}sessions/{scene.session.pk}/"):
        response = web.get(path)
        assert response.status_code == (302 if expected == 401 else expected), path
        assert ("Active-threat response" in response.content.decode()) == (expected == 200)
    api_base = f"/api/v1/agencies/{county.district.pk}/training-sessions/"
    for path in (api_base, f"{api_base}{scene.session.pk}/"):
        response = api.get(path)
        assert response.status_code == expected, path
        assert ("Active-threat response" in response.content.decode()) == (expected == 200)


@covers("agency-training-compliance", "agency-training-requirements", "agency-training-requirement")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=401, **MEMBERS))
def test_the_agencys_members_see_its_requirements_and_per_plan_counts(county, actor, expected):
    scene = TrainingScene(county)
    api = client_for(user_of(county, actor))
    base = f"/api/v1/agencies/{county.district.pk}/"
    counts = api.get(f"{base}training-compliance/")
    assert counts.status_code == expected
    if expected == 200:
        assert counts.json() == [
            {
                "plan": county.plan.pk,
                "title": county.plan.title,
                "current_version": 1,
                "required": 4,
                "current": 2,
                "not_current": 2,
            }
        ]
    assert api.get(f"{base}training-requirements/").status_code == expected
    assert api.get(f"{base}training-requirements/{scene.requirement.pk}/").status_code == expected


@covers("training-people", "training-person", "agency-training-compliance-people", "agency-training-compliance-person")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=401, **MANAGERS))
def test_only_the_agencys_admins_and_liaisons_see_who_of_its_people_is_current(county, actor, expected):
    TrainingScene(county)
    user = user_of(county, actor)
    web, api = web_client(user), client_for(user)
    member = county.owner_member.pk
    base = f"/agencies/{county.district.pk}/training/people/"
    for path in (base, f"{base}{member}/"):
        response = web.get(path)
        assert response.status_code == (302 if expected == 401 else expected), path
        assert ("Last trained" in response.content.decode()) == (expected == 200)
    people = api.get(f"/api/v1/agencies/{county.district.pk}/training-compliance/people/")
    assert people.status_code == expected
    person = api.get(f"/api/v1/agencies/{county.district.pk}/training-compliance/people/{member}/")
    assert person.status_code == expected
    if expected == 200:
        states = {row["username"]: row["state"] for row in people.json()["results"]}
        assert states == {
            "district_admin": "not_current",
            "district_liaison": "not_current",
            "district_member": "current",
            "district_planner": "current",
        }
        assert person.json()["plans"][0]["current"] is True
        assert person.json()["records"][0]["title"] == "Active-threat response"

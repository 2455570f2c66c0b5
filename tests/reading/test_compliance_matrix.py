"""Issue 15 items 3, 5 and 6: the police's compliance pages, evidence and API, for every actor of the county.

The plan is the district's, shared with the police; the police require their people to read it. The police's
per-person detail is the police managers' alone: the district (the plan's owner), the fire department (another
partner), an unrelated agency and platform staff get 404; a police member who supervises no group gets 403.
"""

import pytest

from audit.models import AuditEvent
from tests.conftest import web_client
from tests.permission_matrix import client_as, covers, matrix, user_of
from tests.reading.compliance_scene import build

OUTSIDERS = {
    "owner_admin": 404,
    "owner_planner": 404,
    "owner_liaison": 404,
    "owner_member": 404,
    "partner_comment_liaison": 404,
    "unrelated_admin": 404,
    "staff": 404,
}
WEB = matrix(anonymous=302, partner_view_liaison=200, partner_view_member=403, **OUTSIDERS)
API = matrix(anonymous=401, partner_view_liaison=200, partner_view_member=403, **OUTSIDERS)


@pytest.fixture
def scene(county):
    return build(county)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _exports() -> int:
    return AuditEvent.objects.filter(action="reading.evidence_export").count()


@covers("reading-compliance", "reading-compliance-plan", "reading-compliance-person", "reading-evidence")
@pytest.mark.parametrize(("actor", "expected"), WEB)
def test_only_the_police_managers_see_who_of_their_people_has_read(scene, actor, expected):
    county = scene.county
    client = web_client(user_of(county, actor))
    base = f"/agencies/{county.police.pk}/reading"
    pages = {
        f"{base}/compliance/": b"Maple Valley High crisis plan",
        f"{base}/compliance/?view=people": b"Ben Brown",
        f"{base}/compliance/plans/{county.plan.pk}/": b"Ben Brown",
        f"{base}/compliance/people/{scene.officers['Ben'].pk}/": b"Ben Brown",
        f"{base}/evidence/": b"Download",
        f"{base}/evidence/?format=csv": b"Ben Brown",
    }
    for path, shown in pages.items():
        response = client.get(path)
        assert response.status_code == expected, path
        if expected == 200 and path.endswith("format=csv"):
            assert b"Ben Brown,ben" in _body(response)
        elif expected == 200:
            assert shown in _body(response), path
        else:
            assert b"Ben Brown" not in _body(response), path
    assert _exports() == (1 if expected == 200 else 0)


@covers("agency-reading-compliance", "agency-reading-compliance-people", "agency-reading-evidence")
@pytest.mark.parametrize(("actor", "expected"), API)
def test_only_the_police_managers_read_their_peoples_reading_in_the_api(scene, actor, expected):
    county = scene.county
    client = client_as(county, actor)
    base = f"/api/v1/agencies/{county.police.pk}"
    plans = client.get(f"{base}/reading-compliance/")
    assert plans.status_code == expected, plans.content
    people = client.get(f"{base}/reading-compliance/people/", {"plan": county.plan.pk})
    assert people.status_code == expected
    evidence = client.get(f"{base}/reading-evidence/", {"format": "csv"})
    assert evidence.status_code == expected
    if expected == 200:
        assert [row["overdue"] for row in plans.json()["results"]] == [4]
        assert "Ben Brown" in {row["name"] for row in people.json()["results"]}
        assert b"Ben Brown" in _body(evidence)
    else:
        assert b"Ben Brown" not in people.content
    assert _exports() == (1 if expected == 200 else 0)


def test_the_plans_owner_never_sees_a_partners_people_but_sees_its_own(scene):
    county = scene.county
    owner = web_client(county.owner_admin)
    police = county.police.pk
    for path in (
        f"/agencies/{police}/reading/compliance/",
        f"/agencies/{police}/reading/compliance/plans/{county.plan.pk}/",
        f"/agencies/{police}/reading/compliance/people/{scene.officers['Ben'].pk}/",
        f"/agencies/{police}/reading/evidence/?format=pdf",
        f"/api/v1/agencies/{police}/reading-compliance/",
        f"/api/v1/agencies/{police}/reading-compliance/people/?plan={county.plan.pk}",
        f"/api/v1/agencies/{police}/reading-evidence/?format=csv",
    ):
        assert owner.get(path).status_code == 404, path
    # Its own agency's view is its own: the district requires nothing yet, so it lists nobody.
    own = owner.get(f"/api/v1/agencies/{county.district.pk}/reading-compliance/people/")
    assert own.status_code == 200
    assert own.json()["results"] == []
    assert not AuditEvent.objects.filter(action="reading.evidence_export").exists()


def test_a_group_supervisor_sees_their_group_but_may_not_export_the_agencys_evidence(scene):
    county = scene.county
    supervisor = web_client(scene.sro_supervisor)
    police = county.police.pk
    page = supervisor.get(f"/agencies/{police}/reading/compliance/plans/{county.plan.pk}/")
    assert page.status_code == 200
    assert b"Ben Brown" in page.content
    assert b"Cy Cole" not in page.content
    assert supervisor.get(f"/agencies/{police}/reading/compliance/people/{scene.officers['Cy'].pk}/").status_code == 404
    api = supervisor.get(f"/api/v1/agencies/{police}/reading-compliance/people/")
    assert {row["name"] for row in api.json()["results"]} == {"Ada Adams", "Ben Brown"}
    assert supervisor.get(f"/agencies/{police}/reading/evidence/").status_code == 403
    assert supervisor.get(f"/api/v1/agencies/{police}/reading-evidence/?format=csv").status_code == 403
    assert b"Export evidence" not in supervisor.get(f"/agencies/{police}/reading/compliance/").content


def test_the_agency_page_links_to_the_compliance_view_for_those_who_may_see_it(scene):
    county = scene.county
    path = f"/agencies/{county.police.pk}/"
    for user, shown in ((scene.police_admin, True), (scene.sro_supervisor, True), (scene.officers["Ben"], False)):
        assert (b"Who has read what" in web_client(user).get(path).content) is shown

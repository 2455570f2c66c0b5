"""GET/PUT /api/v1/plans/{id}/versions/{number}/facts/ and `facility_facts` in the version detail."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access.actors import SYSTEM
from audit.models import AuditAction, AuditEvent
from consistency.fact_services import facility_facts_set
from consistency.models import FacilityFact
from plans import services
from plans.api.serializers import VersionSerializer
from plans.models import Classification
from tests.agencies.factories import FacilityFactory
from tests.conftest import client_for
from tests.plans.factories import draft, make_plan

PLACE = {"text": "North parking lot", "latitude": 41.8801, "longitude": -87.6301}


def facts_url(version) -> str:
    return f"/api/v1/plans/{version.plan_id}/versions/{version.number}/facts/"


def detail_url(version) -> str:
    return f"/api/v1/plans/{version.plan_id}/versions/{version.number}/"


def test_put_sets_a_facility_s_facts_and_answers_them_in_canonical_form(county):
    response = client_for(county.owner_planner).put(
        facts_url(county.draft),
        {
            "facility": county.school.pk,
            "facts": {"command_post": PLACE, "onsite_contact_phone": "217-555-0142", "radio_channel": "FD TAC-3"},
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "facility": {"id": county.school.pk, "name": "Maple Valley High"},
        "facts": {
            "command_post": PLACE,
            "radio_channel": "FD TAC-3",
            "onsite_contact_phone": "+12175550142",
        },
    }
    listed = client_for(county.owner_liaison).get(facts_url(county.draft))
    assert listed.status_code == 200
    assert listed.json() == [response.json()]


def test_get_lists_only_facilities_with_facts_by_name(county):
    annex = FacilityFactory(name="Annex", owner_agency=county.district)
    services.plan_update(plan=county.plan, actor=county.owner_admin, facilities=[county.school, annex])
    facility_facts_set(
        version=county.draft, facility=annex, facts={"reunification_site": "Gym"}, actor=county.owner_planner
    )
    body = client_for(county.owner_planner).get(facts_url(county.draft)).json()
    assert body == [
        {
            "facility": {"id": annex.pk, "name": "Annex"},
            "facts": {"reunification_site": {"text": "Gym", "latitude": None, "longitude": None}},
        }
    ]


def test_bad_facts_answer_400_by_fact_key(county):
    response = client_for(county.owner_planner).put(
        facts_url(county.draft),
        {
            "facility": county.school.pk,
            "facts": {
                "reunification_site": {"text": "Gym", "latitude": 41.9},
                "onsite_contact_phone": "911",
                "radio_channel": "TAC_3",
            },
        },
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["facts"]
    assert set(errors) == {"reunification_site", "onsite_contact_phone", "radio_channel"}
    assert errors["reunification_site"] == ["Give the longitude too: coordinates come in pairs (or leave both empty)."]
    assert errors["onsite_contact_phone"] == ["Enter a phone number such as (217) 555-0142 or +1 217 555 0142."]
    assert not FacilityFact.objects.exists()


def test_facts_of_a_facility_the_plan_does_not_cover_answer_400(county):
    elsewhere = FacilityFactory(name="Oak Elementary", owner_agency=county.district)
    response = client_for(county.owner_planner).put(
        facts_url(county.draft), {"facility": elsewhere.pk, "facts": {"main_entry": "Door A"}}, format="json"
    )
    assert response.status_code == 400
    assert "not covered by this plan" in response.json()["facility"][0]


def test_facts_of_a_published_version_answer_409(county):
    response = client_for(county.owner_admin).put(
        facts_url(county.published), {"facility": county.school.pk, "facts": {"main_entry": "Door A"}}, format="json"
    )
    assert response.status_code == 409
    assert "new draft" in response.json()["detail"]
    assert not FacilityFact.objects.exists()


def test_the_version_detail_includes_facility_facts(county):
    facility_facts_set(version=county.draft, facility=county.school, facts={"knox_box": "Door A"}, actor=SYSTEM)
    body = client_for(county.owner_planner).get(detail_url(county.draft)).json()
    assert body["facility_facts"] == [
        {
            "facility": {"id": county.school.pk, "name": "Maple Valley High"},
            "facts": {"knox_box": {"text": "Door A", "latitude": None, "longitude": None}},
        }
    ]


def count_queries(user, url: str) -> int:
    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_facility_facts_cost_the_version_detail_one_query_whatever_their_number(county, monkeypatch):
    url = detail_url(county.draft)
    with monkeypatch.context() as patched:
        patched.setattr(VersionSerializer, "get_facility_facts", lambda self, version: [])
        without = count_queries(county.owner_planner, url)
    facilities = [county.school, *(FacilityFactory(owner_agency=county.district) for _ in range(4))]
    services.plan_update(plan=county.plan, actor=county.owner_admin, facilities=facilities)
    facility_facts_set(version=county.draft, facility=county.school, facts={"main_entry": "A"}, actor=SYSTEM)
    one = count_queries(county.owner_planner, url)
    for facility in facilities:
        facility_facts_set(
            version=county.draft,
            facility=facility,
            facts={"main_entry": "A", "command_post": PLACE, "onsite_contact_phone": "2175550142"},
            actor=SYSTEM,
        )
    assert count_queries(county.owner_planner, url) == one == without + 1
    assert count_queries(county.owner_planner, facts_url(county.draft)) <= one


def test_reading_facts_of_a_sensitive_plan_is_audited(county):
    plan = make_plan(
        owner=county.district,
        actor=county.owner_admin,
        classification=Classification.LAW_ENFORCEMENT_SENSITIVE,
        facilities=[county.school],
    )
    version = draft(plan, county.owner_planner, "Stage at the north lot.")
    before = AuditEvent.objects.filter(action=AuditAction.PLAN_READ).count()
    assert client_for(county.owner_planner).get(facts_url(version)).status_code == 200
    events = AuditEvent.objects.filter(action=AuditAction.PLAN_READ).order_by("-id")
    assert events.count() == before + 1
    assert events.first().details == {"plan": plan.pk, "what": "facts"}


@pytest.mark.parametrize("body", [{"facts": {}}, {"facility": "school", "facts": {}}, {"facility": 1, "facts": []}])
def test_malformed_bodies_answer_400(county, body):
    assert client_for(county.owner_planner).put(facts_url(county.draft), body, format="json").status_code == 400


def test_the_facts_list_takes_the_same_queries_for_one_and_many_facilities(county, django_assert_max_num_queries):
    facility_facts_set(version=county.draft, facility=county.school, facts={"main_entry": "A"}, actor=SYSTEM)
    one = count_queries(county.owner_planner, facts_url(county.draft))
    facilities = [county.school, *(FacilityFactory(owner_agency=county.district) for _ in range(20))]
    services.plan_update(plan=county.plan, actor=county.owner_admin, facilities=facilities)
    for facility in facilities:
        facility_facts_set(
            version=county.draft, facility=facility, facts={"main_entry": "A", "command_post": PLACE}, actor=SYSTEM
        )
    client = client_for(county.owner_planner)
    with django_assert_max_num_queries(one):
        response = client.get(facts_url(county.draft))
    assert len(response.json()) == 21

"""Tenant isolation for the facility key facts endpoint: every actor, the exact status, nothing changed on refusal.

The `county` plan is `partner`-classified, shared with the police (`view`) and fire (`comment`); version 1 is
published and version 2 is a draft.
"""

import pytest

from consistency.fact_services import facility_facts_set
from consistency.models import FacilityFact
from tests.permission_matrix import client_as, covers
from tests.plans.test_permission_matrix import (
    DRAFT_READ,
    PARTNER_PLAN_READ,
    draft_editors_only,
    owner_editors_only,
    world,
)

FACTS = {"reunification_site": {"text": "Lincoln Middle gym", "latitude": 41.88, "longitude": -87.63}}


def facts_world() -> dict:
    return {**world(), "facts": sorted(FacilityFact.objects.values_list("version_id", "facility_id", "key", "text"))}


def url(version) -> str:
    return f"/api/v1/plans/{version.plan_id}/versions/{version.number}/facts/"


@covers("version-facts")
@pytest.mark.parametrize(("actor", "expected"), PARTNER_PLAN_READ)
def test_reading_facts_of_the_published_version(county, actor, expected):
    response = client_as(county, actor).get(url(county.published))
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json() == []


@covers("version-facts")
@pytest.mark.parametrize(("actor", "expected"), DRAFT_READ)
def test_reading_facts_of_the_draft(county, actor, expected):
    facility_facts_set(version=county.draft, facility=county.school, facts=FACTS, actor=county.owner_planner)
    response = client_as(county, actor).get(url(county.draft))
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()[0]["facts"]["reunification_site"]["text"] == "Lincoln Middle gym"


@covers("version-facts")
@pytest.mark.parametrize(("actor", "expected"), draft_editors_only(200))
def test_setting_facts_of_the_draft(county, actor, expected):
    before = facts_world()
    response = client_as(county, actor).put(
        url(county.draft), {"facility": county.school.pk, "facts": FACTS}, format="json"
    )
    if expected == 200:
        assert response.status_code == 200, response.content
        assert FacilityFact.objects.filter(version=county.draft, key="reunification_site").exists()
    else:
        assert response.status_code == expected, response.content
        assert facts_world() == before


@covers("version-facts")
@pytest.mark.parametrize(("actor", "expected"), owner_editors_only(409))
def test_setting_facts_of_the_published_version(county, actor, expected):
    # Partners and the owner's other members see v1 but may not set facts (403); editors learn it is frozen (409).
    before = facts_world()
    response = client_as(county, actor).put(
        url(county.published), {"facility": county.school.pk, "facts": FACTS}, format="json"
    )
    assert response.status_code == expected, response.content
    assert facts_world() == before

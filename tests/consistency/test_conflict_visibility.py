"""Who sees a conflict and how much of each side: the selector and GET /api/v1/facilities/{id}/conflicts/."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consistency.conflict_selectors import conflicts_visible_to
from consistency.models import FactConflict, FactKey
from plans.models import ShareLevel
from plans.services import plan_share
from tests.agencies.factories import FacilityFactory
from tests.conftest import client_for
from tests.consistency.helpers import publish_facts
from tests.permission_matrix import ACTORS, client_as, matrix

User = get_user_model()
SCHOOL_STAGING = "East bus loop"
FIRE_STAGING = "Fire-only staging lot behind the stadium"


@pytest.fixture
def conflict(pair):
    """The district and fire plans disagree on the staging area; the fire plan is shared with nobody."""
    county = pair.county
    publish_facts(county.plan, county.owner_admin, {county.school: {FactKey.STAGING_AREA: SCHOOL_STAGING}})
    publish_facts(pair.fire_plan, pair.fire_admin, {county.school: {FactKey.STAGING_AREA: FIRE_STAGING}})
    return FactConflict.objects.get()


def sides_by_agency(row):
    return {side.agency.name: side for side in row.sides}


def test_a_side_whose_plan_is_not_shared_with_you_shows_only_the_agency_and_its_contact(pair, conflict):
    county = pair.county
    (row,) = conflicts_visible_to(user=county.owner_admin, facility=county.school)
    sides = sides_by_agency(row)
    own, other = sides[county.district.name], sides["Ridgeford Fire"]
    assert own.visible
    assert own.plan_title == county.plan.title
    assert own.fact.text == SCHOOL_STAGING
    assert not other.visible
    assert (other.plan_id, other.plan_title, other.version_number, other.fact) == (None, None, None, None)
    assert other.agency.phone == county.fire.phone
    assert other.agency.email == county.fire.email


def test_sharing_the_other_plan_reveals_its_side(pair, conflict):
    county = pair.county
    plan_share(plan=pair.fire_plan, agency=county.district, level=ShareLevel.VIEW, actor=pair.fire_admin)
    (row,) = conflicts_visible_to(user=county.owner_member, facility=county.school)
    other = sides_by_agency(row)["Ridgeford Fire"]
    assert other.visible
    assert other.fact.text == FIRE_STAGING
    assert other.plan_title == pair.fire_plan.title


def test_the_fire_district_sees_both_sides_because_the_school_plan_is_shared_with_it(pair, conflict):
    (row,) = conflicts_visible_to(user=pair.fire_member, facility=pair.county.school)
    assert all(side.visible for side in row.sides)


def test_unrelated_users_and_partners_of_neither_plan_see_nothing(pair, conflict):
    county = pair.county
    assert conflicts_visible_to(user=county.unrelated_admin, facility=county.school) == []
    assert conflicts_visible_to(user=county.staff) == []
    # The police see the school's plan (shared `view`) but not the fire plan.
    (row,) = conflicts_visible_to(user=county.partner_view_member)
    assert [side.visible for side in row.sides] == [side.agency.pk == county.district.pk for side in row.sides]


def test_conflicts_narrow_to_a_plan_or_an_agency_side(pair, conflict):
    county = pair.county
    assert len(conflicts_visible_to(user=county.owner_admin, plan=county.plan)) == 1
    assert len(conflicts_visible_to(user=county.owner_admin, agency=county.district)) == 1
    assert conflicts_visible_to(user=county.partner_view_member, agency=county.police) == []
    other_school = FacilityFactory(owner_agency=county.district)
    assert conflicts_visible_to(user=county.owner_admin, facility=other_school) == []


# -- the API ------------------------------------------------------------------------------------------------------


def url(facility_id: int) -> str:
    return f"/api/v1/facilities/{facility_id}/conflicts/"


# The building directory is shared, so every signed-in user may ask; what comes back depends on what they see.
CONFLICTS_READ = matrix(
    anonymous=401,
    owner_admin=200,
    owner_planner=200,
    owner_liaison=200,
    owner_member=200,
    partner_view_liaison=200,
    partner_view_member=200,
    partner_comment_liaison=200,
    unrelated_admin=200,
    staff=200,
)
# Which sides each actor may see: the district's plan is shared with police and fire; the fire plan with nobody.
VISIBLE_SIDES = {
    "owner_admin": {"district"},
    "owner_planner": {"district"},
    "owner_liaison": {"district"},
    "owner_member": {"district"},
    "partner_view_liaison": {"district"},
    "partner_view_member": {"district"},
    "partner_comment_liaison": {"district", "fire"},
    "unrelated_admin": None,
    "staff": None,
}


@pytest.mark.parametrize(("actor", "status"), CONFLICTS_READ)
def test_facility_conflicts_endpoint_permission_matrix(pair, conflict, actor, status):
    county = pair.county
    before = list(FactConflict.objects.values_list("pk", "first_version", "second_version"))
    response = client_as(county, actor).get(url(county.school.pk))
    assert response.status_code == status
    assert list(FactConflict.objects.values_list("pk", "first_version", "second_version")) == before
    if status != 200:
        return
    body = response.json()
    expected = VISIBLE_SIDES[actor]
    if expected is None:
        assert body == {"count": 0, "next": None, "previous": None, "results": []}
        return
    (item,) = body["results"]
    names = {county.district.pk: "district", county.fire.pk: "fire"}
    assert {names[side["agency"]["id"]] for side in item["sides"] if side["visible"]} == expected
    for side in item["sides"]:
        if not side["visible"]:
            assert side["plan"] is None
            assert side["version"] is None
            assert side["value"] is None
    assert (FIRE_STAGING in response.content.decode()) == ("fire" in expected)
    assert (pair.fire_plan.title in response.content.decode()) == ("fire" in expected)


def test_facility_conflicts_endpoint_shape(pair, conflict):
    county = pair.county
    response = client_for(pair.fire_admin).get(url(county.school.pk))
    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert item["id"] == conflict.pk
    assert item["kind"] == "differs"
    assert item["facility"] == county.school.pk
    assert item["fact"] == item["other_fact"] == "staging_area"
    assert item["fact_label"] == "Staging area for responders"
    assert item["detected_at"]
    fire_side = next(side for side in item["sides"] if side["agency"]["id"] == county.fire.pk)
    assert fire_side == {
        "agency": {
            "id": county.fire.pk,
            "name": "Ridgeford Fire",
            "phone": county.fire.phone,
            "email": county.fire.email,
        },
        "visible": True,
        "fact": "staging_area",
        "plan": {"id": pair.fire_plan.pk, "title": pair.fire_plan.title},
        "version": 1,
        "value": {"text": FIRE_STAGING, "latitude": None, "longitude": None},
    }


def test_facility_conflicts_endpoint_answers_404_for_an_unknown_building(pair, conflict):
    assert client_for(pair.county.owner_admin).get(url(999_999)).status_code == 404


def test_facility_conflicts_endpoint_query_count_does_not_grow_with_conflicts(pair, conflict):
    county = pair.county
    admin = User.objects.get(pk=county.owner_admin.pk)
    with CaptureQueriesContext(connection) as one:
        assert client_for(admin).get(url(county.school.pk)).status_code == 200
    facts = {key: f"Fire says {key}" for key in (FactKey.COMMAND_POST, FactKey.KNOX_BOX, FactKey.MAIN_ENTRY)}
    school = {key: f"School says {key}" for key in facts}
    publish_facts(county.plan, county.owner_admin, {county.school: {FactKey.STAGING_AREA: "East bus loop", **school}})
    publish_facts(pair.fire_plan, pair.fire_admin, {county.school: {FactKey.STAGING_AREA: FIRE_STAGING, **facts}})
    assert FactConflict.objects.count() == 4
    admin = User.objects.get(pk=county.owner_admin.pk)
    with CaptureQueriesContext(connection) as four:
        assert client_for(admin).get(url(county.school.pk)).json()["count"] == 4
    assert len(four) == len(one)


def test_every_actor_of_the_matrix_is_covered():
    assert set(VISIBLE_SIDES) | {"anonymous"} == set(ACTORS)


def test_showing_a_law_enforcement_sensitive_sides_facts_is_audited_as_a_read(pair, conflict):
    from audit.models import AuditEvent
    from plans.models import Classification
    from plans.services import plan_update

    county = pair.county
    plan_update(
        plan=pair.fire_plan, actor=pair.fire_admin, data={"classification": Classification.LAW_ENFORCEMENT_SENSITIVE}
    )
    plan_share(plan=pair.fire_plan, agency=county.district, level=ShareLevel.VIEW, actor=pair.fire_admin)
    before = AuditEvent.objects.filter(details__what="conflicts").count()

    assert client_for(county.owner_member).get(url(county.school.pk)).status_code == 200
    page = client_for(county.owner_member)
    page.force_login(county.owner_member)
    assert page.get(f"/facilities/{county.school.pk}/").status_code == 200

    reads = AuditEvent.objects.filter(details__what="conflicts").order_by("id")
    assert reads.count() == before + 2
    assert {(e.actor_id, e.details["plan"]) for e in reads} == {(county.owner_member.pk, pair.fire_plan.pk)}
    # The district's own (partner-classified) plan is not audited.
    assert not AuditEvent.objects.filter(details__what="conflicts", details__plan=county.plan.pk).exists()

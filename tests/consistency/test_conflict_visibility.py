"""Who sees a conflict (only a reader of both plans, who sees both sides): the selector and
GET /api/v1/facilities/{id}/conflicts/."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consistency.conflict_selectors import conflicts_visible_to
from consistency.models import FactConflict, FactKey
from plans.services import plan_unshare
from tests.agencies.factories import FacilityFactory
from tests.conftest import client_for
from tests.consistency.helpers import publish_facts
from tests.permission_matrix import ACTORS, client_as, covers, matrix

User = get_user_model()
SCHOOL_STAGING = "East bus loop"
FIRE_STAGING = "Fire-only staging lot behind the stadium"


@pytest.fixture
def conflict(partners):
    """The district and fire plans, shared with each other, disagree on the staging area."""
    county = partners.county
    publish_facts(county.plan, county.owner_admin, {county.school: {FactKey.STAGING_AREA: SCHOOL_STAGING}})
    publish_facts(partners.fire_plan, partners.fire_admin, {county.school: {FactKey.STAGING_AREA: FIRE_STAGING}})
    return FactConflict.objects.get()


def sides_by_agency(row):
    return {side.agency.name: side for side in row.sides}


def test_both_owners_see_both_sides_with_plan_version_and_wording(partners, conflict):
    county = partners.county
    for user in (county.owner_member, partners.fire_member):
        (row,) = conflicts_visible_to(user=user, facility=county.school)
        sides = sides_by_agency(row)
        own, other = sides[county.district.name], sides["Ridgeford Fire"]
        assert (own.plan_title, own.version_number, own.fact.text) == (county.plan.title, 3, SCHOOL_STAGING)
        assert (other.plan_title, other.version_number, other.fact.text) == (partners.fire_plan.title, 1, FIRE_STAGING)
        assert other.agency.phone == county.fire.phone


def test_a_reader_of_only_one_side_sees_no_trace_of_the_conflict(partners, conflict):
    county = partners.county
    # The police read the school's plan (shared `view`) but not the fire plan: the conflict would tell them
    # that the fire district's staging area is not the school's.
    assert conflicts_visible_to(user=county.partner_view_member) == []
    assert conflicts_visible_to(user=county.partner_view_liaison, facility=county.school) == []
    assert conflicts_visible_to(user=county.partner_view_member, plan=county.plan) == []


def test_unsharing_either_plan_hides_the_conflict_from_the_other_owner_and_drops_it(partners, conflict):
    county = partners.county
    plan_unshare(plan=partners.fire_plan, agency=county.district, actor=partners.fire_admin)
    assert conflicts_visible_to(user=county.owner_admin, facility=county.school) == []
    assert conflicts_visible_to(user=partners.fire_admin, facility=county.school) == []
    assert not FactConflict.objects.exists()


def test_unrelated_users_and_the_operator_see_nothing(partners, conflict):
    county = partners.county
    assert conflicts_visible_to(user=county.unrelated_admin, facility=county.school) == []
    assert conflicts_visible_to(user=county.staff) == []


def test_conflicts_narrow_to_a_plan_or_an_agency_side(partners, conflict):
    county = partners.county
    assert len(conflicts_visible_to(user=county.owner_admin, plan=county.plan)) == 1
    assert len(conflicts_visible_to(user=county.owner_admin, agency=county.district)) == 1
    assert conflicts_visible_to(user=county.owner_admin, agency=county.police) == []
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
# Who sees the conflict (always with both sides): the district's plan is shared with police and fire, the fire
# plan with the district; the police read only the district's side, so they see nothing.
VISIBLE_SIDES = {
    "owner_admin": {"district", "fire"},
    "owner_planner": {"district", "fire"},
    "owner_liaison": {"district", "fire"},
    "owner_member": {"district", "fire"},
    "partner_view_liaison": None,
    "partner_view_member": None,
    "partner_comment_liaison": {"district", "fire"},
    "unrelated_admin": None,
    "staff": None,
}


@covers("facility-conflicts")
@pytest.mark.parametrize(("actor", "status"), CONFLICTS_READ)
def test_facility_conflicts_endpoint_permission_matrix(partners, conflict, actor, status):
    county = partners.county
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
    assert FIRE_STAGING in response.content.decode()
    assert partners.fire_plan.title in response.content.decode()


def test_facility_conflicts_endpoint_shape(partners, conflict):
    county = partners.county
    response = client_for(partners.fire_admin).get(url(county.school.pk))
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
        "plan": {"id": partners.fire_plan.pk, "title": partners.fire_plan.title},
        "version": 1,
        "value": {"text": FIRE_STAGING, "latitude": None, "longitude": None},
    }


def test_facility_conflicts_endpoint_answers_404_for_an_unknown_building(partners, conflict):
    assert client_for(partners.county.owner_admin).get(url(999_999)).status_code == 404


def test_facility_conflicts_endpoint_query_count_does_not_grow_with_conflicts(partners, conflict):
    county = partners.county
    admin = User.objects.get(pk=county.owner_admin.pk)
    with CaptureQueriesContext(connection) as one:
        assert client_for(admin).get(url(county.school.pk)).status_code == 200
    facts = {key: f"Fire says {key}" for key in (FactKey.COMMAND_POST, FactKey.KNOX_BOX, FactKey.MAIN_ENTRY)}
    school = {key: f"School says {key}" for key in facts}
    publish_facts(county.plan, county.owner_admin, {county.school: {FactKey.STAGING_AREA: "East bus loop", **school}})
    publish_facts(
        partners.fire_plan, partners.fire_admin, {county.school: {FactKey.STAGING_AREA: FIRE_STAGING, **facts}}
    )
    assert FactConflict.objects.count() == 4
    admin = User.objects.get(pk=county.owner_admin.pk)
    with CaptureQueriesContext(connection) as four:
        assert client_for(admin).get(url(county.school.pk)).json()["count"] == 4
    assert len(four) == len(one)


def test_every_actor_of_the_matrix_is_covered():
    assert set(VISIBLE_SIDES) | {"anonymous"} == set(ACTORS)


def test_showing_a_law_enforcement_sensitive_sides_facts_is_audited_as_a_read(partners, conflict):
    from audit.models import AuditEvent
    from plans.models import Classification
    from plans.services import plan_update

    county = partners.county
    plan_update(
        plan=partners.fire_plan,
        actor=partners.fire_admin,
        classification=Classification.LAW_ENFORCEMENT_SENSITIVE,
    )
    before = AuditEvent.objects.filter(details__what="conflicts").count()

    assert client_for(county.owner_member).get(url(county.school.pk)).status_code == 200
    page = client_for(county.owner_member)
    page.force_login(county.owner_member)
    assert page.get(f"/facilities/{county.school.pk}/").status_code == 200

    reads = AuditEvent.objects.filter(details__what="conflicts").order_by("id")
    assert reads.count() == before + 2
    assert {(e.actor_id, e.details["plan"]) for e in reads} == {(county.owner_member.pk, partners.fire_plan.pk)}
    # The district's own (partner-classified) plan is not audited.
    assert not AuditEvent.objects.filter(details__what="conflicts", details__plan=county.plan.pk).exists()

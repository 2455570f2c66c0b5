"""Facilities as GeoJSON: RFC 7946's shape, unlocated buildings kept, only readable plans named, constant queries."""

from plans.models import Classification
from plans.services import plan_unshare
from tests.agencies.factories import FacilityFactory
from tests.conftest import client_for
from tests.plans.factories import make_plan, publish

URL = "/api/v1/facilities.geojson"


def features(user) -> dict[str, dict]:
    response = client_for(user).get(URL)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["type"] == "FeatureCollection"
    return {feature["properties"]["name"]: feature for feature in body["features"]}


def test_a_building_is_a_point_in_longitude_latitude_order_with_its_page_and_owner(county):
    county.school.latitude, county.school.longitude = "41.881832", "-87.623177"
    county.school.save(update_fields=["latitude", "longitude"])
    feature = features(county.partner_view_member)["Maple Valley High"]
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [-87.623177, 41.881832]}
    properties = feature["properties"]
    assert properties["owner_agency"] == {"id": county.district.pk, "name": "Maple Valley School District"}
    assert properties["url"] == f"http://testserver/facilities/{county.school.pk}/"
    (plan,) = properties["current_plans"]
    assert (plan["title"], plan["version"]) == ("Maple Valley High crisis plan", 1)
    assert plan["url"] == f"http://testserver/plans/{county.plan.pk}/"


def test_a_building_without_coordinates_has_a_null_geometry(county):
    assert features(county.owner_member)["Maple Valley High"]["geometry"] is None


def test_a_revoked_share_takes_the_plan_off_the_partners_layer_at_once(county):
    plan_unshare(plan=county.plan, agency=county.police, actor=county.owner_admin)
    assert features(county.partner_view_member)["Maple Valley High"]["properties"]["current_plans"] == []
    assert features(county.partner_comment_liaison)["Maple Valley High"]["properties"]["current_plans"] != []


def test_a_sensitive_plan_of_another_agency_is_not_named_and_a_public_one_is(county):
    sensitive = make_plan(
        owner=county.unrelated,
        actor=county.unrelated_admin,
        title="Far County tactical annex",
        classification=Classification.LAW_ENFORCEMENT_SENSITIVE,
        facilities=[county.school],
    )
    publish(sensitive, county.unrelated_admin, "Entry points.")
    public = make_plan(
        owner=county.unrelated,
        actor=county.unrelated_admin,
        title="Far County public notice",
        classification=Classification.PUBLIC,
        facilities=[county.school],
    )
    publish(public, county.unrelated_admin, "Notice.")
    titles = {p["title"] for p in features(county.owner_member)["Maple Valley High"]["properties"]["current_plans"]}
    assert titles == {"Maple Valley High crisis plan", "Far County public notice"}
    titles = {p["title"] for p in features(county.unrelated_admin)["Maple Valley High"]["properties"]["current_plans"]}
    assert titles == {"Far County tactical annex", "Far County public notice"}


def test_drafts_are_never_named(county):
    draft_only = make_plan(
        owner=county.district, actor=county.owner_admin, title="Unpublished", facilities=[county.school]
    )
    assert draft_only.current_version_id is None
    titles = {p["title"] for p in features(county.owner_admin)["Maple Valley High"]["properties"]["current_plans"]}
    assert "Unpublished" not in titles


def _add(county, count: int) -> None:
    for index in range(count):
        facility = FacilityFactory(owner_agency=county.district, latitude="40.1", longitude="-88.2")
        plan = make_plan(owner=county.district, actor=county.owner_admin, title=f"Plan {index}", facilities=[facility])
        publish(plan, county.owner_admin, "Body.")


def test_the_layer_costs_the_same_queries_for_few_and_many_buildings(county, django_assert_max_num_queries):
    _add(county, 4)
    client = client_for(county.owner_member)
    with django_assert_max_num_queries(6) as few:
        assert len(client.get(URL).json()["features"]) == 5
    _add(county, 25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(URL).json()["features"]) == 30

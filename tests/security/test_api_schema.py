"""The OpenAPI schema says what the server does (issue 11, item 9): envelopes, nulls, errors, content types,
and the 500s and silent fallbacks schemathesis found, each pinned here on its own."""

import pytest
import yaml

from agencies.models import Membership, Role
from tests.agencies.factories import UserFactory
from tests.conftest import client_for


@pytest.fixture
def schema(client, db) -> dict:
    return yaml.safe_load(client.get("/api/schema/").content)


def _ok_schema(schema: dict, method: str, path: str) -> dict:
    responses = schema["paths"][path][method]["responses"]
    code = next(code for code in responses if code.startswith("2"))
    return responses[code]["content"]["application/json"]["schema"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/agencies/{agency_id}/memberships/",
        "/api/v1/plans/{plan_id}/shares/",
        "/api/v1/plans/{plan_id}/versions/{number}/attachments/",
        "/api/v1/plans/{plan_id}/versions/{number}/comments/",
        "/api/v1/notifications/",
        "/api/v1/facilities/{facility_id}/plans/",
    ],
)
def test_paginated_lists_are_documented_with_their_envelope(schema, path):
    ref = _ok_schema(schema, "get", path)["$ref"].rsplit("/", 1)[-1]
    envelope = schema["components"]["schemas"][ref]
    assert set(envelope["properties"]) == {"count", "next", "previous", "results"}
    assert envelope["properties"]["next"]["nullable"] is True
    assert envelope["properties"]["results"]["type"] == "array"


def test_fields_that_can_be_null_are_nullable(schema):
    components = schema["components"]["schemas"]
    for name, field in [("VersionSummary", "published_by"), ("VersionSummary", "created_by"), ("Share", "shared_by")]:
        assert components[name]["properties"][field].get("nullable") is True, (name, field)


def test_every_operation_documents_its_refusals(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"403", "429"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if "requestBody" in operation:
                assert {"400", "413", "415"} <= codes, (method, path)
    publish = schema["paths"]["/api/v1/plans/{plan_id}/versions/{number}/publish/"]["post"]["responses"]
    assert publish["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def test_downloads_and_csv_are_documented_with_their_content_types(schema):
    download = schema["paths"]["/api/v1/plans/{plan_id}/versions/{number}/attachments/{attachment_id}/download/"]
    assert download["get"]["responses"]["200"]["content"]["*/*"]["schema"]["format"] == "binary"
    record = schema["paths"]["/api/v1/plans/{plan_id}/concurrence-record/"]["get"]["responses"]["200"]["content"]
    assert record["text/csv"]["schema"]["type"] == "string"
    upload = schema["paths"]["/api/v1/plans/{plan_id}/versions/{number}/attachments/"]["post"]["requestBody"]
    assert set(upload["content"]) == {"multipart/form-data"}


def test_adding_a_member_without_a_role_makes_a_member_instead_of_a_500(county):
    newcomer = UserFactory()
    response = client_for(county.owner_admin).post(
        f"/api/v1/agencies/{county.district.pk}/memberships/", {"user": newcomer.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    assert Membership.objects.get(user=newcomer, agency=county.district).role == Role.MEMBER


def test_patching_a_membership_without_a_role_changes_nothing(county):
    membership = Membership.objects.get(user=county.owner_member, agency=county.district)
    response = client_for(county.owner_admin).patch(
        f"/api/v1/agencies/{county.district.pk}/memberships/{membership.pk}/", {}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["role"] == Role.MEMBER


@pytest.mark.parametrize("page_size", ["abc", "0", "-1", "1.5"])
def test_a_page_size_that_is_not_a_whole_number_from_1_is_a_400_not_a_silent_50(county, page_size):
    response = client_for(county.owner_admin).get(f"/api/v1/agencies/?page_size={page_size}")
    assert response.status_code == 400
    assert "page_size" in response.json()


def test_unread_must_be_a_boolean(county):
    client = client_for(county.owner_admin)
    assert client.get("/api/v1/notifications/?unread=maybe").status_code == 400
    assert client.get("/api/v1/notifications/?unread=true").status_code == 200


@pytest.mark.parametrize("value", [1, "true", "maybe"])
def test_json_booleans_take_true_or_false_only(county, value):
    response = client_for(county.owner_admin).put(
        "/api/v1/me/preferences/", [{"event_type": "version.published", "in_app": value, "email": "off"}], format="json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("facility", ["0.5", "1e3", "one"])
def test_the_facility_filter_takes_a_whole_number_id_only(county, facility):
    response = client_for(county.owner_admin).get("/api/v1/plans/", {"facility": facility})
    assert response.status_code == 400
    assert "facility" in response.json()


def test_the_facility_filter_still_finds_the_plans_covering_a_building(county):
    response = client_for(county.owner_admin).get("/api/v1/plans/", {"facility": county.school.pk})
    assert response.status_code == 200
    assert [plan["id"] for plan in response.json()["results"]] == [county.plan.pk]

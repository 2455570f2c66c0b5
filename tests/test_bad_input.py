"""Bad input gets a 4xx with a message a person can act on — never a 500, never a half-made change."""

import pytest

from agencies.models import Agency, Membership
from plans.models import Plan, PlanVersion
from tests.conftest import client_for


@pytest.fixture
def admin(county):
    return client_for(county.owner_admin)


def test_malformed_json_is_a_400_with_a_detail(county, admin):
    response = admin.generic("POST", "/api/v1/plans/", '{"title": "Unclosed', content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert Plan.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "", "kind": "school_eop"}, "title"),
        ({"title": "x", "kind": "novel"}, "kind"),
        ({"title": "x", "kind": "school_eop", "review_interval_days": "yearly"}, "review_interval_days"),
        ({"title": "x", "kind": "school_eop", "review_interval_days": 0}, "review_interval_days"),
        ({"title": "x", "kind": "school_eop", "classification": "secret"}, "classification"),
        ({"title": "x", "kind": "school_eop", "facilities": [999999]}, "facilities"),
        ({"title": "x", "kind": "school_eop", "facilities": "all"}, "facilities"),
        ({"title": "x", "kind": "school_eop", "hazards": "fire"}, "hazards"),
    ],
    ids=[
        "empty-title",
        "unknown-kind",
        "text-interval",
        "zero-interval",
        "bad-classification",
        "unknown-facility",
        "facilities-not-a-list",
        "hazards-not-a-list",
    ],
)
def test_plan_create_reports_the_offending_field(county, admin, payload, field):
    response = admin.post("/api/v1/plans/", {"owner_agency": county.district.pk, **payload}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Plan.objects.count() == 1


def test_plan_create_for_an_unknown_agency_is_a_field_error(county, admin):
    response = admin.post("/api/v1/plans/", {"title": "x", "kind": "other", "owner_agency": 999999}, format="json")
    assert response.status_code == 400
    assert "owner_agency" in response.json()


@pytest.mark.parametrize(
    "sections",
    [
        "not a list",
        [],
        [{"key": "a b", "title": "Bad key"}],
        [{"key": "same", "title": "One"}, {"key": "same", "title": "Two"}],
        [{"title": "No key"}],
        [{"key": "k", "title": "t", "body": ["not", "text"]}],
    ],
    ids=["string", "empty", "key-with-space", "duplicate-keys", "missing-key", "body-not-text"],
)
def test_draft_sections_are_validated(county, admin, sections):
    response = admin.post(f"/api/v1/plans/{county.plan.pk}/versions/", {"sections": sections}, format="json")
    assert response.status_code == 400
    assert "sections" in response.json()
    assert PlanVersion.objects.filter(plan=county.plan).count() == 2


def test_unknown_ids_in_urls_are_404(county, admin):
    assert admin.get("/api/v1/plans/999999/").status_code == 404
    assert admin.get(f"/api/v1/plans/{county.plan.pk}/versions/99/").status_code == 404
    assert admin.post(f"/api/v1/plans/{county.plan.pk}/versions/99/publish/").status_code == 404
    assert admin.get("/api/v1/agencies/999999/memberships/").status_code == 404
    assert admin.get("/api/v1/facilities/999999/plans/").status_code == 404


def test_page_size_is_capped_and_bad_pages_are_404(county, admin):
    response = admin.get("/api/v1/agencies/", {"page_size": 100000})
    assert response.status_code == 200
    assert admin.get("/api/v1/agencies/", {"page": 99}).status_code == 404
    assert admin.get("/api/v1/agencies/", {"page": "first"}).status_code == 404


def test_membership_with_unknown_user_or_role_is_a_field_error(county, admin):
    url = f"/api/v1/agencies/{county.district.pk}/memberships/"
    unknown_user = admin.post(url, {"user": 999999, "role": "member"}, format="json")
    assert unknown_user.status_code == 400
    assert "user" in unknown_user.json()
    bad_role = admin.post(url, {"user": county.staff.pk, "role": "chief"}, format="json")
    assert bad_role.status_code == 400
    assert "role" in bad_role.json()
    assert not Membership.objects.filter(user=county.staff).exists()


def test_adding_an_existing_member_again_is_a_409(county, admin):
    response = admin.post(
        f"/api/v1/agencies/{county.district.pk}/memberships/",
        {"user": county.owner_member.pk, "role": "admin"},
        format="json",
    )
    assert response.status_code == 409
    assert Membership.objects.get(user=county.owner_member, agency=county.district).role == "member"


def test_agency_with_a_taken_slug_or_bad_kind_is_a_field_error(county):
    staff = client_for(county.staff)
    taken = staff.post("/api/v1/agencies/", {"name": "Copy", "slug": "ridgeford-pd", "kind": "police"}, format="json")
    assert taken.status_code == 400
    assert "slug" in taken.json()
    bad_kind = staff.post("/api/v1/agencies/", {"name": "New", "slug": "new", "kind": "navy"}, format="json")
    assert bad_kind.status_code == 400
    assert "kind" in bad_kind.json()
    assert Agency.objects.count() == 4


def test_facility_coordinates_out_of_range_are_field_errors(county, admin):
    response = admin.post(
        "/api/v1/facilities/",
        {"name": "X", "kind": "high_school", "owner_agency": county.district.pk, "latitude": 123, "longitude": 0},
        format="json",
    )
    assert response.status_code == 400
    assert "latitude" in response.json()


def test_weak_password_for_a_new_user_is_a_field_error(county, admin):
    response = admin.post("/api/v1/users/", {"username": "newbie", "password": "123"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()

"""Creating, finding, updating, withdrawing and deleting plans through the API."""

from datetime import timedelta

from django.utils import timezone

from agencies.models import Role
from audit.models import AuditEvent
from plans import services
from plans.models import Plan, PlanVersion
from tests.agencies.factories import member
from tests.conftest import client_for
from tests.plans.factories import make_plan, publish


def test_planner_creates_a_school_plan_whose_first_draft_follows_the_federal_eop_template(county):
    client = client_for(county.owner_planner)
    response = client.post(
        "/api/v1/plans/",
        {
            "title": "Oak Street Elementary crisis plan",
            "kind": "school_eop",
            "owner_agency": county.district.pk,
            "facilities": [county.school.pk],
            "classification": "partner",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    plan_id = response.json()["id"]
    assert response.json()["current_version"] is None
    draft = client.post(f"/api/v1/plans/{plan_id}/versions/", {"change_summary": "First edition"}, format="json")
    assert draft.status_code == 201
    keys = [s["key"] for s in draft.json()["sections"]]
    assert keys[0] == "introductory-material"
    assert "annex-reunification" in keys
    assert "hazard-active-threat" in keys


def test_new_draft_without_sections_copies_the_current_version(county):
    response = client_for(county.owner_planner).post(
        f"/api/v1/plans/{county.plan.pk}/versions/", {"change_summary": "Next year"}, format="json"
    )
    assert response.status_code == 201
    bodies = [s["body"] for s in response.json()["sections"]]
    assert bodies == ["Evacuate to the north field.", "Lockdown: lock doors, lights off."]


def test_search_finds_plans_by_words_in_their_current_sections(county):
    other = make_plan(owner=county.district, actor=county.owner_admin, title="Bus depot plan")
    publish(other, county.owner_admin, "Fuel spill: evacuate upwind.")
    client = client_for(county.owner_admin)
    found = client.get("/api/v1/plans/", {"q": "evacuating north"}).json()["results"]
    assert [p["id"] for p in found] == [county.plan.pk]
    found = client.get("/api/v1/plans/", {"q": "spills"}).json()["results"]
    assert [p["id"] for p in found] == [other.pk]


def test_search_never_returns_plans_the_user_may_not_see(county):
    found = client_for(county.unrelated_admin).get("/api/v1/plans/", {"q": "evacuate"}).json()
    assert found["count"] == 0


def test_draft_text_is_not_searchable_by_partners(county):
    found = client_for(county.partner_view_liaison).get("/api/v1/plans/", {"q": "stadium"}).json()
    assert found["count"] == 0


def test_filters_by_owner_facility_kind_and_review_due(county):
    client = client_for(county.owner_admin)
    assert client.get("/api/v1/plans/", {"owner_agency": county.district.pk}).json()["count"] == 1
    assert client.get("/api/v1/plans/", {"owner_agency": county.police.pk}).json()["count"] == 0
    assert client.get("/api/v1/plans/", {"facility": county.school.pk}).json()["count"] == 1
    assert client.get("/api/v1/plans/", {"kind": "mutual_aid"}).json()["count"] == 0
    assert client.get("/api/v1/plans/", {"review_due": "true"}).json()["count"] == 0
    Plan.objects.filter(pk=county.plan.pk).update(next_review_due=timezone.localdate() + timedelta(days=10))
    due = client.get("/api/v1/plans/", {"review_due": "true"}).json()
    assert [p["id"] for p in due["results"]] == [county.plan.pk]
    assert due["results"][0]["review_due"] is True


def test_changing_the_review_interval_moves_the_next_review_date(county):
    response = client_for(county.owner_planner).patch(
        f"/api/v1/plans/{county.plan.pk}/", {"review_interval_days": 180}, format="json"
    )
    assert response.status_code == 200
    expected = (county.published.published_at + timedelta(days=180)).date()
    assert response.json()["next_review_due"] == expected.isoformat()


def test_withdrawing_leaves_the_plan_without_a_current_version(county):
    response = client_for(county.owner_admin).post(
        f"/api/v1/plans/{county.plan.pk}/versions/{county.published.number}/withdraw/"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn"
    plan = client_for(county.partner_view_liaison).get(f"/api/v1/plans/{county.plan.pk}/").json()
    assert plan["current_version"] is None
    assert AuditEvent.objects.filter(action="version.withdraw").exists()
    again = client_for(county.owner_admin).post(
        f"/api/v1/plans/{county.plan.pk}/versions/{county.published.number}/withdraw/"
    )
    assert again.status_code == 409


def test_a_draft_started_before_a_withdrawal_can_still_be_published(county):
    services.plan_version_withdraw(version=county.published, actor=county.owner_admin)
    response = client_for(county.owner_admin).post(
        f"/api/v1/plans/{county.plan.pk}/versions/{county.draft.number}/publish/"
    )
    assert response.status_code == 200


def test_a_published_plan_cannot_be_deleted_but_a_never_published_one_can(county):
    admin = client_for(county.owner_admin)
    response = admin.delete(f"/api/v1/plans/{county.plan.pk}/")
    assert response.status_code == 409
    assert Plan.objects.filter(pk=county.plan.pk).exists()
    fresh = make_plan(owner=county.district, actor=county.owner_admin, title="Never published")
    services.plan_version_create_draft(plan=fresh, actor=county.owner_admin)
    assert admin.delete(f"/api/v1/plans/{fresh.pk}/").status_code == 204
    assert not Plan.objects.filter(pk=fresh.pk).exists()
    assert not PlanVersion.objects.filter(plan_id=fresh.pk).exists()


def test_published_content_has_a_stable_sha256(county):
    response = client_for(county.partner_view_member).get(f"/api/v1/plans/{county.plan.pk}/versions/1/")
    digest = response.json()["content_sha256"]
    assert len(digest) == 64
    assert digest == PlanVersion.objects.get(pk=county.published.pk).content_sha256
    assert response.json()["published_by"] == "district_admin"


def test_facility_page_lists_current_plans_the_user_may_see(county):
    # Plans are created and published by their owner's admins (the services check it).
    police_admin = member(county.police, Role.ADMIN, username="police_admin")
    police_plan = make_plan(
        owner=county.police, actor=police_admin, title="Police response", facilities=[county.school]
    )
    police = client_for(county.partner_view_liaison)
    assert (
        police.get(f"/api/v1/facilities/{county.school.pk}/plans/").json()["count"] == 1
    )  # police plan has no version
    publish(police_plan, police_admin, "Stage at the north lot.")
    ids = {p["id"] for p in police.get(f"/api/v1/facilities/{county.school.pk}/plans/").json()["results"]}
    assert ids == {county.plan.pk, police_plan.pk}
    district = client_for(county.owner_member)
    ids = {p["id"] for p in district.get(f"/api/v1/facilities/{county.school.pk}/plans/").json()["results"]}
    assert ids == {county.plan.pk}

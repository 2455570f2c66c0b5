"""Issue 13, item 9 over the API: `POST /api/v1/plans/{id}/reviews/` marks the plan reviewed with no changes
(the web page's service), `GET` lists those reviews; every actor, the exact status, nothing changed on refusal."""

from datetime import timedelta

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from notifications.models import OutboxEvent
from plans import services
from plans.models import Classification, PlanReview
from tests.conftest import client_for
from tests.permission_matrix import client_as, covers
from tests.plans.factories import make_plan, publish
from tests.plans.test_permission_matrix import PARTNER_PLAN_READ, assert_refused_without_change, owner_admin_only, world


def reviews_url(plan) -> str:
    return f"/api/v1/plans/{plan.pk}/reviews/"


@covers("plan-reviews")
@pytest.mark.parametrize(("actor", "expected"), owner_admin_only(201))
def test_only_the_owner_admin_marks_a_plan_reviewed_over_the_api(county, actor, expected):
    before = world()
    response = client_as(county, actor).post(reviews_url(county.plan), {"note": "No changes."}, format="json")
    if expected == 201:
        assert response.status_code == 201, response.content
        county.plan.refresh_from_db()
        body = response.json()
        assert body["version"] == county.published.number
        assert body["reviewed_by"] == "district_admin"
        assert body["note"] == "No changes."
        assert body["next_review_due"] == county.plan.next_review_due.isoformat()
        assert county.plan.next_review_due == timezone.localdate() + timedelta(days=county.plan.review_interval_days)
        assert AuditEvent.objects.filter(action=AuditAction.PLAN_REVIEWED, object_id=str(county.plan.pk)).exists()
        assert OutboxEvent.objects.count() == before["outbox"]
    else:
        assert_refused_without_change(response, expected, before)


@covers("plan-reviews")
@pytest.mark.parametrize(("actor", "expected"), PARTNER_PLAN_READ)
def test_every_reader_of_the_plan_lists_its_reviews_and_no_one_else(county, actor, expected):
    services.plan_mark_reviewed(plan=county.plan, actor=county.owner_admin, note="Checked with the fire district.")
    before = world()
    response = client_as(county, actor).get(reviews_url(county.plan))
    assert_refused_without_change(response, expected, before)
    if expected == 200:
        [review] = response.json()["results"]
        assert (review["version"], review["reviewed_by"], review["note"]) == (
            1,
            "district_admin",
            "Checked with the fire district.",
        )


def test_the_reviews_of_a_plan_one_may_not_see_are_the_same_404_as_a_missing_plan(county):
    client = client_as(county, "unrelated_admin")
    hidden = client.post(reviews_url(county.plan), {"note": "x"}, format="json")
    missing = client.post("/api/v1/plans/999999/reviews/", {"note": "x"}, format="json")
    assert (
        (hidden.status_code, hidden.json())
        == (missing.status_code, missing.json())
        == (
            404,
            {"detail": "No Plan matches the given query."},
        )
    )


def test_a_plan_without_a_current_version_answers_409(county):
    unpublished = make_plan(owner=county.district, actor=county.owner_admin, title="Bus routes")
    before = world()
    response = client_as(county, "owner_admin").post(reviews_url(unpublished), {}, format="json")
    assert_refused_without_change(response, 409, before)
    assert "no current version" in response.json()["detail"]


def test_naming_a_version_that_is_no_longer_current_answers_409(county):
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    before = world()
    response = client_as(county, "owner_admin").post(reviews_url(county.plan), {"version": 1}, format="json")
    assert_refused_without_change(response, 409, before)
    assert response.json() == {"detail": "v2 is the current version now, not v1; review it before marking it."}
    ok = client_as(county, "owner_admin").post(reviews_url(county.plan), {"version": 2}, format="json")
    assert ok.status_code == 201, ok.content


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"note": "x" * 2001}, "note"),
        ({"note": 5}, "note"),  # a number is not text (the schema says string)
        ({"version": "2"}, "version"),  # nor is text a number
        ({"version": 1.0}, "version"),
        ({"version": 0}, "version"),
        ({"version": "one"}, "version"),
        ({"version": 2**40}, "version"),
        ({"note": None}, "note"),
    ],
)
def test_bad_input_is_a_400_with_the_field_never_a_500(county, body, field):
    before = world()
    response = client_as(county, "owner_admin").post(reviews_url(county.plan), body, format="json")
    assert_refused_without_change(response, 400, before)
    assert field in response.json()


def test_a_refused_actor_gets_403_whatever_the_body_holds(county):
    before = world()
    response = client_as(county, "owner_planner").post(reviews_url(county.plan), {"note": "x" * 5000}, format="json")
    assert_refused_without_change(response, 403, before)


def test_listing_the_reviews_of_a_sensitive_plan_is_an_audited_read(county):
    sensitive = make_plan(
        owner=county.district, actor=county.owner_admin, classification=Classification.LAW_ENFORCEMENT_SENSITIVE
    )
    publish(sensitive, county.owner_admin, "Staging at lot B.")
    services.plan_mark_reviewed(plan=sensitive, actor=county.owner_admin, note="Confirmed.")
    reads = AuditEvent.objects.filter(action=AuditAction.PLAN_READ, actor=county.owner_member)
    assert client_as(county, "owner_member").get(reviews_url(sensitive)).status_code == 200
    assert reads.get().details == {"plan": sensitive.pk, "what": "reviews"}


def test_the_list_makes_as_many_queries_for_30_reviews_as_for_3(county, django_assert_max_num_queries):
    client = client_for(county.partner_view_liaison)
    for _ in range(3):
        services.plan_mark_reviewed(plan=county.plan, actor=county.owner_admin)
    client.get(reviews_url(county.plan))
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(reviews_url(county.plan)).json()["results"]) == 3
    for _ in range(27):
        services.plan_mark_reviewed(plan=county.plan, actor=county.owner_admin)
    with django_assert_max_num_queries(len(few)):
        assert len(client.get(reviews_url(county.plan), {"page_size": 50}).json()["results"]) == 30
    assert PlanReview.objects.count() == 30


def test_the_schema_documents_the_endpoint_exactly(client, db):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    operations = schema["paths"]["/api/v1/plans/{plan_id}/reviews/"]
    assert set(operations) == {"get", "post"}
    post = operations["post"]
    assert set(post["responses"]) >= {"201", "400", "403", "404", "409"}
    body = schema["components"]["schemas"]["PlanReviewWriteRequest"]["properties"]
    assert set(body) == {"note", "version"}
    created = post["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    fields = schema["components"]["schemas"][created]["properties"]
    assert set(fields) == {"id", "version", "reviewed_at", "reviewed_by", "note", "next_review_due"}
    assert fields["reviewed_by"]["nullable"] is True

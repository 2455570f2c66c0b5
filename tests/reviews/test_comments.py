"""Review comments and change requests: threads, validation, resolving, counts and who is alerted."""

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from agencies.models import Role
from audit.models import AuditAction, AuditEvent
from notifications import services as notification_services
from notifications.channels.email_content import email_item
from notifications.models import EventType, Notification, OutboxEvent
from notifications.recipients import audience_for
from plans import services as plan_services
from plans.models import Classification
from reviews.models import Comment
from tests.agencies.factories import member
from tests.conftest import client_for
from tests.plans.factories import make_plan, publish
from tests.reviews.helpers import comments_url, post, resolve_url, review_state

User = get_user_model()


def test_a_reply_to_a_reply_attaches_to_the_thread_start_and_takes_its_section(county):
    start = post(county.partner_comment_liaison, county.published, section_key="section-1")
    client = client_for(county.owner_planner)
    first = client.post(comments_url(county.published), {"body": "Which part?", "parent": start.pk}, format="json")
    assert first.status_code == 201, first.content
    second = client_for(county.partner_comment_liaison).post(
        comments_url(county.published), {"body": "The staging area.", "parent": first.json()["id"]}, format="json"
    )
    assert second.status_code == 201
    assert second.json()["parent"] == start.pk
    assert second.json()["section_key"] == "section-1"
    listed = client.get(comments_url(county.published)).json()
    assert listed["count"] == 1
    (thread,) = listed["results"]
    assert [r["body"] for r in thread["replies"]] == ["Which part?", "The staging area."]
    assert thread["agency"] == {"id": county.fire.pk, "name": county.fire.name}
    assert thread["author"]["username"] == "fire_liaison"
    assert set(thread) >= {
        "id",
        "section_key",
        "body",
        "author",
        "agency",
        "is_change_request",
        "parent",
        "created_at",
        "resolved_at",
        "resolved_by",
        "resolution_note",
        "replies",
    }


def test_a_reply_to_a_comment_on_another_version_is_refused(county):
    other = post(county.owner_planner, county.draft)
    before = review_state()
    response = client_for(county.owner_planner).post(
        comments_url(county.published), {"body": "x", "parent": other.pk}, format="json"
    )
    assert response.status_code == 400
    assert "parent" in response.json()
    assert review_state() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": "x", "section_key": "no-such-section"}, "section_key"),
        ({"body": "   "}, "body"),
        ({"body": "x" * 10_001}, "body"),
        ({}, "body"),
    ],
)
def test_bad_comments_are_400_with_the_field_and_change_nothing(county, payload, field):
    before = review_state()
    response = client_for(county.partner_comment_liaison).post(comments_url(county.published), payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert review_state() == before


def test_only_partners_mark_change_requests(county):
    before = review_state()
    owner = client_for(county.owner_planner).post(
        comments_url(county.published), {"body": "Fix it", "is_change_request": True}, format="json"
    )
    assert owner.status_code == 400
    assert "is_change_request" in owner.json()
    assert review_state() == before
    partner = client_for(county.partner_comment_liaison).post(
        comments_url(county.published),
        {"body": "Move staging", "section_key": "section-2", "is_change_request": True},
        format="json",
    )
    assert partner.status_code == 201
    assert partner.json()["is_change_request"] is True


def test_a_reply_cannot_be_a_change_request(county):
    start = post(county.owner_planner, county.published)
    response = client_for(county.partner_comment_liaison).post(
        comments_url(county.published), {"body": "x", "parent": start.pk, "is_change_request": True}, format="json"
    )
    assert response.status_code == 400
    assert "is_change_request" in response.json()


def test_resolving_a_reply_is_400_and_resolving_twice_is_409(county):
    start = post(county.partner_comment_liaison, county.published, is_change_request=True)
    reply = post(county.owner_planner, county.published, parent=start)
    client = client_for(county.owner_admin)
    assert client.post(resolve_url(reply), {}, format="json").status_code == 400
    done = client.post(resolve_url(start), {"note": "Moved staging to lot B."}, format="json")
    assert done.status_code == 200
    assert done.json()["resolved_by"]["username"] == "district_admin"
    assert done.json()["resolution_note"] == "Moved staging to lot B."
    audit = AuditEvent.objects.filter(action=AuditAction.COMMENT_RESOLVE).get()
    assert (audit.actor, audit.object_id, audit.agency) == (county.owner_admin, str(start.pk), county.district)
    before = review_state()
    assert client.post(resolve_url(start), {}, format="json").status_code == 409
    assert review_state() == before


def test_resolving_a_comment_of_another_version_through_this_url_is_404(county):
    start = post(county.owner_planner, county.draft)
    response = client_for(county.owner_admin).post(comments_url(county.published, f"{start.pk}/resolve/"), {})
    assert response.status_code == 404


def test_open_change_requests_are_counted_on_plan_detail_and_list(county):
    post(county.partner_comment_liaison, county.published, is_change_request=True)
    resolved = post(county.partner_comment_liaison, county.published, is_change_request=True)
    post(county.partner_comment_liaison, county.published)  # a plain remark is not a change request
    client_for(county.owner_admin).post(resolve_url(resolved), {}, format="json")
    for user in (county.owner_member, county.partner_view_member):
        client = client_for(user)
        assert client.get(f"/api/v1/plans/{county.plan.pk}/").json()["open_change_requests"] == 1
        (row,) = client.get("/api/v1/plans/").json()["results"]
        assert row["open_change_requests"] == 1


def test_public_only_viewers_see_no_change_request_count(county):
    plan = make_plan(owner=county.district, actor=county.owner_admin, classification=Classification.PUBLIC)
    version = publish(plan, county.owner_admin, "Shelter in the gym.")
    plan_services.plan_share(plan=plan, agency=county.fire, level="comment", actor=county.owner_admin)
    post(county.partner_comment_liaison, version, is_change_request=True)
    assert client_for(county.owner_member).get(f"/api/v1/plans/{plan.pk}/").json()["open_change_requests"] == 1
    outsider = client_for(county.unrelated_admin)
    assert outsider.get(f"/api/v1/plans/{plan.pk}/").json()["open_change_requests"] == 0
    assert [p["open_change_requests"] for p in outsider.get("/api/v1/plans/").json()["results"]] == [0]


def test_plan_list_counts_cost_one_query_per_page(county, django_assert_max_num_queries):
    def plans_page() -> int:
        client = client_for(User.objects.get(pk=county.partner_view_member.pk))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/plans/?page_size=100").status_code == 200
        return len(queries)

    def add(count: int) -> None:
        for _ in range(count):
            plan = make_plan(owner=county.district, actor=county.owner_admin)
            version = publish(plan, county.owner_admin, "Evacuate.")
            plan_services.plan_share(plan=plan, agency=county.fire, level="comment", actor=county.owner_admin)
            plan_services.plan_share(plan=plan, agency=county.police, level="view", actor=county.owner_admin)
            post(county.partner_comment_liaison, version, is_change_request=True)

    add(2)
    few = plans_page()
    add(20)
    assert plans_page() <= few


@pytest.mark.parametrize("count", [5, 50])
def test_listing_comments_costs_the_same_queries_for_5_and_50(county, count, django_assert_max_num_queries):
    for n in range(count):
        start = post(county.partner_comment_liaison, county.published, section_key="section-1", body=f"c{n}")
        post(county.owner_planner, county.published, parent=start, body=f"r{n}")
    client = client_for(User.objects.get(pk=county.partner_view_member.pk))
    with django_assert_max_num_queries(9):
        response = client.get(comments_url(county.published), {"page_size": 100})
    assert response.status_code == 200
    assert len(response.json()["results"]) == count
    assert all(len(thread["replies"]) == 1 for thread in response.json()["results"])


# --- comment.created --------------------------------------------------------------------------------------------


def audience_usernames(event: OutboxEvent) -> set[str]:
    return set(audience_for(event).memberships.values_list("user__username", flat=True))


def latest_comment_event() -> OutboxEvent:
    return OutboxEvent.objects.filter(event_type=EventType.COMMENT_CREATED).latest("id")


def test_comment_created_reaches_owner_editors_and_earlier_participants_but_not_the_actor(county):
    start = post(county.partner_comment_liaison, county.published, section_key="section-1", is_change_request=True)
    event = latest_comment_event()
    assert event.payload["comment"] == start.pk
    assert event.payload["thread"] == start.pk
    assert event.payload["section_title"] == "Section 1"
    assert event.payload["version"] == 1
    assert audience_usernames(event) == {"district_admin", "district_planner"}
    post(county.owner_liaison, county.published, parent=start)
    assert audience_usernames(latest_comment_event()) == {"district_admin", "district_planner", "fire_liaison"}
    post(county.owner_planner, county.published, parent=start)
    assert audience_usernames(latest_comment_event()) == {"district_admin", "fire_liaison", "district_liaison"}


def test_comment_created_skips_a_participant_whose_agency_lost_the_share(county):
    start = post(county.partner_comment_liaison, county.published)
    plan_services.plan_unshare(plan=county.plan, agency=county.fire, actor=county.owner_admin)
    post(county.owner_liaison, county.published, parent=start)
    assert "fire_liaison" not in audience_usernames(latest_comment_event())
    assert audience_usernames(latest_comment_event()) == {"district_admin", "district_planner"}


def test_comment_created_is_delivered_in_app_and_its_email_renders(county, settings):
    settings.SITE_URL = "https://concord.example.org"
    start = post(county.partner_comment_liaison, county.published, section_key="section-2", is_change_request=True)
    notification_services.outbox_event_fan_out(event_id=latest_comment_event().pk)
    assert set(Notification.objects.values_list("user__username", flat=True)) == {
        "district_admin",
        "district_planner",
    }
    item = email_item(latest_comment_event(), {county.fire.pk: county.fire.name})
    assert item.extra["change_request"] is True
    text = render_to_string(item.text_template, {"item": item})
    html = render_to_string(item.html_template, {"item": item})
    assert "Ridgeford Fire requested a change to version 1 of Maple Valley High crisis plan" in text
    assert "Ridgeford Fire requested a change to version 1 of <strong>Maple Valley High crisis plan" in html
    for body in (text, html):
        assert "Section 2" in body
        assert start.body not in body  # e-mails never carry review text


def test_a_comment_created_event_renders_as_an_email_to_a_thread_participant(county):
    start = post(county.partner_comment_liaison, county.published)
    post(county.owner_planner, county.published, parent=start, body="Thanks")
    item = email_item(latest_comment_event(), {county.district.pk: county.district.name})
    text = render_to_string(item.text_template, {"item": item})
    assert "Maple Valley School District replied to a comment on version 1" in text


def test_the_schema_describes_the_comment_endpoints(client, db):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    comments = schema["paths"]["/api/v1/plans/{plan_id}/versions/{number}/comments/"]
    assert {"get", "post"} <= set(comments)
    assert "post" in schema["paths"]["/api/v1/plans/{plan_id}/versions/{number}/comments/{comment_id}/resolve/"]
    assert "open_change_requests" in schema["components"]["schemas"]["Plan"]["properties"]


def test_a_partner_plain_member_of_a_comment_partner_is_not_alerted_as_a_participant(county):
    firefighter = member(county.fire, Role.MEMBER, username="firefighter")
    start = post(county.partner_comment_liaison, county.published)
    post(county.owner_planner, county.published, parent=start)
    assert firefighter.username not in audience_usernames(latest_comment_event())
    assert Comment.objects.filter(parent=start).count() == 1


def latest_resolved_event() -> OutboxEvent:
    return OutboxEvent.objects.filter(event_type=EventType.COMMENT_RESOLVED).latest("id")


def test_resolving_a_change_request_tells_everyone_in_the_thread_but_the_resolver(county):
    start = post(county.partner_comment_liaison, county.published, section_key="section-1", is_change_request=True)
    post(county.owner_liaison, county.published, parent=start, body="We will look at it.")
    response = client_for(county.owner_planner).post(resolve_url(start), {"note": "Moved in v2."}, format="json")
    assert response.status_code == 200, response.content
    event = latest_resolved_event()
    assert (event.payload["comment"], event.payload["is_change_request"]) == (start.pk, True)
    # Everyone who wrote in the thread, before or after, but not the resolver (nor police, who stayed out).
    assert audience_usernames(event) == {"fire_liaison", "district_liaison"}
    assert set(audience_for(event).agency_ids) == {county.fire.pk, county.district.pk}

    notification_services.outbox_event_fan_out(event_id=event.pk)
    fire = Notification.objects.get(user=county.partner_comment_liaison, event=event)
    assert fire.title == "Maple Valley High crisis plan: change request resolved by the owner"
    item = email_item(event, {county.district.pk: county.district.name})
    text = render_to_string(item.text_template, {"item": item})
    assert "Maple Valley School District resolved a change request you took part in on version 1" in text
    assert "Section 1" in text
    assert "Moved in v2." not in text  # e-mails never carry review text


def test_resolving_tells_nobody_whose_agency_lost_the_share(county):
    start = post(county.partner_comment_liaison, county.published, is_change_request=True)
    plan_services.plan_unshare(plan=county.plan, agency=county.fire, actor=county.owner_admin)
    client_for(county.owner_admin).post(resolve_url(start), {}, format="json")
    assert audience_usernames(latest_resolved_event()) == set()

"""The review panels on the web pages: comments under sections, replies, change requests, resolving, the
counts on the plan page, the plan list and the dashboard, and what is owed in the next draft's editor."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agencies.models import Role
from plans import services as plan_services
from plans.models import Classification
from reviews.models import Comment
from tests.agencies.factories import member
from tests.dashboard import dashboard_html
from tests.plans.factories import make_plan, publish
from tests.reviews.helpers import post, review_state

User = get_user_model()


def web(user) -> Client:
    client = Client()
    client.force_login(User.objects.get(pk=user.pk))
    return client


def plan_page(county) -> str:
    return f"/plans/{county.plan.pk}/"


def post_url(version) -> str:
    return f"/plans/{version.plan_id}/versions/{version.number}/comments/"


def resolve_url(comment) -> str:
    return f"/plans/{comment.plan_id}/comments/{comment.pk}/resolve/"


def test_the_plan_page_shows_comments_under_their_section_with_the_controls_each_person_may_use(county):
    start = post(
        county.partner_comment_liaison,
        county.published,
        body="Staging **must** move to lot B.",
        section_key="section-1",
        is_change_request=True,
    )
    post(county.owner_planner, county.published, body="Noted, will do.", parent=start)
    post(county.owner_liaison, county.published, body="Whole plan reads well.")
    fire = web(county.partner_comment_liaison).get(plan_page(county)).content.decode()
    section = fire.split('id="section-section-1"', 1)[1].split('id="section-section-2"', 1)[0]
    assert "<strong>must</strong>" in section
    assert "Noted, will do." in section
    assert "Change request open" in section
    assert 'name="is_change_request"' in fire  # a comment partner may request changes
    assert "Whole plan reads well." in fire.split('id="comments"', 1)[1]
    assert "1 open change request" in fire
    assert "Resolve" not in section
    police = web(county.partner_view_liaison).get(plan_page(county)).content.decode()
    assert "Staging <strong>must</strong> move" in police
    assert 'name="body"' not in police  # a view partner reads but cannot comment
    planner = web(county.owner_planner).get(plan_page(county)).content.decode()
    assert f'action="/plans/{county.plan.pk}/comments/{start.pk}/resolve/"' in planner
    assert 'name="is_change_request"' not in planner  # the owner does not request changes of itself
    member_page = web(county.owner_member).get(plan_page(county)).content.decode()
    assert 'name="body"' in member_page
    assert "/resolve/" not in member_page


def test_a_liaison_posts_a_change_request_from_the_page_and_is_sent_back_to_it(county):
    response = web(county.partner_comment_liaison).post(
        post_url(county.published),
        {
            "body": "Reunify at the church.",
            "section_key": "section-2",
            "is_change_request": "on",
            "next": plan_page(county),
        },
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{plan_page(county)}#comment-{comment.pk}"
    assert (comment.section_key, comment.is_change_request, comment.author_agency) == (
        "section-2",
        True,
        county.fire,
    )
    reply = web(county.owner_admin).post(post_url(county.published), {"body": "Agreed.", "parent": comment.pk})
    assert reply.status_code == 302
    assert Comment.objects.get(parent=comment).body == "Agreed."


def test_a_bad_section_or_an_owner_change_request_posts_nothing_and_says_why(county):
    client = web(county.owner_planner)
    before = review_state()
    response = client.post(
        post_url(county.published), {"body": "x", "section_key": "section-1", "is_change_request": "on"}, follow=True
    )
    assert "Only partner agencies request changes" in response.content.decode()
    response = client.post(post_url(county.published), {"body": "x", "section_key": "nope"}, follow=True)
    assert "has no section" in response.content.decode()
    assert review_state() == before


@pytest.mark.parametrize(
    ("actor", "expected"),
    [("partner_view_liaison", 403), ("partner_view_member", 403), ("unrelated_admin", 404), (None, 302)],
)
def test_those_who_may_not_comment_post_nothing_from_the_web(county, actor, expected):
    before = review_state()
    client = web(getattr(county, actor)) if actor else Client()
    response = client.post(post_url(county.published), {"body": "Hello"})
    assert response.status_code == expected
    if actor is None:
        assert response["Location"].startswith("/accounts/login/")
    assert review_state() == before


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("owner_planner", 302),
        ("owner_admin", 302),
        ("owner_liaison", 403),
        ("owner_member", 403),
        ("partner_comment_liaison", 403),
        ("unrelated_admin", 404),
    ],
)
def test_only_owner_admins_and_planners_resolve_from_the_web(county, actor, expected):
    comment = post(county.partner_comment_liaison, county.published, is_change_request=True)
    before = review_state()
    response = web(getattr(county, actor)).post(resolve_url(comment), {"note": "Fixed in v2."})
    assert response.status_code == expected
    comment.refresh_from_db()
    if expected == 302:
        assert response["Location"] == f"{plan_page(county)}#comment-{comment.pk}"
        assert comment.resolution_note == "Fixed in v2."
    else:
        assert comment.resolved_at is None
        assert review_state() == before


def test_counts_show_on_the_plan_list_and_the_owners_dashboard(county):
    post(county.partner_comment_liaison, county.published, is_change_request=True)
    post(county.partner_comment_liaison, county.published, is_change_request=True, section_key="section-2")
    listing = web(county.partner_view_member).get("/plans/").content.decode()
    assert "2 open change requests" in listing
    dashboard = dashboard_html(web(county.owner_planner))
    panel = dashboard.split('id="change-requests"', 1)[1].split("</section>", 1)[0]
    assert f'href="/plans/{county.plan.pk}/#change-requests"' in panel
    assert "2 open" in panel
    assert "No partner is waiting" in dashboard_html(web(county.unrelated_admin))


def test_public_only_viewers_see_no_comments_and_no_count(county):
    plan = make_plan(owner=county.district, actor=county.owner_admin, classification=Classification.PUBLIC)
    version = publish(plan, county.owner_admin, "Shelter in the gym.")
    plan_services.plan_share(plan=plan, agency=county.fire, level="comment", actor=county.owner_admin)
    post(county.partner_comment_liaison, version, body="SECRET-REMARK", is_change_request=True)
    outsider = web(county.unrelated_admin)
    for url in (f"/plans/{plan.pk}/", f"/plans/{plan.pk}/versions/1/", "/plans/"):
        html = outsider.get(url).content.decode()
        assert "SECRET-REMARK" not in html
        assert "open change request" not in html
        assert 'name="body"' not in html


def test_the_next_drafts_editor_lists_open_change_requests_beside_their_section(county):
    owed = post(
        county.partner_comment_liaison,
        county.published,
        body="Move staging away from the bus loop.",
        section_key="section-1",
        is_change_request=True,
    )
    post(county.partner_comment_liaison, county.published, body="Add a map.", is_change_request=True)
    html = web(county.owner_planner).get(f"/plans/{county.plan.pk}/versions/2/edit/").content.decode()
    first = html.split('id="section-section-1"', 1)[1].split("</fieldset>", 1)[0]
    assert "1 open change request on this section" in first
    assert "Move staging away from the bus loop." in first
    assert f'href="#request-{owed.pk}"' in first
    side = html.split('id="change-requests"', 1)[1]
    assert "Add a map." in side
    assert f'action="/plans/{county.plan.pk}/comments/{owed.pk}/resolve/"' in side


def count_queries(user, url: str) -> int:
    client = web(user)
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_comments(county, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        start = post(
            county.partner_comment_liaison,
            county.published,
            body=f"c{n}",
            section_key=f"section-{n % 2 + 1}",
            is_change_request=n % 2 == 0,
        )
        post(county.owner_planner, county.published, parent=start, body=f"r{n}")
        post(county.owner_liaison, county.published, body=f"v{n}")


@pytest.mark.parametrize(
    ("actor", "tail"),
    [
        ("owner_planner", ""),
        ("partner_comment_liaison", ""),
        ("partner_view_member", "versions/1/"),
        ("owner_planner", "versions/2/edit/"),
    ],
)
def test_review_pages_cost_the_same_queries_for_5_and_50_comments(county, actor, tail, django_assert_max_num_queries):
    user = getattr(county, actor)
    add_comments(county, 5)
    few = count_queries(user, plan_page(county) + tail)
    add_comments(county, 45, start=5)
    client = web(user)
    with django_assert_max_num_queries(few):
        response = client.get(plan_page(county) + tail)
    assert response.status_code == 200
    assert "<p>c48</p>" in response.content.decode()  # an open change request: on every one of these pages


def test_a_plain_member_of_a_comment_partner_reads_but_gets_no_form(county):
    firefighter = member(county.fire, Role.MEMBER, username="firefighter")
    post(county.partner_comment_liaison, county.published, body="Heads up.")
    html = web(firefighter).get(plan_page(county)).content.decode()
    assert "Heads up." in html
    assert 'name="body"' not in html

"""Tenant isolation for review comments: every actor against listing, posting and resolving, with the exact
status and nothing changed on refusal.

The `county` plan is `partner`-classified, shared with the police (`view`) and fire (`comment`); version 1 is
published with sections `section-1` and `section-2`; version 2 is a draft.
"""

import pytest

from agencies.models import Role
from plans.models import Classification
from reviews.models import Comment
from tests.agencies.factories import member
from tests.conftest import client_for
from tests.permission_matrix import OWNERS, PARTNERS, client_as, covers, matrix
from tests.plans.factories import make_plan, publish
from tests.plans.test_permission_matrix import PARTNER_PLAN_READ
from tests.reviews.helpers import comments_url, post, resolve_url, review_state

# Owner members always; partners only as admin or liaison of an agency with `comment`.
POST = matrix(
    anonymous=401,
    owner_admin=201,
    owner_planner=201,
    owner_liaison=201,
    owner_member=201,
    partner_view_liaison=403,
    partner_view_member=403,
    partner_comment_liaison=201,
    unrelated_admin=404,
    staff=404,
)
RESOLVE = matrix(
    anonymous=401,
    owner_admin=200,
    owner_planner=200,
    owner_liaison=403,
    owner_member=403,
    partner_view_liaison=403,
    partner_view_member=403,
    partner_comment_liaison=403,
    unrelated_admin=404,
    staff=404,
)


@covers("comment-list")
@pytest.mark.parametrize(("actor", "expected"), PARTNER_PLAN_READ)
def test_comments_are_listed_to_the_owner_and_partners_and_hidden_from_everyone_else(county, actor, expected):
    post(county.partner_comment_liaison, county.published, section_key="section-1")
    before = review_state()
    response = client_as(county, actor).get(comments_url(county.published))
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["count"] == 1
    assert review_state() == before


@covers("comment-list")
@pytest.mark.parametrize(("actor", "expected"), POST)
def test_only_owner_members_and_comment_partner_liaisons_may_post(county, actor, expected):
    before = review_state()
    response = client_as(county, actor).post(
        comments_url(county.published), {"section_key": "section-1", "body": "Staging is wrong."}, format="json"
    )
    assert response.status_code == expected, response.content
    if expected == 201:
        comment = Comment.objects.get(pk=response.json()["id"])
        assert (comment.section_key, comment.body, comment.author.username) == (
            "section-1",
            "Staging is wrong.",
            response.json()["author"]["username"],
        )
        expected_agency = county.district if actor in OWNERS else county.fire
        assert comment.author_agency_id == expected_agency.pk
    else:
        assert review_state() == before


@covers("comment-resolve")
@pytest.mark.parametrize(("actor", "expected"), RESOLVE)
def test_only_owner_admins_and_planners_resolve(county, actor, expected):
    comment = post(county.partner_comment_liaison, county.published, is_change_request=True)
    before = review_state()
    response = client_as(county, actor).post(resolve_url(comment), {"note": "Done in v2."}, format="json")
    assert response.status_code == expected, response.content
    comment.refresh_from_db()
    if expected == 200:
        assert comment.resolved_at is not None
        assert comment.resolution_note == "Done in v2."
    else:
        assert comment.resolved_at is None
        assert review_state() == before


def test_a_plain_member_of_a_comment_partner_may_read_but_not_post(county):
    firefighter = member(county.fire, Role.MEMBER, username="firefighter")
    before = review_state()
    client = client_for(firefighter)
    assert client.get(comments_url(county.published)).status_code == 200
    response = client.post(comments_url(county.published), {"body": "Hello"}, format="json")
    assert response.status_code == 403
    assert review_state() == before


@pytest.mark.parametrize("actor", sorted(PARTNERS | {"owner_member"}))
def test_drafts_comments_are_404_for_those_who_cannot_see_drafts(county, actor):
    before = review_state()
    client = client_as(county, actor)
    assert client.get(comments_url(county.draft)).status_code == 404
    assert client.post(comments_url(county.draft), {"body": "x"}, format="json").status_code == 404
    assert review_state() == before


def test_someone_who_sees_a_plan_only_because_it_is_public_sees_no_comments_and_cannot_post(county):
    plan = make_plan(owner=county.district, actor=county.owner_admin, classification=Classification.PUBLIC)
    version = publish(plan, county.owner_admin, "Shelter in the gym.")
    post(county.owner_planner, version, body="Internal remark.")
    before = review_state()
    outsider = client_for(county.unrelated_admin)
    response = outsider.get(comments_url(version))
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert outsider.post(comments_url(version), {"body": "Hi"}, format="json").status_code == 403
    comment = plan.comments.get()
    assert outsider.post(resolve_url(comment), {}, format="json").status_code == 404
    assert review_state() == before

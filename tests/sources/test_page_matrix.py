"""Tenant isolation for the sources web pages: every page x every actor, the exact status, nothing changed on
refusal."""

import pytest

from tests.conftest import web_client
from tests.permission_matrix import covers, matrix, user_of
from tests.sources.linked import sources_world

REFUSED = dict(
    anonymous=302,
    owner_liaison=403,
    owner_member=403,
    partner_view_liaison=403,
    partner_view_member=403,
    partner_comment_liaison=403,
    unrelated_admin=404,
    staff=404,
)
WRITE = matrix(owner_admin=302, owner_planner=302, **REFUSED)
REVIEW_PAGE = matrix(
    **{
        **REFUSED,
        "owner_admin": 200,
        "owner_planner": 200,
        "owner_liaison": 200,
        "owner_member": 200,
    }
)
SIGNED_IN = matrix(
    anonymous=302,
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


def _post(linked, actor, url, data=None):
    before = sources_world()
    response = web_client(user_of(linked, actor)).post(url, data or {})
    return before, response


@covers("sources:add")
@pytest.mark.parametrize(("actor", "expected"), WRITE)
def test_declaring_a_source_on_the_page(linked, actor, expected):
    before, response = _post(
        linked,
        actor,
        f"/plans/{linked.plan.pk}/sources/add/",
        {"source_plan": linked.source.pk, "section_key": "section-1"},
    )
    assert response.status_code == expected
    assert (sources_world() != before) == (expected == 302 and actor.startswith("owner"))


@covers("sources:remove")
@pytest.mark.parametrize(("actor", "expected"), WRITE)
def test_removing_a_source_on_the_page(linked, actor, expected):
    before, response = _post(linked, actor, f"/plans/{linked.plan.pk}/sources/{linked.link.pk}/remove/")
    assert response.status_code == expected
    assert (sources_world() != before) == (expected == 302 and actor.startswith("owner"))


@covers("sources:change")
@pytest.mark.parametrize(("actor", "expected"), REVIEW_PAGE)
def test_reading_a_source_change(linked, actor, expected):
    response = web_client(user_of(linked, actor)).get(f"/plans/{linked.plan.pk}/source-changes/{linked.change.pk}/")
    assert response.status_code == expected
    if expected != 200:
        assert b"door 4" not in response.content.lower()


@covers("sources:change-draft")
@pytest.mark.parametrize(("actor", "expected"), WRITE)
def test_starting_a_draft_for_a_source_change(linked, actor, expected):
    before, response = _post(linked, actor, f"/plans/{linked.plan.pk}/source-changes/{linked.change.pk}/draft/")
    assert response.status_code == expected
    assert (sources_world() != before) == (expected == 302 and actor.startswith("owner"))


@covers("sources:change-no-change")
@pytest.mark.parametrize(("actor", "expected"), WRITE)
def test_recording_no_change_needed(linked, actor, expected):
    before, response = _post(
        linked, actor, f"/plans/{linked.plan.pk}/source-changes/{linked.change.pk}/no-change/", {"reason": "Same."}
    )
    assert response.status_code == expected
    assert (sources_world() != before) == (expected == 302 and actor.startswith("owner"))


@covers("sources:agency")
@pytest.mark.parametrize(("actor", "expected"), SIGNED_IN)
def test_the_agency_picture_shows_only_the_readers_own_agency(linked, actor, expected):
    response = web_client(user_of(linked, actor)).get("/sources/")
    assert response.status_code == expected
    if expected == 200 and not actor.startswith("owner"):
        assert b"Maple Valley High crisis plan" not in response.content
    if actor.startswith("owner"):
        assert b"1 of 1 source changed" in response.content

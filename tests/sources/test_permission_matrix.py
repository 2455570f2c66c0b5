"""Tenant isolation for the sources API: every endpoint x every actor, the exact status, nothing changed on
refusal, and no title of a source or a dependent plan the reader may not see."""

import pytest

from tests.permission_matrix import client_as, covers, matrix
from tests.plans.test_permission_matrix import OWNER_MEMBERS_READ, PARTNER_PLAN_READ
from tests.sources.linked import sources_world

WRITERS = dict(
    anonymous=401,
    owner_liaison=403,
    owner_member=403,
    partner_view_liaison=403,
    partner_view_member=403,
    partner_comment_liaison=403,
    unrelated_admin=404,
    staff=404,
)
DECLARE = matrix(owner_admin=201, owner_planner=201, **WRITERS)
REMOVE = matrix(owner_admin=204, owner_planner=204, **WRITERS)
DECIDE = matrix(owner_admin=200, owner_planner=200, **WRITERS)


def _sources_url(linked) -> str:
    return f"/api/v1/plans/{linked.plan.pk}/sources/"


@covers("source-list")
@pytest.mark.parametrize(("actor", "expected"), PARTNER_PLAN_READ)
def test_reading_a_plans_sources(linked, actor, expected):
    before = sources_world()
    response = client_as(linked, actor).get(_sources_url(linked))
    assert response.status_code == expected, response.content
    assert sources_world() == before
    if expected != 200:
        assert b"Ridgeford PD" not in response.content


@pytest.mark.parametrize(("actor", "expected"), PARTNER_PLAN_READ)
@covers("source-list")
def test_partners_see_a_source_they_cannot_read_as_hidden(linked, actor, expected):
    response = client_as(linked, actor).get(_sources_url(linked))
    assert response.status_code == expected
    if expected == 200:
        row = response.json()[0]
        if actor.startswith("owner"):
            assert (row["title"], row["state"]) == ("Ridgeford PD active threat plan", "pending")
        elif actor.startswith("partner_view"):  # police members read their own plan
            assert row["title"] == "Ridgeford PD active threat plan"
        else:  # fire may not read the police plan: nothing about it
            assert (row["title"], row["source_plan"], row["current_version"], row["state"]) == (
                None,
                None,
                None,
                "hidden",
            )


@covers("source-list")
@pytest.mark.parametrize(("actor", "expected"), DECLARE)
def test_declaring_a_source(linked, actor, expected):
    before = sources_world()
    response = client_as(linked, actor).post(
        _sources_url(linked), {"source_plan": linked.source.pk, "section_key": "section-1"}, format="json"
    )
    assert response.status_code == expected, response.content
    if expected == 201:
        assert response.json()["section_key"] == "section-1"
    else:
        assert sources_world() == before


@covers("source-detail")
@pytest.mark.parametrize(("actor", "expected"), REMOVE)
def test_removing_a_source(linked, actor, expected):
    before = sources_world()
    response = client_as(linked, actor).delete(f"{_sources_url(linked)}{linked.link.pk}/")
    assert response.status_code == expected, response.content
    if expected != 204:
        assert sources_world() == before


@covers("source-change-list")
@pytest.mark.parametrize(("actor", "expected"), OWNER_MEMBERS_READ)
def test_reading_pending_source_reviews(linked, actor, expected):
    before = sources_world()
    response = client_as(linked, actor).get(f"/api/v1/plans/{linked.plan.pk}/source-changes/")
    assert response.status_code == expected, response.content
    assert sources_world() == before
    if expected == 200:
        [row] = response.json()
        assert (row["source_version"], row["built_on_version"], row["status"]) == (2, None, "pending")
    else:
        assert b"Ridgeford PD" not in response.content


@covers("source-change-decision")
@pytest.mark.parametrize(("actor", "expected"), DECIDE)
def test_deciding_on_a_source_change(linked, actor, expected):
    before = sources_world()
    response = client_as(linked, actor).post(
        f"/api/v1/plans/{linked.plan.pk}/source-changes/{linked.change.pk}/decision/",
        {"decision": "no_change", "reason": "Door 4 is ours too."},
        format="json",
    )
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["status"] == "no_change"
    else:
        assert sources_world() == before


@covers("plan-dependents")
@pytest.mark.parametrize(("actor", "expected"), PARTNER_PLAN_READ)
def test_reading_which_plans_build_on_a_plan(linked, actor, expected):
    response = client_as(linked, actor).get(f"/api/v1/plans/{linked.plan.pk}/dependents/")
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json() == {"plans": [], "others": 0}


def test_the_source_owner_counts_dependents_it_cannot_see(linked):
    response = client_as(linked, "partner_view_member").get(f"/api/v1/plans/{linked.source.pk}/dependents/")
    data = response.json()
    # The police may read the county plan (shared with them), so they see it by title.
    assert [p["title"] for p in data["plans"]] == ["Maple Valley High crisis plan"]
    from plans import services as plan_services

    plan_services.plan_unshare(plan=linked.plan, agency=linked.police, actor=linked.owner_admin)
    data = client_as(linked, "partner_view_member").get(f"/api/v1/plans/{linked.source.pk}/dependents/").json()
    assert data == {"plans": [], "others": 1}


def test_bad_input_is_a_400_with_field_messages(linked):
    client = client_as(linked, "owner_planner")
    assert client.post(_sources_url(linked), {"source_plan": "x"}, format="json").status_code == 400
    hidden = client.post(_sources_url(linked), {"source_plan": 999999}, format="json")
    assert hidden.status_code == 400
    assert "source_plan" in hidden.json()
    wrong_section = client.post(
        _sources_url(linked), {"source_plan": linked.source.pk, "section_key": "nope"}, format="json"
    )
    assert wrong_section.status_code == 400
    decide = f"/api/v1/plans/{linked.plan.pk}/source-changes/{linked.change.pk}/decision/"
    assert client.post(decide, {"decision": "no_change"}, format="json").status_code == 400
    assert client.post(decide, {"decision": "maybe"}, format="json").status_code == 400
    assert client.get(f"/api/v1/plans/{linked.plan.pk}/source-changes/", {"status": "x"}).status_code == 400
    assert client.post(decide, {"decision": "no_change", "reason": "Fine."}, format="json").status_code == 200
    assert client.post(decide, {"decision": "no_change", "reason": "Again."}, format="json").status_code == 409


def test_a_revoked_share_hides_the_source_change_from_the_owner(linked):
    from plans import services as plan_services

    plan_services.plan_unshare(plan=linked.source, agency=linked.district, actor=linked.police_admin)
    client = client_as(linked, "owner_admin")
    assert client.get(f"/api/v1/plans/{linked.plan.pk}/source-changes/").json() == []
    decide = f"/api/v1/plans/{linked.plan.pk}/source-changes/{linked.change.pk}/decision/"
    assert client.post(decide, {"decision": "no_change", "reason": "x"}, format="json").status_code == 404
    [row] = client.get(_sources_url(linked)).json()
    assert (row["state"], row["title"], row["recorded_version"], row["current_version"]) == ("hidden", None, None, None)

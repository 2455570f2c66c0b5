"""The section-level diff, by default against the version the reader last acknowledged."""

from access.plans import plan_access
from plans import services
from tests.conftest import client_for
from tests.plans.factories import publish


def diff(client, plan, number, against=None):
    url = f"/api/v1/plans/{plan.pk}/versions/{number}/diff/"
    return client.get(url, {"against": against} if against is not None else {})


def test_diff_lists_changed_added_removed_and_unchanged_sections(county):
    plan = county.plan
    v1 = county.published
    services.plan_version_update_draft(
        version=county.draft,
        actor=county.owner_planner,
        sections=[
            {"key": "section-1", "title": "Section 1", "body": "Evacuate to the stadium."},
            {"key": "section-3", "title": "Reunification", "body": "Reunify at the church on Elm St."},
        ],
    )
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    response = diff(client_for(county.partner_view_liaison), plan, county.draft.number, against=v1.number)
    assert response.status_code == 200
    body = response.json()
    assert body["against"] == v1.number
    changes = {s["key"]: s["change"] for s in body["sections"]}
    assert changes == {"section-1": "changed", "section-3": "added", "section-2": "removed"}
    changed = next(s for s in body["sections"] if s["key"] == "section-1")
    assert "-Evacuate to the north field." in changed["diff"]
    assert "+Evacuate to the stadium." in changed["diff"]


def test_partner_sees_what_changed_since_the_version_they_last_acknowledged(county):
    plan = county.plan
    liaison = county.partner_view_liaison
    services.plan_version_acknowledge(
        version=county.published, user=liaison, access=plan_access(user=liaison, plan=plan)
    )
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)  # v2
    v3 = publish(plan, county.owner_admin, "Evacuate to the stadium.", "Lockdown: shelter in classrooms.")

    body = diff(client_for(liaison), plan, v3.number).json()
    assert body["against"] == county.published.number
    assert body["against_reason"] == "last_acknowledged"
    # Both sections changed since v1, though only one changed since v2.
    assert [s["change"] for s in body["sections"]] == ["changed", "changed"]

    # An officer of the same agency never acknowledged: the agency's acknowledgement is the baseline.
    officer = diff(client_for(county.partner_view_member), plan, v3.number).json()
    assert officer["against"] == county.published.number
    assert officer["against_reason"] == "agency_acknowledged"

    someone_else = diff(client_for(county.partner_comment_liaison), plan, v3.number).json()
    assert someone_else["against"] == county.draft.number
    assert someone_else["against_reason"] == "previous"


def test_diff_against_a_draft_is_refused_for_partners(county):
    response = diff(client_for(county.partner_view_liaison), county.plan, county.published.number, county.draft.number)
    assert response.status_code == 400
    assert "against" in response.json()


def test_diff_against_a_non_number_is_a_field_error(county):
    response = diff(client_for(county.owner_admin), county.plan, county.published.number, "latest")
    assert response.status_code == 400
    assert "against" in response.json()


def test_first_version_diff_shows_every_section_as_added(county):
    body = diff(client_for(county.owner_admin), county.plan, county.published.number).json()
    assert body["against"] is None
    assert {s["change"] for s in body["sections"]} == {"added"}

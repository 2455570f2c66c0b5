"""The section-level diff, by default against the version the reader last acknowledged."""

from plans import services
from tests.conftest import client_for, web_client
from tests.plans.factories import changed_draft, publish


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
    services.plan_version_acknowledge(version=county.published, actor=liaison)
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


def web_baseline(user, plan, number: int) -> tuple[int | None, str]:
    """The web diff page's default comparison for `number`: the older version's number and the reason shown."""
    response = web_client(user).get(f"/plans/{plan.pk}/diff/", {"to": number})
    assert response.status_code == 200
    old = response.context["old"]
    return (old.number if old else None), response.context["reason"]


def test_a_version_older_than_the_one_you_acknowledged_is_compared_with_its_previous_version_not_the_newer_one(
    county,
):
    """The web page's answer is the right one: "since the version you last acknowledged" only applies when
    that version is older; v2 is never shown as the changes from v3 backwards (the API did that)."""
    plan = county.plan
    liaison = county.partner_view_liaison
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)  # v2
    v3 = publish(plan, county.owner_admin, "Evacuate to the gym.", "Lockdown: shelter in classrooms.")
    services.plan_version_acknowledge(version=v3, actor=liaison)

    body = diff(client_for(liaison), plan, county.draft.number).json()
    assert (body["against"], body["against_reason"]) == (county.published.number, "previous")
    assert web_baseline(liaison, plan, county.draft.number) == (county.published.number, "previous")
    # The officer of the same agency: the agency's acknowledgement of v3 is no baseline for v2 either.
    officer = diff(client_for(county.partner_view_member), plan, county.draft.number).json()
    assert (officer["against"], officer["against_reason"]) == (county.published.number, "previous")


def test_the_default_baseline_is_the_previous_released_version_never_an_abandoned_draft(county):
    """The web page's answer is the right one: an editor's diff of v3 is against v1 (what partners read before),
    not against v2, a draft that was never published (the API compared with any version the reader may see)."""
    plan = county.plan
    # v2 (county.draft) was started from v1 and is never published.
    v3 = changed_draft(plan, county.owner_planner, "Other route: leave by the east doors.")
    services.plan_version_publish(version=v3, actor=county.owner_admin)

    body = diff(client_for(county.owner_admin), plan, v3.number).json()
    assert (body["against"], body["against_reason"]) == (county.published.number, "previous")
    assert web_baseline(county.owner_admin, plan, v3.number) == (county.published.number, "previous")


def test_web_and_api_agree_on_the_baseline_for_every_reader(county):
    """One selector (plans.selectors.version_diff_baseline) answers both, for each kind of reader and version."""
    plan = county.plan
    services.plan_version_acknowledge(version=county.published, actor=county.partner_view_liaison)
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)  # v2
    v3 = publish(plan, county.owner_admin, "Evacuate to the gym.", "Lockdown: shelter in classrooms.")
    services.plan_version_acknowledge(version=v3, actor=county.partner_comment_liaison)
    # The web page words "previous, because you already acknowledged this one" on its own; the API says previous.
    web_words = {"acknowledged_current": "previous", "agency_acknowledged_current": "previous"}
    for user in (county.partner_view_liaison, county.partner_view_member, county.partner_comment_liaison):
        for number in (1, 2, v3.number):
            body = diff(client_for(user), plan, number).json()
            against, reason = web_baseline(user, plan, number)
            assert (body["against"], body["against_reason"] if body["against"] else "previous") == (
                against,
                web_words.get(reason, reason),
            ), (user.username, number)

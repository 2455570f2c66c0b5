"""Issue 13, item 11: the draft editor saves the sections being typed in a few seconds after the writer stops
(POST …/versions/{n}/autosave/, JSON): refused with 409 over someone else's newer save, 400 with messages by
field, and one draft-edit audit row per person per draft per ten minutes however often it saves."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from plans import services
from plans.models import PlanVersion
from tests.conftest import web_client
from tests.permission_matrix import covers, matrix, user_of
from tests.plans.factories import sections


def autosave_url(version: PlanVersion) -> str:
    return f"/plans/{version.plan_id}/versions/{version.number}/autosave/"


def stamp(version: PlanVersion) -> str:
    version.refresh_from_db()
    return version.updated_at.isoformat()


def autosave(client: Client, version: PlanVersion, payload: dict):
    return client.post(autosave_url(version), json.dumps(payload), content_type="application/json")


def bodies(version: PlanVersion) -> list[str]:
    return list(version.sections.order_by("position").values_list("body", flat=True))


def draft_edits(version: PlanVersion) -> int:
    return AuditEvent.objects.filter(
        action=AuditAction.DRAFT_EDIT, object_type="plans.planversion", object_id=str(version.pk)
    ).count()


@covers("plans:draft-autosave")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=302,
        owner_admin=200,
        owner_planner=200,
        owner_liaison=403,
        owner_member=404,
        partner_view_liaison=404,
        partner_view_member=404,
        partner_comment_liaison=404,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_who_may_autosave_a_draft_and_nothing_changes_on_refusal(county, actor, expected):
    before = bodies(county.draft)
    payload = {
        "loaded": stamp(county.draft),
        "sections": [{"key": "section-1", "title": "Section 1", "body": "Evacuate to the gym."}],
    }
    response = autosave(web_client(user_of(county, actor)), county.draft, payload)
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/")
    if expected == 200:
        assert bodies(county.draft) == ["Evacuate to the gym.", before[1]]
    else:
        assert bodies(county.draft) == before


def test_autosave_saves_only_the_sections_sent_and_answers_the_new_stamp_and_time(county):
    client = web_client(county.owner_planner)
    payload = {
        "loaded": stamp(county.draft),
        "change_summary": "Reunification moved to the stadium.",
        "sections": [{"key": "section-2", "title": "Lockdown", "body": "Lock doors.\r\n\r\n- Lights off"}],
    }
    response = autosave(client, county.draft, payload)
    assert response.status_code == 200, response.content
    answer = response.json()
    county.draft.refresh_from_db()
    assert answer["saved"] is True
    assert answer["loaded"] == county.draft.updated_at.isoformat()
    assert answer["saved_at_text"] == timezone.localtime(county.draft.updated_at).strftime("%H:%M")
    assert list(county.draft.sections.order_by("position").values_list("title", "body")) == [
        ("Section 1", "Evacuate to the stadium."),
        ("Lockdown", "Lock doors.\n\n- Lights off"),  # stored as the editor's Save stores it: LF line ends
    ]
    assert county.draft.change_summary == "Reunification moved to the stadium."

    # The answer's stamp is what the next autosave sends: the writer keeps typing without a conflict.
    again = {**payload, "loaded": answer["loaded"], "sections": [{**payload["sections"][0], "body": "Lock doors."}]}
    assert autosave(client, county.draft, again).status_code == 200


def test_an_autosave_over_someone_elses_newer_save_is_refused_with_409_and_keeps_their_text(county):
    opened = stamp(county.draft)
    services.plan_version_update_draft(
        version=county.draft, actor=county.owner_admin, sections=sections("Admin's text.", "Lockdown.")
    )
    response = autosave(
        web_client(county.owner_planner),
        county.draft,
        {"loaded": opened, "sections": [{"key": "section-1", "title": "Section 1", "body": "Planner's text."}]},
    )
    assert response.status_code == 409
    assert response.json()["saved"] is False
    assert "Someone else saved this draft at" in response.json()["message"]
    assert bodies(county.draft) == ["Admin's text.", "Lockdown."]


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"sections": []}, "loaded", "Send the draft's stamp"),
        ({"loaded": "x", "sections": [{"key": "section-1", "title": " ", "body": ""}]}, "sections[0].title", "title"),
        ({"loaded": "x", "sections": [{"key": "no spaces", "title": "T", "body": ""}]}, "sections[0].key", "key"),
        (
            {"loaded": "x", "sections": [{"key": "section-1", "title": "T", "body": "x" * 200_001}]},
            "sections[0].body",
            "",
        ),
        ({"loaded": "x", "sections": "section-1"}, "sections", "list"),
        ({"loaded": "x", "change_summary": "x" * 5001, "sections": []}, "change_summary", ""),
        ([1, 2], "body", "JSON object"),
    ],
)
def test_bad_autosave_input_is_400_with_a_message_by_field_and_saves_nothing(county, payload, field, message):
    before = bodies(county.draft)
    response = autosave(web_client(county.owner_planner), county.draft, payload)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert message in response.json()["message"]
    assert bodies(county.draft) == before


def test_autosave_of_a_section_removed_meanwhile_or_of_a_published_version_is_refused(county):
    client = web_client(county.owner_planner)
    gone = {"loaded": stamp(county.draft), "sections": [{"key": "gone", "title": "Gone", "body": ""}]}
    response = autosave(client, county.draft, gone)
    assert response.status_code == 400
    assert "no longer in this draft" in response.json()["message"]
    assert client.post(autosave_url(county.draft), "{not json", content_type="application/json").status_code == 400

    published = {"loaded": stamp(county.published), "sections": []}
    response = autosave(client, county.published, published)
    assert response.status_code == 409
    assert "cannot be edited" in response.json()["message"]


def test_autosave_needs_the_csrf_token_like_every_form_of_the_editor(county):
    client = Client(enforce_csrf_checks=True)
    client.force_login(county.owner_planner)
    payload = {"loaded": stamp(county.draft), "sections": [{"key": "section-1", "title": "S", "body": "Forged."}]}
    assert autosave(client, county.draft, payload).status_code == 403
    assert bodies(county.draft)[0] == "Evacuate to the stadium."


def test_draft_edit_audit_is_one_row_per_person_per_draft_per_ten_minutes(county, monkeypatch):
    planner, admin = web_client(county.owner_planner), web_client(county.owner_admin)
    before = draft_edits(county.draft)
    for text in ("E", "Ev", "Eva", "Evac"):
        payload = {"loaded": stamp(county.draft), "sections": [{"key": "section-1", "title": "S", "body": text}]}
        assert autosave(planner, county.draft, payload).status_code == 200
    assert draft_edits(county.draft) == before + 1
    row = AuditEvent.objects.filter(action=AuditAction.DRAFT_EDIT).latest("id")
    assert (row.actor, row.details["autosave"], row.details["edited"]) == (county.owner_planner, True, ["sections"])

    # Another person editing the same draft has their own row.
    payload = {"loaded": stamp(county.draft), "sections": [{"key": "section-1", "title": "S", "body": "Admin"}]}
    assert autosave(admin, county.draft, payload).status_code == 200
    assert draft_edits(county.draft) == before + 2

    # Eleven minutes later (the clock moved on) the planner's edits are audited again.
    later = timezone.now() + timedelta(minutes=11)
    monkeypatch.setattr(timezone, "now", lambda: later)
    payload = {"loaded": stamp(county.draft), "sections": [{"key": "section-1", "title": "S", "body": "Later"}]}
    assert autosave(planner, county.draft, payload).status_code == 200
    assert draft_edits(county.draft) == before + 3

    # A save that changes nothing is not an edit.
    assert autosave(planner, county.draft, {**payload, "loaded": stamp(county.draft)}).status_code == 200
    assert draft_edits(county.draft) == before + 3


def test_autosave_queries_do_not_grow_with_the_sections_sent(county, django_assert_max_num_queries):
    rows = [{"key": f"s-{i}", "title": f"Section {i}", "body": ""} for i in range(30)]
    services.plan_version_update_draft(version=county.draft, actor=county.owner_planner, sections=rows)
    client = web_client(county.owner_planner)
    for count in (1, 30):
        edits = [{**row, "body": f"Text {count}"} for row in rows[:count]]
        with django_assert_max_num_queries(16):
            response = autosave(client, county.draft, {"loaded": stamp(county.draft), "sections": edits})
        assert response.status_code == 200

"""What changed between two versions (issue 13, item 4): key facts first, then sections as readable text with the
changes marked, then attachments added and removed; one service (plans.changes) for the page, the API and mail."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consistency.fact_services import facility_facts_set
from plans import services
from plans.changes import changes_summary, published_version_changes, version_changes
from plans.diff_html import markdown_diff
from plans.models import Classification
from tests.conftest import client_for
from tests.plans.change_scenario import NEW_SITE, OLD_SITE, attach, reunification_moved


def test_moving_the_reunification_site_is_a_changed_key_fact(county):
    moved = reunification_moved(county)

    changes = version_changes(old=moved.before, new=moved.after)

    assert [(f.facility_name, f.key, f.change) for f in changes.facts] == [
        ("Maple Valley High", "reunification_site", "changed")
    ]
    fact = changes.facts[0]
    assert fact.label == "Family reunification site"
    assert (fact.before.text, fact.after.text) == (OLD_SITE, NEW_SITE)
    assert [(s.key, s.change) for s in changes.sections] == [
        ("evacuation", "unchanged"),
        ("family-reunification", "changed"),
    ]
    assert [(a.attachment.filename, a.change) for a in changes.attachments] == [
        ("old-map.pdf", "removed"),
        ("reunification-map.pdf", "added"),
    ]


def test_a_carried_over_attachment_and_unchanged_facts_are_not_changes(county):
    moved = reunification_moved(county)
    same = version_changes(old=moved.after, new=moved.after)
    assert (same.facts, same.changed_sections, same.attachments) == ([], [], [])


def test_the_summary_names_what_changed_and_never_a_value_or_a_text(county):
    moved = reunification_moved(county)

    summary = published_version_changes(plan_id=county.plan.pk, number=moved.after.number)

    assert summary == {
        "against": moved.before.number,
        "facts": [{"label": "Family reunification site", "facility": "Maple Valley High", "change": "changed"}],
        "sections": {"changed": ["Family reunification"], "added": [], "removed": []},
        "attachments": {
            "added": ["reunification-map.pdf"],
            "removed": ["old-map.pdf"],
            "added_count": 1,
            "removed_count": 1,
        },
    }
    assert summary == changes_summary(version_changes(old=moved.before, new=moved.after))
    assert NEW_SITE not in str(summary)
    assert "Fairbrook" not in str(summary)


def test_a_sensitive_plans_summary_keeps_no_file_names(county):
    services.plan_update(
        plan=county.plan, actor=county.owner_admin, classification=Classification.LAW_ENFORCEMENT_SENSITIVE
    )
    moved = reunification_moved(county)

    summary = published_version_changes(plan_id=county.plan.pk, number=moved.after.number)

    assert summary is not None
    assert summary["attachments"] == {"added": [], "removed": [], "added_count": 1, "removed_count": 1}
    assert summary["sections"]["changed"] == ["Family reunification"]
    assert "map.pdf" not in str(summary)


def test_a_first_version_or_a_draft_has_no_published_summary(county):
    assert published_version_changes(plan_id=county.plan.pk, number=county.published.number) is None
    assert published_version_changes(plan_id=county.plan.pk, number=county.draft.number) is None


# --- sections as people read them ------------------------------------------------------------------------------


def test_a_section_change_is_rendered_markdown_with_the_changed_words_marked():
    html = str(
        markdown_diff(
            "Parents go to the **Lincoln gym**.\n\n- Bring ID\n- Sign out",
            "Parents go to the **Fairbrook Recreation Center**.\n\n- Bring ID\n- Sign out\n- Wait",
        )
    )
    assert "**" not in html
    assert "<strong>" in html
    assert re.search(r"<del>\s*<strong>Lincoln gym</strong>", html)
    assert re.search(r"<ins>\s*<strong>Fairbrook Recreation Center</strong>", html)
    assert html.index("<del>") < html.index("<ins>")  # the old words first
    assert "<li>Bring ID</li>" in html
    assert "<li><ins>Wait</ins></li>" in html


def test_a_changed_table_stays_a_table_with_its_columns_and_marks_rows_and_cells():
    old = "| Role | Who |\n| --- | --- |\n| Lead | Principal |\n| Check-in | Office |\n"
    new = "| Role | Who |\n| --- | --- |\n| Lead | Assistant principal |\n| Check-in | Office |\n| Medical | Nurse |\n"
    html = str(markdown_diff(old, new))
    assert "|" not in html
    assert html.count("<table>") == 1
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)
    assert [len(re.findall(r"<t[hd][ >]", row)) for row in rows] == [2, 2, 2, 2]  # never an extra column
    assert "<del>Principal</del> <ins>Assistant principal</ins>" in html
    assert '<tr class="diff-row--added"><td><ins>Medical</ins></td><td><ins>Nurse</ins></td></tr>' in html


def test_added_and_removed_sections_are_marked_whole():
    assert str(markdown_diff("", "New **text**.")) == "<p><ins>New <strong>text</strong>.</ins></p>"
    assert str(markdown_diff("Old text.", "")).strip() == "<p><del>Old text.</del></p>"


@pytest.mark.parametrize(
    "evil",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="#" onclick="alert(1)">x</a>',
        "<ins onmouseover=alert(1)>x</ins>",
        '<tr class="diff-row--added evil"><td>x</td></tr>',
    ],
)
def test_the_marked_text_is_sanitized(evil):
    for old, new in ((evil, "Plain."), ("Plain.", evil), (evil, evil + " more")):
        html = str(markdown_diff(old, new))
        for forbidden in ("<script", "onerror", "javascript:", "onclick", "onmouseover", "<img", "evil"):
            assert forbidden not in html.lower(), (old, new, html)


# --- the API says the same ------------------------------------------------------------------------------------


def test_the_api_diff_lists_changed_key_facts_and_attachments(county):
    moved = reunification_moved(county)

    response = client_for(county.partner_view_liaison).get(
        f"/api/v1/plans/{county.plan.pk}/versions/{moved.after.number}/diff/", {"against": moved.before.number}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["facts"] == [
        {
            "facility": county.school.pk,
            "facility_name": "Maple Valley High",
            "key": "reunification_site",
            "label": "Family reunification site",
            "change": "changed",
            "before": {"text": OLD_SITE, "latitude": None, "longitude": None},
            "after": {"text": NEW_SITE, "latitude": 41.8801, "longitude": -87.6301},
        }
    ]
    assert [(a["change"], a["filename"]) for a in body["attachments"]] == [
        ("removed", "old-map.pdf"),
        ("added", "reunification-map.pdf"),
    ]
    added = body["attachments"][1]
    assert added["size"] > 2048
    assert added["download_url"].endswith(
        f"/api/v1/plans/{county.plan.pk}/versions/{moved.after.number}/attachments/{added['id']}/download/"
    )
    assert [s["change"] for s in body["sections"]] == ["unchanged", "changed"]


def test_the_api_diff_makes_as_many_queries_for_many_changes_as_for_one(county, django_assert_max_num_queries):
    moved = reunification_moved(county)
    client = client_for(county.partner_view_liaison)
    url = f"/api/v1/plans/{county.plan.pk}/versions/{moved.after.number}/diff/"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    few = len(queries)

    many = services.plan_version_create_draft(
        plan=county.plan,
        actor=county.owner_planner,
        sections=[{"key": f"s{i}", "title": f"Section {i}", "body": f"Step {i}: **act**."} for i in range(30)],
    )
    facility_facts_set(
        version=many,
        facility=county.school,
        facts={"command_post": "Front office", "staging_area": "Lot B", "knox_box": "North door"},
        actor=county.owner_planner,
    )
    for i in range(6):
        attach(many, county.owner_planner, f"map-{i}.pdf", size=i)
    services.plan_version_publish(version=many, actor=county.owner_admin)
    with django_assert_max_num_queries(few):
        response = client.get(f"/api/v1/plans/{county.plan.pk}/versions/{many.number}/diff/")
    assert response.status_code == 200
    body = response.json()
    assert (len(body["facts"]), len(body["sections"]), len(body["attachments"])) == (5, 32, 6)

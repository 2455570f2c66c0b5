"""Choosing the section an area for improvement concerns: the finding form offers the sections of the chosen
plan's current version (an htmx fragment fetched when the plan changes, and the same list server-side when the
form comes back); a section that is not one of them, or a section without a plan, is a 400 naming the field."""

import re

import pytest

from exercises.models import Finding
from plans.services import plan_version_create_draft
from tests.conftest import client_for, web_client
from tests.exercises.helpers import conducted_drill
from tests.permission_matrix import covers, matrix, user_of
from tests.plans.factories import make_plan, publish


def _options(html: str) -> list[tuple[str, str]]:
    picker = html[html.index('id="finding-section"') :]
    picker = picker[: picker.index("</select>")]
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', picker)


def test_the_picker_offers_the_sections_of_the_chosen_plans_current_version(county):
    exercise = conducted_drill(county)
    browser = web_client(county.owner_admin)
    url = f"/exercises/{exercise.pk}/report/sections/"
    fragment = browser.get(url, {"plan": county.plan.pk})
    assert fragment.status_code == 200
    # The draft (county.draft) has the same sections; a section only a draft has is never offered.
    assert _options(fragment.content.decode()) == [("", "—"), ("section-1", "Section 1"), ("section-2", "Section 2")]
    theirs = make_plan(owner=county.unrelated, actor=county.unrelated_admin, title="Sheriff plan")
    publish(theirs, county.unrelated_admin, "Not yours.")
    assert _options(browser.get(url, {"plan": theirs.pk}).content.decode()) == [("", "—")]
    assert _options(browser.get(url, {"plan": "x"}).content.decode()) == [("", "—")]
    page = browser.get(f"/exercises/{exercise.pk}/report/").content.decode()
    assert f'hx-get="{url}"' in page
    assert _options(page) == [("", "—")]  # no plan chosen yet


@covers("exercises:finding-sections")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=302,
        owner_admin=200,
        owner_planner=403,
        owner_liaison=200,
        owner_member=403,
        partner_view_liaison=404,  # the draft report is the lead's own
        partner_view_member=404,
        partner_comment_liaison=404,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_only_the_reports_writers_fetch_the_picker(county, actor, expected):
    exercise = conducted_drill(county)
    browser = web_client(user_of(county, actor))
    response = browser.get(f"/exercises/{exercise.pk}/report/sections/", {"plan": county.plan.pk})
    assert response.status_code == expected


def test_a_section_the_plan_does_not_have_is_a_400_naming_the_field(county):
    exercise = conducted_drill(county)
    browser = web_client(county.owner_admin)
    url = f"/exercises/{exercise.pk}/report/findings/"
    finding = {"kind": "improvement", "text": "Slow reunification."}
    wrong = browser.post(url, {**finding, "plan": county.plan.pk, "section_key": "section-9"})
    assert wrong.status_code == 400
    html = wrong.content.decode()
    assert "Select a valid choice. section-9 is not one of the available choices." in html
    # The form comes back with the picker filled for the plan that was chosen.
    assert ("section-2", "Section 2") in _options(html)
    no_plan = browser.post(url, {**finding, "section_key": "section-1"})
    assert no_plan.status_code == 400
    assert Finding.objects.count() == 0
    right = browser.post(url, {**finding, "plan": county.plan.pk, "section_key": "section-2"})
    assert right.status_code == 302
    assert Finding.objects.get().section_title == "Section 2"


def test_the_api_refuses_a_section_of_no_current_version_with_a_field_message(county):
    exercise = conducted_drill(county)
    unpublished = make_plan(owner=county.district, actor=county.owner_admin, title="New annex")
    plan_version_create_draft(
        plan=unpublished,
        actor=county.owner_admin,
        change_summary="First draft",
        sections=[{"key": "annex", "title": "Annex", "body": "Draft only."}],
    )
    client = client_for(county.owner_admin)
    url = f"/api/v1/exercises/{exercise.pk}/report/findings/"
    for plan, section in [(unpublished.pk, "annex"), (county.plan.pk, "section-9"), (None, "section-1")]:
        kind = "strength" if plan is None else "improvement"  # an area for improvement without a plan names "plan"
        body = {"kind": kind, "text": "Slow.", "plan": plan, "section_key": section}
        response = client.post(url, body, format="json")
        assert response.status_code == 400, (plan, section)
        assert set(response.json()) == {"section_key"}
    assert Finding.objects.count() == 0

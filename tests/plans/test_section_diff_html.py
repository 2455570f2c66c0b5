"""The changes between two released versions' sections are compared once and stored per pair of sections; "What
changed" shows the stored comparison from then on. A draft's changes are compared on every view and never stored,
and the stored comparisons never reach anyone who could not see the versions compared."""

import re

import pytest

from agencies.models import Agency
from plans import section_diff_html
from plans.diff_html import html_diff
from plans.models import Classification, Plan, PlanVersion, Section, SectionDiffHtml
from plans.section_diff_html import RENDERER
from plans.section_html import section_body_html
from tests.conftest import web_client
from tests.plans.factories import publish

MARKER = "<p>Compared once, shown from storage</p>"
_MARKED = re.compile(r'<div class="section__body diff-rendered"[^>]*>(.*?)</div>\n</section>', re.S)


def _newer(county) -> PlanVersion:
    return publish(county.plan, county.owner_admin, "Evacuate to the **stadium**.", "Lockdown: lock doors, lights on.")


def _url(county, old: PlanVersion, new: PlanVersion) -> str:
    return f"/plans/{county.plan.pk}/diff/?from={old.number}&to={new.number}"


def _marked(page: str) -> list[str]:
    return _MARKED.findall(page)


def _computed(old: PlanVersion, new: PlanVersion) -> dict[tuple[int, int], str]:
    """What each pair of sections compares to, computed here from the two bodies."""
    before = {s.key: s for s in Section.objects.filter(version=old)}

    def html(section: Section) -> str:
        return str(section_body_html(section.body))

    return {
        (before[s.key].pk, s.pk): str(html_diff(html(before[s.key]), html(s)))
        for s in Section.objects.filter(version=new)
        if s.body != before[s.key].body
    }


def _stored() -> dict[tuple[int, int], str]:
    return {
        (before, after): html
        for before, after, html in SectionDiffHtml.objects.values_list("before_id", "after_id", "html")
    }


def test_the_first_view_stores_each_changed_pair_as_computed_and_later_views_show_the_same(county):
    newer = _newer(county)
    client = web_client(county.partner_view_member)
    first = client.get(_url(county, county.published, newer)).content.decode()
    assert _stored() == _computed(county.published, newer)
    assert set(SectionDiffHtml.objects.values_list("renderer", flat=True)) == {RENDERER}
    again = client.get(_url(county, county.published, newer)).content.decode()
    assert _marked(again) == _marked(first)
    assert len(_marked(first)) == 2
    assert "<del>off.</del> <ins>on.</ins>" in first


def test_the_page_shows_the_stored_comparison(county):
    newer = _newer(county)
    client = web_client(county.partner_view_member)
    client.get(_url(county, county.published, newer))
    SectionDiffHtml.objects.update(html=MARKER)
    page = client.get(_url(county, county.published, newer)).content.decode()
    assert page.count(MARKER) == 2


def test_a_comparison_stored_by_other_code_counts_as_missing(county):
    newer = _newer(county)
    client = web_client(county.partner_view_member)
    client.get(_url(county, county.published, newer))
    SectionDiffHtml.objects.update(renderer="old-renderer", html=MARKER)
    page = client.get(_url(county, county.published, newer)).content.decode()
    assert MARKER not in page
    assert _stored() == _computed(county.published, newer)
    assert set(SectionDiffHtml.objects.values_list("renderer", flat=True)) == {RENDERER}


def test_the_reverse_comparison_is_its_own_pair(county):
    newer = _newer(county)
    client = web_client(county.partner_view_member)
    client.get(_url(county, county.published, newer))
    page = client.get(_url(county, newer, county.published)).content.decode()
    assert "<del>on.</del> <ins>off.</ins>" in page
    assert len(_stored()) == 4


def test_a_drafts_changes_are_compared_on_every_view_and_never_stored(county):
    client = web_client(county.owner_planner)
    page = client.get(_url(county, county.published, county.draft)).content.decode()
    assert re.search(r"<ins>[^<]*stadium", page)
    assert not SectionDiffHtml.objects.exists()


def test_the_stored_comparisons_reach_no_one_who_may_not_see_the_versions(county):
    newer = _newer(county)
    web_client(county.partner_view_member).get(_url(county, county.published, newer))
    SectionDiffHtml.objects.update(html=MARKER)
    # The unrelated agency: the plan does not exist for it, stored comparisons or not.
    response = web_client(county.unrelated_admin).get(_url(county, county.published, newer))
    assert response.status_code == 404
    assert MARKER.encode() not in response.content
    # A partner cannot compare with the draft (nothing of it is stored, and the page is a 404 as before).
    response = web_client(county.partner_view_member).get(_url(county, county.published, county.draft))
    assert response.status_code == 404
    # A sensitive plan without the second factor its reader's agency requires: refused, nothing stored shown.
    Plan.objects.filter(pk=county.plan.pk).update(classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    Agency.objects.filter(pk=county.district.pk).update(les_read_requires_mfa=True)
    response = web_client(county.partner_view_member).get(_url(county, county.published, newer))
    assert response.status_code == 403
    assert MARKER.encode() not in response.content


@pytest.mark.parametrize("name", ["REVISION", "SECTION_RENDERER"])
def test_the_fingerprint_follows_the_diff_code_and_the_section_renderer(monkeypatch, name):
    before = section_diff_html._fingerprint()
    value = getattr(section_diff_html, name)
    monkeypatch.setattr(section_diff_html, name, value + 1 if isinstance(value, int) else f"{value}-other")
    assert section_diff_html._fingerprint() != before

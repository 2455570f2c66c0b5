"""A released version's sections are rendered from Markdown once, when it is published, and every page shows the
stored HTML from then on: the plan page, the version, the print copy, the exports and "What changed". Drafts are
rendered on every view; a released section without HTML from the running renderer is rendered and stored on the
spot, and `manage.py plans_render_sections` fills in the rest."""

import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency
from plans import section_html
from plans.models import Classification, Plan, Section, SectionHtml, ShareLevel, VersionState
from plans.section_html import RENDERER, section_body_html
from plans.services import plan_share
from portal import markdown
from tests.conftest import client_for, web_client
from tests.plans.factories import changed_draft, make_plan, publish

MARKER = "<p>Shown from storage</p>"
BODY = "# Steps\n\n**Lock** the doors.<script>alert(1)</script>\n\n- Lights off\n- Stay quiet\n\n[map](https://example.org/m)"


def stored_of(version) -> dict[int, tuple[str, str]]:
    return dict(
        (section_id, (renderer, html))
        for section_id, renderer, html in SectionHtml.objects.filter(section__version=version).values_list(
            "section_id", "renderer", "html"
        )
    )


def computed_of(version) -> dict[int, tuple[str, str]]:
    return {s.pk: (RENDERER, str(section_body_html(s.body))) for s in Section.objects.filter(version=version)}


def mark_stored(version) -> None:
    """Change the stored HTML in the database directly: a page that shows MARKER did not render again."""
    SectionHtml.objects.filter(section__version=version).update(html=MARKER)


def test_publishing_through_the_service_stores_every_section_as_computed(county):
    version = publish(county.plan, county.owner_admin, BODY, "Evacuate to the *north* field.")
    stored = stored_of(version)
    assert stored == computed_of(version)
    assert len(stored) == 2
    html = next(html for _, html in stored.values() if "Lock" in html)
    assert "<h3>Steps</h3>" in html
    assert "<strong>Lock</strong>" in html
    assert "<script>" not in html


def test_publishing_through_the_web_page_stores_the_html(county):
    response = web_client(county.owner_admin).post(f"/plans/{county.plan.pk}/versions/{county.draft.number}/publish/")
    assert response.status_code == 302
    assert stored_of(county.draft) == computed_of(county.draft) != {}


def test_publishing_through_the_api_stores_the_html(county):
    response = client_for(county.owner_admin).post(
        f"/api/v1/plans/{county.plan.pk}/versions/{county.draft.number}/publish/"
    )
    assert response.status_code == 200, response.content
    assert stored_of(county.draft) == computed_of(county.draft) != {}


def test_a_draft_is_never_stored_and_shows_its_latest_text(county):
    assert stored_of(county.draft) == {}
    client = web_client(county.owner_planner)
    page = client.get(f"/plans/{county.plan.pk}/versions/{county.draft.number}/").content.decode()
    assert "Evacuate to the stadium." in page
    assert stored_of(county.draft) == {}


@pytest.mark.parametrize(
    "path",
    ["/plans/{plan}/", "/plans/{plan}/versions/{number}/", "/plans/{plan}/print/"],
    ids=["plan page", "version detail", "print"],
)
def test_the_pages_show_the_stored_html(county, path):
    mark_stored(county.published)
    page = web_client(county.partner_view_member).get(path.format(plan=county.plan.pk, number=1)).content.decode()
    assert page.count(MARKER) == 2
    assert "Evacuate to the north field." not in page


def test_the_word_export_is_made_from_the_stored_html(county):
    mark_stored(county.published)
    response = web_client(county.partner_view_member).get(f"/plans/{county.plan.pk}/versions/1/export.docx")
    assert response.status_code == 200
    document = zipfile.ZipFile(io.BytesIO(response.content)).read("word/document.xml").decode()
    assert "Shown from storage" in document
    assert "Evacuate to the north field." not in document


def test_what_changed_compares_the_stored_html_of_both_versions(county):
    newer = publish(county.plan, county.owner_admin, "Evacuate to the stadium.", "Lockdown: lock doors, lights off.")
    first = Section.objects.get(version=newer, position=0)
    SectionHtml.objects.filter(section=first).update(html="<p>Evacuate to the stored stadium.</p>")
    url = f"/plans/{county.plan.pk}/diff/?from=1&to={newer.number}"
    page = web_client(county.partner_view_member).get(url).content.decode()
    # Only the stored HTML says "stored": it was compared, not the Markdown rendered again.
    assert re.search(r"<ins>[^<]*stored", page), page
    assert re.search(r"<del>[^<]*north", page)


def test_a_released_section_without_stored_html_is_rendered_and_stored_on_first_view(county):
    SectionHtml.objects.filter(section__version=county.published).delete()
    page = web_client(county.partner_view_member).get(f"/plans/{county.plan.pk}/").content.decode()
    assert "Evacuate to the north field." in page
    assert stored_of(county.published) == computed_of(county.published)


def test_html_from_another_renderer_counts_as_missing(county):
    SectionHtml.objects.filter(section__version=county.published).update(renderer="old-renderer", html=MARKER)
    page = web_client(county.partner_view_member).get(f"/plans/{county.plan.pk}/").content.decode()
    assert MARKER not in page
    assert "Evacuate to the north field." in page
    assert stored_of(county.published) == computed_of(county.published)


def test_the_renderer_fingerprint_follows_the_sanitizer_settings(monkeypatch):
    before = section_html._fingerprint()
    monkeypatch.setattr(markdown, "ALLOWED_TAGS", markdown.ALLOWED_TAGS | {"img"})
    assert section_html._fingerprint() != before
    monkeypatch.setattr(section_html, "REVISION", section_html.REVISION + 1)
    assert section_html._fingerprint() != before


def test_a_sensitive_plans_stored_html_is_still_withheld_without_a_second_factor(county):
    Plan.objects.filter(pk=county.plan.pk).update(classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    Agency.objects.filter(pk=county.district.pk).update(les_read_requires_mfa=True)
    mark_stored(county.published)
    client = web_client(county.partner_view_member)
    for path in (
        f"/plans/{county.plan.pk}/",
        f"/plans/{county.plan.pk}/versions/1/",
        f"/plans/{county.plan.pk}/print/",
    ):
        response = client.get(path)
        assert response.status_code == 403, path
        assert MARKER.encode() not in response.content
    # The unrelated agency never learns the plan exists, stored HTML or not.
    assert web_client(county.unrelated_admin).get(f"/plans/{county.plan.pk}/").status_code == 404


def test_partners_still_cannot_read_a_draft_through_its_sections(county):
    response = web_client(county.partner_view_member).get(f"/plans/{county.plan.pk}/versions/{county.draft.number}/")
    assert response.status_code == 404


def _plan_with_sections(county, count: int) -> Plan:
    plan = make_plan(owner=county.district, actor=county.owner_admin, title=f"Plan of {count} sections")
    publish(
        plan, county.owner_admin, *(f"Step {i}: **act** at the [map](https://example.org/{i})." for i in range(count))
    )
    plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=county.owner_admin)
    return plan


def _queries(django_assert_max_num_queries, client, url: str, most: int) -> None:
    with django_assert_max_num_queries(most):
        assert client.get(url).status_code == 200


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/plans/{plan}/", "/plans/{plan}/versions/1/", "/plans/{plan}/print/"])
def test_pages_take_the_same_queries_for_2_or_30_sections_stored_or_not(county, django_assert_max_num_queries, path):
    few, many = _plan_with_sections(county, 2), _plan_with_sections(county, 30)
    client = web_client(county.partner_view_member)
    client.get(path.format(plan=few.pk))  # sessions and caches warm
    stored = _count(client, path.format(plan=few.pk))
    _queries(django_assert_max_num_queries, client, path.format(plan=many.pk), stored)
    # Missing: one statement stores them all (plus its savepoint), however many there are.
    SectionHtml.objects.filter(section__version__plan__in=[few, many]).delete()
    missing = _count(client, path.format(plan=few.pk))
    assert missing <= stored + 3
    _queries(django_assert_max_num_queries, client, path.format(plan=many.pk), missing)
    assert stored_of(many.current_version) == computed_of(many.current_version)


def test_what_changed_takes_the_same_queries_for_2_or_30_changed_sections(county, django_assert_max_num_queries):
    def plan_changed(count: int) -> Plan:
        plan = _plan_with_sections(county, count)
        publish(plan, county.owner_admin, *(f"Step {i}: **act** at once." for i in range(count)))
        return plan

    few, many = plan_changed(2), plan_changed(30)
    client = web_client(county.partner_view_member)
    # The first view compares and stores the changes (plans/section_diff_html.py): one statement for them all.
    first = _count(client, f"/plans/{few.pk}/diff/?from=1&to=2")
    _queries(django_assert_max_num_queries, client, f"/plans/{many.pk}/diff/?from=1&to=2", first)
    stored = _count(client, f"/plans/{few.pk}/diff/?from=1&to=2")
    assert stored < first
    _queries(django_assert_max_num_queries, client, f"/plans/{many.pk}/diff/?from=1&to=2", stored)


def test_the_backfill_command_fills_missing_and_stale_rows_and_never_drafts(county):
    newer = publish(county.plan, county.owner_admin, BODY, "Lockdown: lock doors, lights off.")
    later_draft = changed_draft(county.plan, county.owner_planner)
    SectionHtml.objects.filter(section__version=county.published).delete()
    SectionHtml.objects.filter(section__version=newer).update(renderer="old-renderer", html=MARKER)
    out = io.StringIO()
    call_command("plans_render_sections", "--batch", "1", stdout=out)
    assert "4 section(s) rendered and stored" in out.getvalue()
    assert stored_of(county.published) == computed_of(county.published)
    assert stored_of(newer) == computed_of(newer)
    assert stored_of(later_draft) == {}
    assert later_draft.state == VersionState.DRAFT
    out = io.StringIO()
    call_command("plans_render_sections", stdout=out)
    assert "0 section(s) rendered" in out.getvalue()

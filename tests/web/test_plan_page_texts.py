"""Issue 13, item 7: what the plan pages say is true, and they say nothing empty.

- "Start a new draft" told planners attachments are not copied; they are (with the sections and key facts).
- Every section carried an empty "Comments on this section" heading for readers who may not comment.
- Every plan header said "0 open change requests".
"""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from access.actors import SYSTEM
from consistency.fact_services import facility_facts_set
from plans import services
from plans.models import Classification
from tests.conftest import web_client
from tests.permission_matrix import OWNERS, PARTNERS, user_of
from tests.plans.factories import make_plan, publish
from tests.reviews.helpers import post

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
READERS = sorted(OWNERS | PARTNERS)


def page(county, actor: str, url: str) -> str:
    response = web_client(user_of(county, actor)).get(url)
    assert response.status_code == 200, (actor, response.status_code)
    return response.content.decode()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def header_of(html: str) -> str:
    return html.split('<div class="page-header">', 1)[1].split('<nav class="jump-links', 1)[0]


def section_html(html: str, key: str) -> str:
    return html.split(f'id="section-{key}"', 1)[1].split("</section>", 1)[0]


# --- "Start a new draft" says what is carried over -------------------------------------------------------------


def test_start_a_new_draft_says_attachments_and_key_facts_are_carried_over_and_they_are(county):
    services.attachment_add(
        version=county.draft,
        actor=county.owner_planner,
        upload=SimpleUploadedFile("site-map.pdf", PDF, content_type="application/pdf"),
        max_bytes=10_000,
    )
    facility_facts_set(
        version=county.draft, facility=county.school, facts={"radio_channel": "Fire Tac 3"}, actor=SYSTEM
    )
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    url = f"/plans/{county.plan.pk}/drafts/new/"

    words = text_of(page(county, "owner_planner", url))

    assert "not copied" not in words
    assert "a copy of the current version, v2: its sections, its attachments and the key facts" in words
    response = web_client(county.owner_planner).post(url)
    assert response.status_code == 302
    new = county.plan.versions.get(number=3)
    assert [s.body for s in new.sections.order_by("position")] == [
        "Evacuate to the stadium.",
        "Lockdown: lock doors, lights off.",
    ]
    assert list(new.attachments.values_list("filename", flat=True)) == ["site-map.pdf"]
    assert list(new.facility_facts.values_list("key", "text")) == [("radio_channel", "Fire Tac 3")]
    assert new.change_summary == ""


def test_a_first_draft_says_it_starts_from_the_standard_sections(county):
    plan = make_plan(owner=county.district, actor=county.owner_admin, title="Bus routes")
    words = text_of(page(county, "owner_planner", f"/plans/{plan.pk}/drafts/new/"))
    assert "starts with the standard sections for a school emergency operations plan" in words
    assert "not copied" not in words
    assert "carried over" not in words  # nothing to carry over from


# --- No empty comment headings ------------------------------------------------------------------------------


def test_readers_who_may_not_comment_see_no_empty_comment_headings(county):
    for actor in ("partner_view_liaison", "partner_view_member"):
        html = page(county, actor, f"/plans/{county.plan.pk}/")
        assert "Comments on this section" not in html, actor
        assert 'id="comments-heading"' not in html, actor
        assert 'href="#comments"' not in html, actor
        version = page(county, actor, f"/plans/{county.plan.pk}/versions/1/")
        assert "Comments on this section" not in version, actor


def test_a_section_with_comments_shows_them_to_every_reader_and_only_there(county):
    post(county.partner_comment_liaison, county.published, body="Stage at lot B.", section_key="section-1")
    html = page(county, "partner_view_member", f"/plans/{county.plan.pk}/")
    first, second = section_html(html, "section-1"), section_html(html, "section-2")
    assert "Comments on this section" in first
    assert "Stage at lot B." in first
    assert "Comments on this section" not in second
    # The version-wide panel counts every thread, so it is there to say where they are.
    assert 'id="comments-heading"' in html


def test_readers_who_may_comment_keep_the_heading_and_the_form_under_every_section(county):
    for actor in ("owner_member", "partner_comment_liaison"):
        html = page(county, actor, f"/plans/{county.plan.pk}/")
        for key in ("section-1", "section-2"):
            assert "Comments on this section" in section_html(html, key), (actor, key)
        assert 'id="comments-heading"' in html


# --- The header counts open change requests only when there are some -------------------------------------------


def test_no_plan_header_says_zero_open_change_requests(county):
    for actor in READERS:
        header = text_of(header_of(page(county, actor, f"/plans/{county.plan.pk}/")))
        assert "open change request" not in header, actor
        assert "0 open" not in header, actor


def test_the_header_counts_open_change_requests_for_every_reader_of_comments(county):
    post(county.partner_comment_liaison, county.published, body="Move staging.", is_change_request=True)
    for actor in READERS:
        header = header_of(page(county, actor, f"/plans/{county.plan.pk}/"))
        assert "1 open change request" in text_of(header), actor
        assert 'href="#change-requests"' in header, actor
    public = make_plan(owner=county.district, actor=county.owner_admin, classification=Classification.PUBLIC)
    publish(public, county.owner_admin, "Shelter in the gym.")
    assert "open change request" not in header_of(page(county, "unrelated_admin", f"/plans/{public.pk}/"))

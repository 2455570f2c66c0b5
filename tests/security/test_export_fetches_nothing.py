"""Issue 13, item 13: an export never makes the server fetch anything (SSRF). Plan text is written by any editor of
any agency; an image, stylesheet or link address in it must not become a request from Concord's network, nor a
read of a local file. WeasyPrint loads resources only through plans/export/fetcher.py, which serves Concord's own
static files and refuses everything else. A receiver on 127.0.0.1 counts every connection it gets."""

from dataclasses import replace

import pytest
from django.utils.safestring import mark_safe

from access.plans import plan_access
from plans import services
from plans.export.document import ExportSection, export_document
from plans.export.fetcher import ExportFetchRefusedError, StaticOnlyFetcher
from plans.export.pdf import render_pdf
from tests.conftest import client_for
from tests.notifications.webhook_receiver import running_receiver
from tests.plans.export_helpers import pdf_pages


@pytest.fixture
def receiver():
    with running_receiver() as receiver:
        yield receiver


def _markdown_with_addresses(base: str) -> str:
    return (
        f"![Floor plan]({base}/floor-plan.png)\n\n"
        f'<img src="{base}/raw.png">\n\n'
        f"[Family guide]({base}/guide)\n\n"
        f"<link rel=stylesheet href='{base}/style.css'>\n\n"
        "Evacuate to the north field."
    )


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_image_and_link_addresses_in_a_section_make_no_request(county, receiver, fmt):
    base = f"http://127.0.0.1:{receiver.port}"
    draft = services.plan_version_create_draft(
        plan=county.plan,
        actor=county.owner_planner,
        change_summary="With a floor plan",
        sections=[{"key": "site", "title": "Site", "body": _markdown_with_addresses(base)}],
    )
    response = client_for(county.owner_planner).get(
        f"/api/v1/plans/{county.plan.pk}/versions/{draft.number}/export.{fmt}"
    )
    assert response.status_code == 200
    assert receiver.connections == 0
    assert receiver.requests == []
    if fmt == "pdf":
        assert "Evacuate to the north field." in pdf_pages(response.content)[0]


def test_the_renderer_refuses_every_outside_resource_even_in_html_that_got_past_the_sanitizer(county, receiver):
    """Defence in depth: were the Markdown sanitizer ever to let an <img>, a style or a stylesheet through, the
    layout still loads none of them (and no local file either), and the copy is still made."""
    base = f"http://127.0.0.1:{receiver.port}"
    access = plan_access(user=county.owner_admin, plan=county.plan)
    document = export_document(
        version=county.published, access=access, reader_name="Test", now=county.published.published_at
    )
    hostile = mark_safe(  # noqa: S308 — deliberately unsanitized: what a sanitizer bug would let through
        f'<img src="{base}/img.png"><img src="file:///etc/passwd">'
        f'<div style="background: url({base}/bg.png)">Styled</div>'
        f'<style>@import url("{base}/import.css"); p {{ background: url("{base}/p.png") }}</style>'
        f'<svg><image href="{base}/svg.png"/></svg>'
        f'<iframe src="{base}/frame"></iframe><object data="{base}/object"></object>'
        "<p>Still here.</p>"
    )
    pdf = render_pdf(replace(document, sections=[ExportSection(number=1, title="Hostile", html=hostile)]))
    assert "Still here." in " ".join(pdf_pages(pdf))
    assert receiver.connections == 0
    assert b"root:" not in pdf


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "https://example.org/x.png",
        "ftp://example.org/x",
        "file:///etc/passwd",
        "data:image/png;base64,iVBORw0KGgo=",
        "concord-static:../../portal/settings/base.py",
        "concord-static:/etc/passwd",
        "concord-static:plans/../../manage.py",
        "concord-static:plans/no-such-file.css",
        "/static/plans/export.css",
    ],
)
def test_the_fetcher_refuses_anything_but_a_static_file(url):
    fetcher = StaticOnlyFetcher()
    with pytest.raises(ExportFetchRefusedError):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_the_fetcher_serves_the_apps_own_static_files():
    response = StaticOnlyFetcher().fetch("concord-static:plans/export.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()

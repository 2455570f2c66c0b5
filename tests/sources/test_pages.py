"""The sources on web pages: the plan page says what the current version was written against and which source
moved on; the review page shows the source's diff and takes the decisions; the editor shows the pending change
beside its section; the agency picture and the dashboard count what changed."""

from audit.models import AuditAction, AuditEvent
from plans import services as plan_services
from sources.models import PlanSource, SourceChange, SourceChangeStatus
from tests.conftest import web_client
from tests.dashboard import dashboard_html
from tests.plans.factories import make_plan
from tests.sources.scene import school_publishes


def _text(response) -> str:
    return text_of(response.content.decode())


def text_of(html: str) -> str:
    return " ".join(html.split())


def test_the_plan_page_says_which_version_it_was_written_against(built):
    page = _text(web_client(built.police_planner).get(f"/plans/{built.plan.pk}/"))
    assert "Written against" in page
    assert "Maple Valley High crisis plan v1" in page
    assert "All sources are current." in page


def test_the_plan_page_says_a_source_moved_on_and_links_the_review(built, county):
    school_publishes(county)
    change = SourceChange.objects.get()
    page = _text(web_client(built.police_planner).get(f"/plans/{built.plan.pk}/"))
    assert "1 of 1 source changed since this plan's last version." in page
    assert "Maple Valley High crisis plan is now at v2 — review pending" in page
    assert f"/plans/{built.plan.pk}/source-changes/{change.pk}/" in page


def test_the_review_page_shows_the_sources_diff_and_records_no_change(built, county):
    school_publishes(county)
    change = SourceChange.objects.get()
    client = web_client(built.police_planner)
    page = _text(client.get(f"/plans/{built.plan.pk}/source-changes/{change.pk}/"))
    assert "Maple Valley High crisis plan is now at v2" in page
    assert "was written against v1" in page
    assert "stadium" in page
    assert "Changed</span> Section 1" in page
    assert (
        f"/plans/{county.plan.pk}/diff/?from=1&amp;to=2"
        in client.get(f"/plans/{built.plan.pk}/source-changes/{change.pk}/").content.decode()
    )
    refused = client.post(f"/plans/{built.plan.pk}/source-changes/{change.pk}/no-change/", {"reason": ""})
    assert refused.status_code == 400
    done = client.post(
        f"/plans/{built.plan.pk}/source-changes/{change.pk}/no-change/", {"reason": "Same meeting point."}
    )
    assert done.status_code == 302
    change.refresh_from_db()
    assert change.status == SourceChangeStatus.NO_CHANGE
    assert AuditEvent.objects.filter(action=AuditAction.SOURCE_NO_CHANGE).exists()
    page = _text(client.get(f"/plans/{built.plan.pk}/"))
    assert "v2 reviewed — no change needed" in page


def test_starting_a_draft_shows_the_pending_change_beside_the_section(built, county):
    school_publishes(county)
    change = SourceChange.objects.get()
    client = web_client(built.police_planner)
    response = client.post(f"/plans/{built.plan.pk}/source-changes/{change.pk}/draft/")
    assert response.status_code == 302
    assert response["Location"].endswith("#section-reunification")
    editor = response.content if response.status_code == 200 else client.get(response["Location"]).content.decode()
    section = editor[editor.index('data-section-key="reunification"') :]
    assert "Source changed — review pending" in section[: section.index("</details>")]
    assert "Maple Valley High crisis plan is now at v2" in section[: section.index("</details>")]


def test_declaring_and_removing_a_source_on_the_plan_page(built, county):
    client = web_client(built.police_planner)
    other = make_plan(owner=county.police, actor=built.police_admin, title="Police mutual aid")
    response = client.post(f"/plans/{built.plan.pk}/sources/add/", {"source_plan": other.pk, "section_key": ""})
    assert response.status_code == 302
    link = PlanSource.objects.get(source_plan=other)
    assert link.section_key == ""
    response = client.post(f"/plans/{built.plan.pk}/sources/{link.pk}/remove/")
    assert response.status_code == 302
    assert not PlanSource.objects.filter(source_plan=other).exists()


def test_a_revoked_share_shows_source_no_longer_visible_without_its_title(built, county):
    plan_services.plan_unshare(plan=county.plan, agency=county.police, actor=county.owner_admin)
    page = _text(web_client(built.police_planner).get(f"/plans/{built.plan.pk}/"))
    assert "Source no longer visible" in page
    assert "Maple Valley High crisis plan" not in page


def test_the_source_owner_sees_a_count_of_plans_it_cannot_see(built, county):
    page = _text(web_client(county.owner_admin).get(f"/plans/{county.plan.pk}/"))
    assert "1 plan you cannot see builds on this plan." in page
    assert "Active threat response plan" not in page


def test_the_dashboard_and_the_agency_picture_count_changed_sources(built, county):
    school_publishes(county)
    dashboard = text_of(dashboard_html(web_client(built.police_admin)))
    assert "Active threat response plan: 1 source changed" in dashboard
    assert "Active threat response plan: 1 source changed" not in text_of(
        dashboard_html(web_client(county.partner_view_member))
    )
    picture = _text(web_client(built.police_planner).get("/sources/"))
    assert "1 of 1 source changed since this plan's last version" in picture

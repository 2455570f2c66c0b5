"""Conflicts on the building page, the plan page and the dashboard, shown only to those who may read both plans."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from playwright.sync_api import expect

from agencies.models import Role
from consistency.models import FactKey
from plans.models import PlanKind, ShareLevel
from plans.services import plan_share, plan_update
from tests.agencies.factories import FacilityFactory, member
from tests.consistency.helpers import publish_facts
from tests.dashboard import dashboard_html, dashboard_query_counts
from tests.plans.factories import make_plan
from tests.web.conftest import DESKTOP, PHONE, sign_in
from tests.web.test_facility_pages import FACILITY_PAGE_MAX_QUERIES

SCHOOL_STAGING = "East bus loop, entering from Elm St"
FIRE_STAGING = "Stadium lot behind the visitor bleachers"
# With conflicts, the building page and the dashboard read two more queries than without (which already
# includes the conflicts query): the visible plans among the conflicts' sides, and the facts of those sides;
# the building page one more to find the law-enforcement-sensitive plans among the sides it shows (audited).
FACILITY_PAGE_WITH_CONFLICTS_MAX_QUERIES = FACILITY_PAGE_MAX_QUERIES + 3
DASHBOARD_WITH_CONFLICTS_MAX_QUERIES = 7 + 2  # the attention panel: tests/web/test_dashboard.py allows 7 without


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def page_text(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return text_of(response.content.decode())


def conflicts_panel(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    html = dashboard_html(client) if url == "/" else client.get(url).content.decode()
    match = re.search(r'<section[^>]*aria-labelledby="conflicts-heading".*?</section>', html, re.S)
    return text_of(match.group(0)) if match else ""


def facility_url(facility) -> str:
    return reverse("agencies:facility-detail", kwargs={"facility_id": facility.pk})


def plan_url(plan) -> str:
    return reverse("plans:detail", kwargs={"plan_id": plan.pk})


def fire_conflict(county, *, shared_with_district: bool):
    """A fire plan for the county's school whose staging area differs from the district's plan."""
    fire_admin = member(county.fire, Role.ADMIN, username="fire_admin")
    fire_plan = make_plan(
        owner=county.fire,
        actor=fire_admin,
        title="Fire pre-incident plan for schools",
        kind=PlanKind.AGENCY_RESPONSE,
        facilities=[county.school],
    )
    publish_facts(county.plan, county.owner_admin, {county.school: {FactKey.STAGING_AREA: SCHOOL_STAGING}})
    publish_facts(fire_plan, fire_admin, {county.school: {FactKey.STAGING_AREA: FIRE_STAGING}})
    if shared_with_district:
        plan_share(plan=fire_plan, agency=county.district, level=ShareLevel.VIEW, actor=fire_admin)
    county.fire.phone, county.fire.email = "(630) 555-0140", "dispatch@ridgeford-fire.example.org"
    county.fire.save(update_fields=["phone", "email"])
    return fire_admin, fire_plan


def test_the_building_page_shows_both_wordings_to_both_agencies_that_share_their_plans(county):
    fire_admin, fire_plan = fire_conflict(county, shared_with_district=True)
    for user in (county.owner_member, fire_admin):
        panel = conflicts_panel(user, facility_url(county.school))
        assert "Conflicts with other agencies' plans 1" in panel
        assert "Staging area for responders differs" in panel
        assert SCHOOL_STAGING in panel
        assert FIRE_STAGING in panel
        assert fire_plan.title in panel


def test_no_trace_of_a_conflict_with_a_plan_the_district_may_not_read(county):
    fire_admin, _ = fire_conflict(county, shared_with_district=False)
    # The district may not read the fire plan, so the two are never compared: not even the fire district, which
    # reads both, is shown a conflict the district's own publishing could have provoked.
    for user in (county.owner_member, fire_admin):
        panel = conflicts_panel(user, facility_url(county.school))
        assert "No conflicts" in panel
    page = page_text(county.owner_member, facility_url(county.school))
    assert FIRE_STAGING not in page
    assert "Ridgeford Fire" not in conflicts_panel(county.owner_member, facility_url(county.school))
    assert conflicts_panel(county.owner_admin, "/") == ""


def test_people_who_see_one_plan_or_neither_see_no_conflict_on_the_building_page(county):
    fire_conflict(county, shared_with_district=True)
    # The police read the school's plan but not the fire plan.
    panel = conflicts_panel(county.partner_view_liaison, facility_url(county.school))
    assert "No conflicts" in panel
    assert FIRE_STAGING not in panel
    panel = conflicts_panel(county.unrelated_admin, facility_url(county.school))
    assert "No conflicts" in panel
    assert SCHOOL_STAGING not in panel


def test_the_plan_page_lists_the_conflicts_of_its_current_version_with_the_building(county):
    fire_admin, fire_plan = fire_conflict(county, shared_with_district=True)
    panel = conflicts_panel(county.owner_planner, plan_url(county.plan))
    assert f"{county.school.name} : Staging area for responders differs" in panel
    assert FIRE_STAGING in panel  # shared with the district now
    assert fire_plan.title in panel
    assert conflicts_panel(fire_admin, plan_url(fire_plan)) != ""
    # A plan without conflicts shows no panel at all.
    quiet = make_plan(owner=county.district, actor=county.owner_admin, facilities=[FacilityFactory()])
    publish_facts(quiet, county.owner_admin, {})
    assert conflicts_panel(county.owner_admin, plan_url(quiet)) == ""


def test_the_dashboards_of_both_agencies_list_the_conflict_with_a_link_to_the_building(county):
    fire_admin, _ = fire_conflict(county, shared_with_district=True)
    for user, other in ((county.owner_admin, "Ridgeford Fire"), (fire_admin, county.district.name)):
        client = Client()
        client.force_login(user)
        html = dashboard_html(client)
        assert f'href="{facility_url(county.school)}#conflict-' in html
        panel = conflicts_panel(user, "/")
        assert "1 conflict with other agencies' plans" in panel
        assert f"{county.school.name}: Staging area for responders differs from {other}'s plan" in panel
    # The police read the school's plan but not the fire plan: no dashboard panel.
    assert conflicts_panel(county.partner_view_liaison, "/") == ""


def counted(user, url: str) -> int | dict[str, int]:
    client = Client()
    client.force_login(user)
    if url == "/":  # the dashboard: its page and each panel it loads
        return dashboard_query_counts(client)
    # The header's counts are cached per person and recounted after a change (tests/reading/test_header_counts.py):
    # a first request fills them, so the requests compared here all find them cached.
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_conflict_panels_take_the_same_queries_for_one_conflict_and_for_many(county):
    fire_admin, fire_plan = fire_conflict(county, shared_with_district=True)
    urls = {"facility": facility_url(county.school), "plan": plan_url(county.plan), "dashboard": "/"}
    one = {name: counted(county.owner_admin, url) for name, url in urls.items()}
    schools = [county.school, *(FacilityFactory(owner_agency=county.district) for _ in range(6))]
    plan_update(plan=county.plan, actor=county.owner_admin, facilities=schools)
    plan_update(plan=fire_plan, actor=fire_admin, facilities=schools)
    facts = {FactKey.STAGING_AREA: SCHOOL_STAGING, FactKey.KNOX_BOX: "Left of Door 1"}
    publish_facts(county.plan, county.owner_admin, dict.fromkeys(schools, facts))
    fire_facts = {**facts, FactKey.STAGING_AREA: FIRE_STAGING}
    publish_facts(fire_plan, fire_admin, dict.fromkeys(schools, fire_facts))
    assert "7 conflicts with other agencies' plans" in conflicts_panel(county.owner_admin, "/")
    many = {name: counted(county.owner_admin, url) for name, url in urls.items()}
    assert many == one
    assert one["facility"] <= FACILITY_PAGE_WITH_CONFLICTS_MAX_QUERIES
    assert one["dashboard"]["attention"] <= DASHBOARD_WITH_CONFLICTS_MAX_QUERIES  # type: ignore[index]


def test_the_district_admin_goes_from_the_dashboard_to_the_conflict_on_the_building_page(web_county, live_server, page):
    county = web_county
    fire_conflict(county, shared_with_district=True)
    sign_in(page, live_server, county.owner_admin.username)
    panel = page.get_by_role("region", name=re.compile("conflict with other agencies' plans"))
    expect(panel).to_be_visible()
    panel.get_by_role("link", name=re.compile(f"{county.school.name}: Staging area")).click()
    page.wait_for_url(re.compile(rf".*/facilities/{county.school.pk}/.*"))
    conflicts = page.get_by_role("region", name=re.compile("Conflicts with other agencies' plans"))
    expect(conflicts).to_contain_text("Staging area for responders differs")
    expect(conflicts).to_contain_text(FIRE_STAGING)
    expect(conflicts).to_contain_text(SCHOOL_STAGING)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_pages_with_conflicts_have_no_wcag_violations(web_county, live_server, page, viewport):
    county = web_county
    fire_conflict(county, shared_with_district=True)
    page.set_viewport_size(viewport)
    sign_in(page, live_server, county.owner_admin.username)
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    found = {}
    for path in ("/", facility_url(county.school), plan_url(county.plan)):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("section.conflicts").first).to_be_visible()
        violations = Axe().run(page, options=options).response["violations"]
        if violations:
            found[path] = [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in violations]
    assert found == {}

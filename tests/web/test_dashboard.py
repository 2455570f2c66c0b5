"""The dashboard: our plans, partner plans with what is still to acknowledge, reviews due, live alerts."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from access.actors import SYSTEM
from agencies.models import Role
from agencies.services import membership_add
from dashboard.panels import PANELS
from exercises.report_services import corrective_action_create
from notifications.models import OutboxEvent
from notifications.services import outbox_event_fan_out
from plans import services as plan_services
from plans.models import Plan, ShareLevel
from tests.agencies.factories import member
from tests.conftest import web_client
from tests.dashboard import dashboard_html, fragment_urls
from tests.exercises.helpers import final_report_with_action
from tests.permission_matrix import ACTORS, OWNERS, PARTNERS, covers, matrix, user_of
from tests.plans.factories import make_plan, publish
from tests.web.conftest import DESKTOP, PHONE, screenshot, sign_in


def page_for(user, url: str = "/") -> str:
    """The dashboard with its panels loaded, as htmx loads them."""
    return dashboard_html(web_client(user), url)


def section(html: str, heading_id: str) -> str:
    """The HTML of one dashboard section, found by its heading id."""
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert match, f"no section {heading_id}"
    return match.group(0)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def marks(user) -> set[str]:
    """The acknowledgement marks on the person's partner plans."""
    html = section(page_for(user), "partner-plans-heading")
    found = re.findall(r'<div class="partner-plan__marks">(.*?)</div>', html, re.S)
    return {text.strip() for block in found for text in re.findall(r'<span class="tag[^"]*">([^<]*)</span>', block)}


def acknowledge(user, version) -> None:
    plan_services.plan_version_acknowledge(version=version, actor=user)


def admin_of(agency, username: str):
    """An admin of a partner agency, to write its plans (only an owner's admins create, publish and share)."""
    return member(agency, Role.ADMIN, username=username)


def fan_out_pending() -> None:
    """Run the fan-out of every recorded event (inside a test, on-commit hooks never fire)."""
    for event_id in OutboxEvent.objects.filter(dispatched_at__isnull=True).values_list("pk", flat=True):
        outbox_event_fan_out(event_id=event_id)


# --- What each section shows, owner against partner -------------------------------------------------


def test_the_owner_sees_its_plan_with_state_version_review_date_and_partner_acknowledgements(county):
    html = page_for(county.owner_admin)
    ours = text_of(section(html, "own-plans-heading"))
    assert "Maple Valley High crisis plan" in ours
    assert "Published" in ours
    assert "v1" in ours
    assert county.plan.next_review_due.strftime("%-d %b %Y") in ours
    assert "0 of 2" in ours
    assert "Draft v2 in progress" in ours
    assert f'href="/plans/{county.plan.pk}/"' in section(html, "own-plans-heading")
    assert "No partner plans yet" in section(html, "partner-plans-heading")


def test_a_member_of_the_owner_agency_is_not_shown_the_draft_in_progress(county):
    ours = text_of(section(page_for(county.owner_member), "own-plans-heading"))
    assert "Maple Valley High crisis plan" in ours
    assert "Draft v2" not in ours
    assert "New plan" not in ours


def test_partner_acknowledgements_count_only_agencies_that_acknowledged_the_current_version(county):
    acknowledge(county.partner_view_liaison, county.published)
    assert "1 of 2" in text_of(section(page_for(county.owner_admin), "own-plans-heading"))
    acknowledge(county.partner_comment_liaison, county.published)
    ours = text_of(section(page_for(county.owner_admin), "own-plans-heading"))
    assert "2 of 2" in ours
    assert "All" in ours
    plan_services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    assert "0 of 2" in text_of(section(page_for(county.owner_admin), "own-plans-heading"))


def test_a_draft_only_and_a_withdrawn_plan_say_so(county):
    make_plan(owner=county.district, actor=county.owner_admin, title="Bus evacuation plan")
    withdrawn = make_plan(owner=county.district, actor=county.owner_admin, title="Old stadium plan")
    version = publish(withdrawn, county.owner_admin, "Use gate 4.")
    plan_services.plan_version_withdraw(version=version, actor=county.owner_admin)
    rows = re.findall(r"<tr>.*?</tr>", section(page_for(county.owner_admin), "own-plans-heading"), re.S)
    by_title = {title: text_of(row) for row in rows for title in ("Bus evacuation", "Old stadium") if title in row}
    assert "Draft only" in by_title["Bus evacuation"]
    assert "Withdrawn" in by_title["Old stadium"]
    assert "None published" in by_title["Old stadium"]


def test_a_partner_sees_the_shared_plan_marked_not_yet_acknowledged_by_them_and_their_agency(county):
    html = page_for(county.partner_view_liaison)
    theirs = text_of(section(html, "partner-plans-heading"))
    assert "Maple Valley High crisis plan" in theirs
    assert "Maple Valley School District" in theirs
    assert "New — not yet acknowledged by you or your agency" in theirs  # one line for both
    assert "shared to view" in theirs
    assert "Ridgeford Police has no plans yet" in text_of(section(html, "own-plans-heading"))
    assert "Draft" not in theirs


def test_a_partner_plans_row_links_the_plan_and_says_when_and_how_it_was_shared(county):
    html = section(page_for(county.partner_comment_liaison), "partner-plans-heading")
    assert f'<a href="/plans/{county.plan.pk}/">Maple Valley High crisis plan</a>' in html
    published = timezone.localtime(county.published.published_at)
    assert f"v1 published {published.day} {published:%b %Y}" in text_of(html)
    assert "shared for comment" in text_of(html)


def test_the_marks_flip_after_acknowledging_and_come_back_when_a_new_version_is_published(county):
    liaison, officer = county.partner_view_liaison, county.partner_view_member
    assert marks(liaison) == {"New — not yet acknowledged by you or your agency"}
    acknowledge(liaison, county.published)
    assert marks(liaison) == {"Acknowledged"}
    # The officer's agency acknowledged through the liaison; the officer personally has not.
    assert marks(officer) == {"New — not yet acknowledged by you"}

    plan_services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    assert marks(liaison) == {"Updated — not yet acknowledged by you or your agency"}
    assert "v2 published" in text_of(section(page_for(liaison), "partner-plans-heading"))

    county.draft.refresh_from_db()
    acknowledge(officer, county.draft)
    assert marks(officer) == {"Updated — not yet acknowledged by your agency"}
    acknowledge(liaison, county.draft)
    assert marks(officer) == {"Acknowledged"}


def test_an_unrelated_agency_sees_nothing_of_the_plan(county):
    html = page_for(county.unrelated_admin)
    assert "Maple Valley High crisis plan" not in html
    assert "No partner plans yet" in html


def test_a_public_plan_of_another_agency_is_not_listed_as_shared_with_us(county):
    fire_admin = admin_of(county.fire, "fire_admin")
    plan = make_plan(owner=county.fire, actor=fire_admin, title="County hazmat plan", classification="public")
    publish(plan, fire_admin, "Shelter in place.")
    assert "County hazmat plan" not in page_for(county.partner_view_liaison)


def test_a_revoked_share_disappears_from_the_partners_dashboard(county):
    plan_services.plan_unshare(plan=county.plan, agency=county.police, actor=county.owner_admin)
    assert "Maple Valley High crisis plan" not in section(
        page_for(county.partner_view_liaison), "partner-plans-heading"
    )


def test_plans_due_within_30_days_or_overdue_are_listed_for_review(county):
    today = timezone.localdate()
    soon = make_plan(owner=county.district, actor=county.owner_admin, title="Reunification plan")
    late = make_plan(owner=county.district, actor=county.owner_admin, title="Severe weather annex")
    Plan.objects.filter(pk=soon.pk).update(next_review_due=today + timedelta(days=10))
    Plan.objects.filter(pk=late.pk).update(next_review_due=today - timedelta(days=3))
    html = page_for(county.owner_planner)
    due = text_of(section(html, "review-due-heading"))
    assert "Reunification plan" in due
    assert "Due in 10 days" in due
    assert "Severe weather annex" in due
    assert "Overdue" in due
    assert due.index("Severe weather annex") < due.index("Reunification plan")
    assert "Maple Valley High crisis plan" not in due  # reviewed a year from now
    ours = text_of(section(html, "own-plans-heading"))
    assert "Due soon" in ours
    assert "Overdue" in ours


def test_nothing_due_says_so(county):
    assert "Nothing due" in section(page_for(county.owner_admin), "review-due-heading")


def test_latest_alerts_show_the_five_newest_of_the_person_only(county):
    for n in range(3):
        plan = make_plan(owner=county.district, actor=county.owner_admin, title=f"Annex {n}")
        plan_services.plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=county.owner_admin)
        publish(plan, county.owner_admin, f"Body {n}")
    fan_out_pending()
    alerts = text_of(section(page_for(county.partner_view_liaison), "latest-alerts-heading"))
    assert alerts.count("New ") == 5
    assert "Annex 2: version 1 published" in alerts
    assert "Annex 0 was shared with your agency" not in alerts  # the sixth-newest and older are left out
    assert "Annex" not in page_for(county.unrelated_admin)


def test_someone_without_an_agency_gets_a_helpful_empty_state(county):
    html = page_for(county.staff)
    assert "You are not part of an agency yet" in html
    assert "Ask your agency" in html
    assert "Latest alerts" in html


def test_the_dashboard_follows_the_agency_chosen_in_the_switcher(county):
    person = county.partner_view_liaison
    membership_add(agency=county.district, user=person, role=Role.PLANNER, actor=SYSTEM)
    client = web_client(person)
    assert "Maple Valley High crisis plan" in section(dashboard_html(client), "own-plans-heading")
    client.post("/agency/switch/", {"agency": county.police.pk})
    html = dashboard_html(client)
    assert "Ridgeford Police has no plans yet" in text_of(section(html, "own-plans-heading"))
    assert "Maple Valley High crisis plan" in section(html, "partner-plans-heading")


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@covers("dashboard")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=302, **{a: 200 for a in ACTORS if a != "anonymous"}))
def test_the_dashboard_shows_a_partner_plan_to_its_owner_and_partners_only_and_its_draft_to_draft_readers(
    county, actor, expected
):
    client = web_client(user_of(county, actor))
    response = client.get("/")
    assert response.status_code == expected
    html = dashboard_html(client) if expected == 200 else response.content.decode()
    assert ("Maple Valley High crisis plan" in html) == (actor in OWNERS | PARTNERS)
    assert ("Draft v2" in html) == (actor in {"owner_admin", "owner_planner", "owner_liaison"})
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/")


@covers("dashboard-panel")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(anonymous=302, staff=404, **{a: 200 for a in ACTORS if a not in {"anonymous", "staff"}}),
)
def test_a_panel_answers_for_the_persons_own_agencies_only_and_404_for_any_other(county, actor, expected):
    user = user_of(county, actor)
    client = web_client(user)
    for agency in (county.district, county.police, county.fire, county.unrelated):
        for panel in ("attention", "own-plans", "partner-plans", "side"):
            response = client.get(reverse("dashboard-panel", args=[agency.pk, panel]))
            ours = user is not None and agency.memberships.filter(user=user).exists()
            assert response.status_code == (expected if ours or expected == 302 else 404), (agency, panel)
            if response.status_code == 200:
                assert "<html" not in response.content.decode()
            if expected == 302:
                assert response["Location"].startswith("/accounts/login/")
    if user is not None:
        assert client.get(reverse("dashboard-panel", args=[county.district.pk, "nothing"])).status_code == 404


def test_a_person_in_two_agencies_gets_each_agencys_panels_by_its_url_whichever_is_active(county):
    person = county.partner_view_liaison
    membership_add(agency=county.district, user=person, role=Role.PLANNER, actor=SYSTEM)
    client = web_client(person)
    district = client.get(reverse("dashboard-panel", args=[county.district.pk, "own-plans"])).content.decode()
    police = client.get(reverse("dashboard-panel", args=[county.police.pk, "own-plans"])).content.decode()
    assert "Maple Valley High crisis plan" in district
    assert "Draft v2 in progress" in district  # a planner there
    assert "Ridgeford Police has no plans yet" in police


def test_the_page_shows_a_placeholder_with_a_link_for_each_panel_until_htmx_loads_it(county):
    response = web_client(county.owner_admin).get("/")
    html = response.content.decode()
    urls = fragment_urls(html)
    assert urls == [reverse("dashboard-panel", args=[county.district.pk, name]) for name in PANELS]
    assert 'hx-trigger="load, concord-new-alert from:body"' in html
    assert "Loading our plans…" in html
    assert 'href="/plans/"' in html  # without JavaScript: every plan
    assert "own-plans-heading" not in html  # the panels themselves come with htmx
    assert "latest-alerts-heading" in html  # the latest alerts are part of the page


# --- Constant query count --------------------------------------------------------------------------


def add_shared_plans(county, start: int, stop: int) -> None:
    """Published district plans shared with police and fire (half due for review), and as many fire
    plans shared with the district and police, numbered from `start` to `stop` - 1."""
    due = timezone.localdate() + timedelta(days=5)
    fire_admin = admin_of(county.fire, f"fire_admin_{start}")
    for n in range(start, stop):
        plan = make_plan(owner=county.district, actor=county.owner_admin, title=f"District annex {n:03}")
        publish(plan, county.owner_admin, f"Body {n}")
        plan_services.plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=county.owner_admin)
        plan_services.plan_share(plan=plan, agency=county.fire, level=ShareLevel.COMMENT, actor=county.owner_admin)
        if n % 2:
            Plan.objects.filter(pk=plan.pk).update(next_review_due=due)
        theirs = make_plan(owner=county.fire, actor=fire_admin, title=f"Fire annex {n:03}")
        version = publish(theirs, fire_admin, f"Body {n}")
        for agency in (county.district, county.police):
            plan_services.plan_share(plan=theirs, agency=agency, level=ShareLevel.VIEW, actor=fire_admin)
        if n % 3 == 0:
            acknowledge(county.owner_admin, version)
    fan_out_pending()


def dashboard_queries(user) -> tuple[dict[str, int], str]:
    """The queries of the page and of each of its fragments, and the page with its panels loaded."""
    client = web_client(user)
    counts = {}
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/")
    assert page.status_code == 200
    counts["page"] = len(queries)
    for url in fragment_urls(page.content.decode()):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url.rstrip("/").rsplit("/", 1)[1]] = len(queries)
    return counts, dashboard_html(client)


def test_the_dashboard_reads_the_same_number_of_queries_for_5_and_50_plans(county):
    people = [county.owner_admin, county.partner_view_liaison, county.owner_member, county.partner_comment_liaison]
    add_shared_plans(county, 0, 5)
    few = {user.username: dashboard_queries(user)[0] for user in people}
    add_shared_plans(county, 5, 50)
    assert Plan.objects.count() > 100
    many = {}
    for user in people:
        many[user.username], html = dashboard_queries(user)
        assert "annex 049" in html
    assert many == few
    # Each request: session, user, memberships. The page: unread count, To read count (the header), latest
    # alerts, and the idle-timeout's session write. Attention: my buildings, To read, conflicts (two more when
    # there are some: tests/web/test_conflict_pages.py), sources changed (admins and planners). Our plans and
    # partner plans: one each. Side: change requests owed, reviews due, the agency's open corrective actions
    # (one more, for the overdue count, when there are some), partner concurrence, whether the agency has plans
    # (when none awaits concurrence), partner plans awaiting our concurrence (admins and liaisons).
    budget = {"page": 7, "attention": 7, "own-plans": 4, "partner-plans": 4, "side": 10}
    for counts in few.values():
        assert set(counts) == set(budget)
        assert all(counts[name] <= budget[name] for name in budget), counts


def test_long_lists_are_cut_with_a_link_to_every_plan(county, monkeypatch):
    monkeypatch.setattr("dashboard.panels.DASHBOARD_ROWS", 3)
    monkeypatch.setattr("dashboard.views.DASHBOARD_ROWS", 3)
    add_shared_plans(county, 0, 4)
    html = page_for(county.owner_admin)
    assert len(re.findall(r"<tr>", section(html, "own-plans-heading"))) == 1 + 3  # the header row and three plans
    assert "Showing the first 3 plans" in html
    assert "Showing the 3 most recently published" in html


def test_panels_with_nothing_to_show_read_only_their_plain_look(county):
    # The police own no plan, and their member has no building, nothing to read, no conflict and no action.
    counts, html = dashboard_queries(county.partner_view_member)
    # Session, user, memberships, then one look each (dashboard/looks.py); none of the visibility-ruled reads.
    assert counts["attention"] == 4
    assert counts["side"] == 4
    assert 'id="to-read-heading"' not in html
    assert 'id="corrective-actions-heading"' not in html
    assert "Maple Valley High crisis plan" in section(html, "partner-plans-heading")


def test_an_agency_without_plans_of_its_own_still_sees_its_open_corrective_actions(county):
    _, finding, _ = final_report_with_action(county)
    officer = member(county.police, Role.MEMBER, username="police_sro")
    corrective_action_create(
        finding=finding,
        description="Issue radios to the school resource officers",
        owning_agency_id=county.police.pk,
        responsible_id=officer.pk,
        due_on=timezone.localdate() - timedelta(days=1),
        actor=county.owner_admin,
    )
    html = page_for(officer)
    panel = html.split('id="corrective-actions-heading"', 1)[1].split("</section>", 1)[0]
    assert "Issue radios to the school resource officers" in panel
    assert "Rewrite the reunification steps" not in panel  # the district's
    assert "1 overdue" in panel
    assert "Ridgeford Police has no plans yet" in html


def test_the_concurrence_panel_shows_for_an_agency_with_a_plan_of_its_own_even_a_draft_only(county):
    fire_member = member(county.fire, Role.MEMBER, username="fire_member")
    assert 'id="concurrence-pending-heading"' not in page_for(fire_member)  # the fire department owns no plan
    make_plan(owner=county.fire, actor=admin_of(county.fire, "fire_admin"), title="Fire draft plan")
    panel = page_for(fire_member).split('id="concurrence-pending-heading"', 1)[1].split("</section>", 1)[0]
    assert "No current plan of Ridgeford Fire is waiting for a partner's concurrence." in panel


# --- In a real browser -----------------------------------------------------------------------------


def add_screenshot_plans(county) -> None:
    """A few more plans so the screenshots show every kind of row."""
    police = admin_of(county.police, "police_admin")
    police_plan = make_plan(owner=county.police, actor=police, title="Ridgeford PD active threat plan")
    publish(police_plan, police, "Form contact teams of four.")
    plan_services.plan_share(plan=police_plan, agency=county.district, level=ShareLevel.COMMENT, actor=police)
    fire = admin_of(county.fire, "fire_admin")
    staging = make_plan(owner=county.fire, actor=fire, title="Station 2 staging plan")
    staged = publish(staging, fire, "Stage on Elm Street.")
    plan_services.plan_share(plan=staging, agency=county.police, level=ShareLevel.VIEW, actor=fire)
    acknowledge(county.partner_view_liaison, staged)
    Plan.objects.filter(pk=police_plan.pk).update(next_review_due=timezone.localdate() + timedelta(days=12))
    fan_out_pending()


def badge_count(page) -> int:
    return int(re.sub(r"\D", "", page.locator("#alert-badge").inner_text()) or 0)


def test_an_open_dashboard_shows_a_partners_new_version_within_five_seconds(
    page, live_server, web_county, console_errors
):
    county = web_county
    add_screenshot_plans(county)
    sign_in(page, live_server, "police_liaison")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    partner_plans = page.locator("section[aria-labelledby=partner-plans-heading]")
    expect(partner_plans.get_by_text("New — not yet acknowledged by you").first).to_be_visible()
    before = badge_count(page)
    alerts = page.locator("#latest-alerts")
    expect(alerts.get_by_text("Maple Valley High crisis plan: version 2 published")).to_have_count(0)

    # The district publishes v2 (shared with police) while the dashboard stays open; the fan-out runs.
    plan_services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    event = OutboxEvent.objects.filter(plan=county.plan, event_type="version.published").latest("id")
    outbox_event_fan_out(event_id=event.pk)

    expect(alerts.get_by_text("Maple Valley High crisis plan: version 2 published")).to_be_visible(timeout=5000)
    expect(page.locator("#alert-badge")).to_have_text(re.compile(rf"\b{before + 1}\b"), timeout=5000)
    link = alerts.get_by_role("link", name="Maple Valley High crisis plan: version 2 published")
    expect(link).to_have_attribute("href", f"/plans/{county.plan.pk}/")
    screenshot(page, "dashboard-desktop")
    link.click()
    expect(page).to_have_url(re.compile(rf"/plans/{county.plan.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maple Valley High crisis plan")
    assert console_errors == []


def test_the_dashboard_on_a_phone(page, live_server, web_county, console_errors):
    add_screenshot_plans(web_county)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "district_admin")
    expect(page.get_by_role("heading", name="Our plans")).to_be_visible()
    expect(page.get_by_role("link", name="Maple Valley High crisis plan")).to_be_visible()
    expect(page.get_by_role("heading", name="Partner plans shared with us")).to_be_visible()
    partner_plans = page.locator("section[aria-labelledby=partner-plans-heading]")
    expect(partner_plans.get_by_role("link", name="Ridgeford PD active threat plan")).to_be_visible()
    expect(partner_plans.get_by_text("not yet acknowledged by you or your agency")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "dashboard-phone")
    assert console_errors == []


@pytest.mark.parametrize("viewport", [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")])
def test_every_panel_appears_once_htmx_has_loaded_them(page, live_server, web_county, viewport, console_errors):
    county = web_county
    add_screenshot_plans(county)
    plan_services.plan_version_acknowledge(version=county.published, actor=county.partner_view_liaison)
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "district_admin")
    for heading in (
        "Our plans",
        "Partner plans shared with us",
        "Latest alerts",
        "Open change requests",
        "Due for review",
        "Partner concurrence",
        "Your concurrence is requested",
    ):
        expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
    expect(page.locator(".dashboard-loading")).to_have_count(0)  # every placeholder replaced
    ours = page.locator("section[aria-labelledby=own-plans-heading]")
    expect(ours.get_by_role("link", name="Maple Valley High crisis plan")).to_be_visible()
    expect(ours).to_contain_text("1 of 2")
    due = page.locator("section[aria-labelledby=review-due-heading]")
    expect(due).to_contain_text("Nothing due")
    partner_plans = page.locator("section[aria-labelledby=partner-plans-heading]")
    expect(partner_plans.get_by_role("link", name="Ridgeford PD active threat plan")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, "dashboard-loaded-phone" if viewport == PHONE else "dashboard-loaded-desktop")
    assert console_errors == []


def test_without_javascript_each_placeholder_links_to_the_full_list(browser, live_server, web_county):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server, "district_admin")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.locator(".dashboard-loading")).to_have_count(4)
    page.locator(".dashboard-loading").nth(1).get_by_role("link", name="Every plan").click()
    expect(page.get_by_role("link", name="Maple Valley High crisis plan")).to_be_visible()
    context.close()


def test_the_dashboard_is_keyboard_navigable_to_a_plan(page, live_server, web_county, console_errors):
    sign_in(page, live_server, "police_liaison")
    link = page.locator("section[aria-labelledby=partner-plans-heading]").get_by_role(
        "link", name="Maple Valley High crisis plan"
    )
    for _ in range(40):
        page.keyboard.press("Tab")
        if link.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("the partner plan link is not reachable with the Tab key")
    assert console_errors == []

"""The facility directory and a building's page: its officers and only the current plans the user may read."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from access.actors import SYSTEM
from agencies.models import AgencyKind, AssignmentRole, FacilityKind, Role
from agencies.services import personnel_assignment_create
from plans.models import Classification, PlanKind, ShareLevel
from plans.services import plan_share, plan_version_acknowledge, plan_version_create_draft, plan_version_publish
from reading.models import ReadingObligation
from reading.services import reading_requirement_create
from tests.agencies.factories import AgencyFactory, FacilityFactory, member
from tests.conftest import web_client
from tests.permission_matrix import covers, matrix, user_of
from tests.plans.factories import draft, make_plan, publish
from tests.web.conftest import PHONE, screenshot, sign_in

# Queries of one facility page, whatever the number of plans, sections and assignments: session and user,
# the building, its assignments, the visible plans, their sections, their key facts, the conflicts the person
# may see (two more when there are some: tests/web/test_conflict_pages.py), the person's memberships and unread
# alerts (base template), and the session's activity stamp (an update in a savepoint); since issues 15, 16 and 20
# also the navigation's count of plans to read, the building's contacts and documents, the person's roles and the
# plans built on other plans here (tests/web/test_building_page.py counts them for an admin), and whether to offer
# the field packet.
FACILITY_PAGE_MAX_QUERIES = 18
# The directory: the same frame, the owner choices, the count and one page of buildings.
FACILITY_LIST_MAX_QUERIES = 10


def facility_url(facility) -> str:
    return reverse("agencies:facility-detail", kwargs={"facility_id": facility.pk})


@pytest.fixture
def sro(county):
    """The police officer is the School Resource Officer of the county's school."""
    personnel_assignment_create(
        user=county.partner_view_member,
        agency=county.police,
        facility=county.school,
        role=AssignmentRole.SCHOOL_RESOURCE_OFFICER,
        actor=SYSTEM,
    )
    county.partner_view_member.first_name, county.partner_view_member.last_name = "Dana", "Reyes"
    county.partner_view_member.save(update_fields=["first_name", "last_name"])
    return county.partner_view_member


@pytest.fixture
def police_plan(county):
    """The police department's law-enforcement-sensitive plan for the school, shared with nobody."""
    police_admin = member(county.police, Role.ADMIN, username="police_admin")
    plan = make_plan(
        owner=county.police,
        actor=police_admin,
        title="Ridgeford PD active threat response",
        kind=PlanKind.AGENCY_RESPONSE,
        classification=Classification.LAW_ENFORCEMENT_SENSITIVE,
        facilities=[county.school],
    )
    sections = [
        {"key": "command", "title": "Command and coordination", "body": "Unified command with the school."},
        {"key": "rescue-task-force", "title": "Rescue task force", "body": "Forms up at the fire staging area."},
        {"key": "lockdown", "title": "Lockdown support", "body": "Officers hold the perimeter."},
        {"key": "reunification", "title": "Reunification support", "body": "Traffic control at the site."},
    ]
    version = plan_version_create_draft(
        plan=plan, actor=police_admin, change_summary="First edition", sections=sections
    )
    plan_version_publish(version=version, actor=police_admin)
    return plan


# --- Who sees what ------------------------------------------------------------------------------------------


@covers("agencies:facility-list", "agencies:facility-detail")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=302,
        owner_admin=200,
        owner_planner=200,
        owner_liaison=200,
        owner_member=200,
        partner_view_liaison=200,
        partner_view_member=200,
        partner_comment_liaison=200,
        unrelated_admin=200,
        staff=200,
    ),
)
def test_facility_pages_are_a_directory_every_signed_in_person_may_open(county, actor, expected):
    client = web_client(user_of(county, actor))
    assert client.get(reverse("agencies:facility-list")).status_code == expected
    response = client.get(facility_url(county.school))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/")


def test_an_unknown_facility_is_404(county):
    response = web_client(county.owner_member).get(reverse("agencies:facility-detail", kwargs={"facility_id": 999999}))
    assert response.status_code == 404


def test_the_officer_sees_the_building_its_sro_and_the_plans_his_agency_may_read(county, sro, police_plan):
    county.school.latitude, county.school.longitude = "41.881832", "-87.623177"
    county.school.save(update_fields=["latitude", "longitude"])
    response = web_client(county.partner_view_member).get(facility_url(county.school))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Maple Valley High" in html
    assert county.school.address in html
    assert "41.881832, -87.623177" in html
    assert "Maple Valley School District" in html
    assert "Dana Reyes" in html
    assert "Ridgeford Police" in html
    plans = [plan.pk for plan in response.context["plans"]]
    # The school's own plan (shared with the police) first, then the police plan.
    assert plans == [county.plan.pk, police_plan.pk]
    assert reverse("plans:detail", kwargs={"plan_id": county.plan.pk}) in html
    assert reverse("plans:detail", kwargs={"plan_id": police_plan.pk}) in html
    assert "Law-enforcement sensitive" in html


def test_plans_the_user_may_not_read_are_simply_absent(county, sro, police_plan):
    district = web_client(county.owner_member).get(facility_url(county.school))
    assert [plan.pk for plan in district.context["plans"]] == [county.plan.pk]
    assert "Ridgeford PD active threat response" not in district.content.decode()

    unrelated = web_client(county.unrelated_admin).get(facility_url(county.school))
    html = unrelated.content.decode()
    assert unrelated.context["plans"] == []
    assert "Maple Valley High crisis plan" not in html
    assert "No current plan that you may read covers this building yet" in html
    # The building itself and its officer are a shared directory.
    assert "Dana Reyes" in html


def test_only_the_current_published_version_is_shown_never_a_draft(county):
    # The county's plan has v1 published and v2 as a draft; the owner's planner may read drafts elsewhere.
    response = web_client(county.owner_planner).get(facility_url(county.school))
    (plan,) = response.context["plans"]
    assert plan.current_version.number == 1
    html = response.content.decode()
    assert "version 1, published" in html
    assert "version 2" not in html


def test_a_plan_without_a_published_version_is_not_listed(county):
    make_plan(owner=county.district, actor=county.owner_admin, title="Unpublished plan", facilities=[county.school])
    response = web_client(county.owner_admin).get(facility_url(county.school))
    assert "Unpublished plan" not in response.content.decode()


def test_the_plan_card_lists_its_key_sections_and_whether_you_acknowledged_it(county):
    plan = make_plan(owner=county.district, actor=county.owner_admin, title="Template plan", facilities=[county.school])
    template_draft = draft(plan, county.owner_admin)  # the school EOP template's sections
    plan_version_publish(version=template_draft, actor=county.owner_admin)
    response = web_client(county.partner_view_member).get(facility_url(county.school))
    assert plan.pk not in [card.pk for card in response.context["plans"]]  # not shared with the police yet
    plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=county.owner_admin)
    response = web_client(county.partner_view_member).get(facility_url(county.school))
    card = next(card for card in response.context["plans"] if card.pk == plan.pk)
    assert len(card.sections_listed) == 24
    key_titles = [section.title for section in card.key_sections]
    assert "Functional annex: Lockdown" in key_titles
    assert "Functional annex: Evacuation" in key_titles
    assert "Threat annex: Active threat" in key_titles
    assert "Functional annex: Family reunification" in key_titles
    assert len(key_titles) <= 6
    html = response.content.decode()
    assert "All 24 sections" in html
    # Nobody requires the officer to read it: the card does not ask him to acknowledge it.
    assert "Not yet acknowledged" not in html
    assert "To read — due" not in html


def _card(client, facility, plan) -> str:
    """The plan's card on the building page, as HTML."""
    html = client.get(facility_url(facility)).content.decode()
    return html.split(f'id="plan-{plan.pk}-title"', 1)[1].split("</article>", 1)[0]


def test_the_plan_card_says_what_the_person_must_read_by_when_and_what_they_read(county):
    officer, plan = county.partner_view_member, county.plan
    client = web_client(officer)
    assert "Not yet acknowledged" not in _card(client, county.school, plan)
    assert "To read" not in _card(client, county.school, plan)
    reading_requirement_create(agency=county.police, plan=plan, due_days=14, actor=SYSTEM)
    [owed] = ReadingObligation.objects.filter(user=officer, plan=plan)
    card = _card(client, county.school, plan)
    assert f"To read — due {timezone.localtime(owed.due_at):%-d %b %Y}" in card
    assert reverse("to-read-item", kwargs={"plan_id": plan.pk}) in card
    ReadingObligation.objects.filter(pk=owed.pk).update(due_at=timezone.now() - timedelta(days=2))
    card = _card(client, county.school, plan)
    assert "Overdue — was due" in card
    assert "To read" not in card
    plan_version_acknowledge(version=county.published, actor=officer)
    card = _card(client, county.school, plan)
    assert f"Read v1 on {timezone.localdate():%-d %b %Y}" in card
    assert "Overdue" not in card
    assert "To read" not in card


def test_the_owner_agencys_own_people_are_not_asked_to_acknowledge_their_plan(county):
    card = _card(web_client(county.owner_member), county.school, county.plan)
    assert "acknowledged" not in card.lower()
    assert "To read" not in card


def test_no_sro_says_whom_to_call(county):
    html = web_client(county.owner_member).get(facility_url(county.school)).content.decode()
    assert "No School Resource Officer is assigned to this building" in html


# --- The directory ------------------------------------------------------------------------------------------


def test_the_directory_searches_by_name_and_filters_by_kind_and_owner(county):
    other_owner = AgencyFactory(name="Oak Creek Schools", slug="oak-creek", kind=AgencyKind.SCHOOL_DISTRICT)
    FacilityFactory(name="Oak Creek Elementary", owner_agency=other_owner, kind=FacilityKind.ELEMENTARY_SCHOOL)
    FacilityFactory(name="Maple Valley Middle", owner_agency=county.district, kind=FacilityKind.MIDDLE_SCHOOL)
    client = web_client(county.partner_view_member)
    url = reverse("agencies:facility-list")

    def names(query: dict) -> list[str]:
        return [facility.name for facility in client.get(url, query).context["page_obj"]]

    assert names({}) == ["Maple Valley High", "Maple Valley Middle", "Oak Creek Elementary"]
    assert names({"q": "maple"}) == ["Maple Valley High", "Maple Valley Middle"]
    assert names({"kind": FacilityKind.ELEMENTARY_SCHOOL}) == ["Oak Creek Elementary"]
    assert names({"owner": county.district.pk}) == ["Maple Valley High", "Maple Valley Middle"]
    assert names({"q": "maple", "kind": FacilityKind.MIDDLE_SCHOOL}) == ["Maple Valley Middle"]
    empty = client.get(url, {"q": "nothing like this"})
    assert "No facility matches these filters" in empty.content.decode()


def test_the_directory_ignores_a_bad_filter_instead_of_failing(county):
    response = web_client(county.owner_member).get(reverse("agencies:facility-list"), {"owner": "x", "kind": "castle"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_directory_is_paginated_and_keeps_the_filters(county):
    for number in range(30):
        FacilityFactory(name=f"Annex {number:02d}", owner_agency=county.district)
    client = web_client(county.owner_member)
    first = client.get(reverse("agencies:facility-list"), {"q": "annex"})
    assert len(first.context["page_obj"]) == 25
    assert "?q=annex&amp;page=2" in first.content.decode()
    second = client.get(reverse("agencies:facility-list"), {"q": "annex", "page": 2})
    assert [facility.name for facility in second.context["page_obj"]] == [f"Annex {n}" for n in range(25, 30)]


def test_an_htmx_search_returns_only_the_results(county):
    client = web_client(county.owner_member)
    response = client.get(reverse("agencies:facility-list"), {"q": "maple"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="facility-results"')
    assert "<html" not in html
    assert "Maple Valley High" in html


# --- Query counts ---------------------------------------------------------------------------------------------


def crowd_the_school(county, *, plans: int, officers: int) -> None:
    """Many partner plans covering the school, each shared with the police, and many assigned officers."""
    for number in range(plans):
        agency = AgencyFactory(name=f"Partner {number}", slug=f"partner-{number}", kind=AgencyKind.FIRE)
        planner = member(agency, Role.ADMIN, username=f"partner{number}_admin")
        plan = make_plan(owner=agency, actor=planner, title=f"Partner plan {number}", facilities=[county.school])
        publish(plan, planner, "One.", "Two.", "Lockdown.")
        plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=planner)
    for number in range(officers):
        officer = member(county.police, Role.MEMBER, username=f"sro{number}")
        personnel_assignment_create(
            user=officer,
            agency=county.police,
            facility=county.school,
            role=AssignmentRole.SCHOOL_RESOURCE_OFFICER,
            actor=SYSTEM,
        )


@pytest.mark.parametrize(("plans", "officers"), [(0, 1), (15, 12)])
def test_the_facility_page_takes_the_same_queries_for_few_and_many_plans(
    county, plans, officers, django_assert_max_num_queries
):
    crowd_the_school(county, plans=plans, officers=officers)
    client = web_client(county.partner_view_liaison)
    with django_assert_max_num_queries(FACILITY_PAGE_MAX_QUERIES):
        response = client.get(facility_url(county.school))
    assert len(response.context["plans"]) == plans + 1
    assert len(response.context["sros"]) == officers


@pytest.mark.parametrize("count", [2, 60])
def test_the_directory_takes_the_same_queries_for_few_and_many_buildings(county, count, django_assert_max_num_queries):
    for number in range(count):
        FacilityFactory(name=f"Building {number:02d}", owner_agency=county.district)
    client = web_client(county.owner_member)
    with django_assert_max_num_queries(FACILITY_LIST_MAX_QUERIES):
        response = client.get(reverse("agencies:facility-list"))
    assert response.context["page_obj"].paginator.count == count + 1


# --- In a real browser ----------------------------------------------------------------------------------------


@pytest.fixture
def browser_county(web_county, sro, police_plan):
    web_county.school.address = "1200 Valley Road, Ridgeford"
    web_county.school.latitude, web_county.school.longitude = "41.881832", "-87.623177"
    web_county.school.save(update_fields=["address", "latitude", "longitude"])
    return web_county


def test_an_officer_opens_a_schools_page_and_sees_its_sro_and_his_agencys_plans(
    page, live_server, browser_county, console_errors
):
    county = browser_county
    sign_in(page, live_server, "police_officer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Facilities").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Facilities")
    page.get_by_label("Name").fill("maple")
    page.get_by_role("button", name="Search").click()
    # The results are swapped in as you type and again on Search: click once the searched page has arrived.
    expect(page).to_have_url(re.compile(r"\?q=maple"))
    expect(page.get_by_role("heading", name="1 facility found")).to_be_visible()
    # A late as-you-type request would swap the results again under the click and cancel it: wait for none.
    expect(page.locator(".htmx-request")).to_have_count(0)
    page.locator("#facility-results").get_by_role("link", name="Maple Valley High").click()
    expect(page).to_have_url(re.compile(rf"/facilities/{county.school.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Maple Valley High")
    expect(page.get_by_role("region", name="School Resource Officer")).to_contain_text("Dana Reyes")
    plans = page.get_by_role("region", name="Current plans for this building")
    expect(plans.get_by_role("heading", level=3)).to_have_text(
        ["Maple Valley High crisis plan", "Ridgeford PD active threat response"]
    )
    expect(plans).to_contain_text("version 1, published")
    screenshot(page, "facility-desktop")
    link = plans.get_by_role("link", name="Maple Valley High crisis plan", exact=True)
    expect(link).to_have_attribute("href", reverse("plans:detail", kwargs={"plan_id": county.plan.pk}))
    assert console_errors == []


def test_the_facility_page_works_on_a_phone(page, live_server, browser_county, console_errors):
    county = browser_county
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "police_officer")
    page.goto(f"{live_server.url}{facility_url(county.school)}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Maple Valley High")
    expect(page.get_by_role("region", name="School Resource Officer")).to_contain_text("Dana Reyes")
    expect(page.get_by_role("link", name="Read the plan").first).to_be_visible()
    # The key sections are links to those sections of the plan, not chips that only look tappable.
    expect(page.locator(".key-sections").first.get_by_role("link", name="Section 1")).to_have_attribute(
        "href", f"/plans/{county.plan.pk}/#section-section-1"
    )
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "facility-phone")
    assert console_errors == []


def test_the_directory_search_updates_as_you_type(page, live_server, browser_county, console_errors):
    sign_in(page, live_server, "police_officer")
    FacilityFactory(name="Oak Creek Elementary", owner_agency=browser_county.district)
    page.goto(f"{live_server.url}{reverse('agencies:facility-list')}")
    expect(page.get_by_role("heading", name="2 facilities")).to_be_visible()
    page.get_by_label("Name").press_sequentially("oak")
    expect(page.get_by_role("heading", name="1 facility found")).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?q=oak"))
    assert console_errors == []

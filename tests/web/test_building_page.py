"""The building page for responders (issue 16): key facts in one block, the SRO and tap-to-call contacts first,
contacts kept by the owner agency, SRO assignments with dates and history, and My buildings."""

import datetime

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from access.actors import SYSTEM
from agencies.contact_services import facility_contact_create
from agencies.models import AssignmentRole, FacilityContact, PersonnelAssignment, Role
from agencies.services import personnel_assignment_create, personnel_assignment_end
from audit.models import AuditEvent
from buildings.models import DocumentKind
from consistency.fact_services import facility_facts_set
from consistency.models import FactKey
from plans.models import ShareLevel
from plans.services import plan_share, plan_version_publish
from portal.celery import app as celery_app
from tests.agencies.factories import member
from tests.buildings.helpers import add_document, png
from tests.conftest import web_client
from tests.dashboard import dashboard_html
from tests.exercises.helpers import DrillScene
from tests.packets.helpers import packet_text
from tests.permission_matrix import covers, matrix, user_of
from tests.plans.factories import draft, make_plan
from tests.web.conftest import PHONE, screenshot, sign_in
from tests.web.test_export_download import pdf_first_page_png
from tests.web.test_facility_pages import crowd_the_school

# The facility page's frame (tests/web/test_facility_pages.py) plus the person's roles (which forms to show),
# the building's contacts, for an agency admin the agencies they may assign people of, the navigation's count of
# plans to read (which main already spent: 17), the plans built on other plans here (one query, sources) and
# whether to offer the field packet (one query, access.packets).
# For the owner's members, the drill requirements (exercises/drills_context.py): the sets applied, their lines and
# the exercises they count (three, or one when none is applied), and for its admins the sets they may apply (one).
BUILDING_PAGE_MAX_QUERIES = 22


def page_url(county) -> str:
    return reverse("agencies:facility-detail", kwargs={"facility_id": county.school.pk})


def world() -> dict:
    return {
        "contacts": sorted(FacilityContact.objects.values_list("id", "label", "name", "phone", "position")),
        "assignments": sorted(PersonnelAssignment.objects.values_list("id", "user_id", "started_on", "ended_on")),
        "audit": AuditEvent.objects.exclude(action__startswith="auth.").count(),
    }


@pytest.fixture
def principal(county):
    return facility_contact_create(
        facility=county.school, label="Principal", name="Ana Ortiz", phone="(630) 555-0101", actor=SYSTEM
    )


@pytest.fixture
def sro(county):
    officer = county.partner_view_member
    officer.first_name, officer.last_name = "Dana", "Reyes"
    officer.save(update_fields=["first_name", "last_name"])
    return personnel_assignment_create(
        user=officer,
        agency=county.police,
        facility=county.school,
        role=AssignmentRole.SCHOOL_RESOURCE_OFFICER,
        started_on=datetime.date(2024, 8, 19),
        actor=SYSTEM,
    )


# --- Who may do what (every actor) --------------------------------------------------------------------------------

CONTACT_EDITORS = {
    "anonymous": 302,  # to the sign-in page
    "owner_admin": "ok",
    "owner_planner": "ok",
    "owner_liaison": 403,
    "owner_member": 403,
    "partner_view_liaison": 403,
    "partner_view_member": 403,
    "partner_comment_liaison": 403,
    "unrelated_admin": 404,  # its agency sees none of the building's plans
    "staff": "ok",
}


def contact_editors(ok: int) -> list:
    return matrix(**{actor: ok if status == "ok" else status for actor, status in CONTACT_EDITORS.items()})


@covers("agencies:facility-contact-add")
@pytest.mark.parametrize(("actor", "expected"), contact_editors(302))
def test_only_the_owner_agencys_admins_and_planners_add_a_contact(county, actor, expected):
    before = world()
    url = reverse("agencies:facility-contact-add", kwargs={"facility_id": county.school.pk})
    response = web_client(user_of(county, actor)).post(url, {"label": "Custodian", "phone": "630-555-0103"})
    assert response.status_code == expected
    if expected == 302 and actor != "anonymous":
        assert response["Location"].endswith("#contacts")
        assert FacilityContact.objects.get().label == "Custodian"
    else:
        assert world() == before


@covers("agencies:facility-contact-edit")
@pytest.mark.parametrize(("actor", "expected"), contact_editors(200))
def test_only_the_owner_agencys_admins_and_planners_open_a_contacts_form(county, principal, actor, expected):
    url = reverse(
        "agencies:facility-contact-edit", kwargs={"facility_id": county.school.pk, "contact_id": principal.pk}
    )
    response = web_client(user_of(county, actor)).get(url)
    assert response.status_code == expected
    if expected == 200:
        assert 'value="(630) 555-0101"' in response.content.decode()


@covers("agencies:facility-contact-delete")
@pytest.mark.parametrize(("actor", "expected"), contact_editors(302))
def test_only_the_owner_agencys_admins_and_planners_remove_a_contact(county, principal, actor, expected):
    before = world()
    url = reverse(
        "agencies:facility-contact-delete", kwargs={"facility_id": county.school.pk, "contact_id": principal.pk}
    )
    response = web_client(user_of(county, actor)).post(url)
    assert response.status_code == expected
    if expected == 302 and actor != "anonymous":
        assert not FacilityContact.objects.exists()
    else:
        assert world() == before


ASSIGNERS = matrix(
    anonymous=302,
    owner_admin=302,
    owner_planner=403,
    owner_liaison=403,
    owner_member=403,
    partner_view_liaison=403,
    partner_view_member=403,
    partner_comment_liaison=403,
    unrelated_admin=400,  # an admin, but not of the district: its form offers only their own agency
    staff=302,
)


@covers("agencies:facility-assignment-add")
@pytest.mark.parametrize(("actor", "expected"), ASSIGNERS)
def test_only_an_agencys_admins_assign_its_people_to_the_building(county, actor, expected):
    before = world()
    url = reverse("agencies:facility-assignment-add", kwargs={"facility_id": county.school.pk})
    body = {"agency": county.district.pk, "username": "district_member", "role": AssignmentRole.LIAISON}
    response = web_client(user_of(county, actor)).post(url, body)
    assert response.status_code == expected
    if expected == 302 and actor != "anonymous":
        assignment = PersonnelAssignment.objects.get()
        assert (assignment.user, assignment.started_on) == (county.owner_member, timezone.localdate())
    else:
        assert world() == before


@covers("agencies:facility-assignment-end")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=302,
        owner_admin=302,
        owner_planner=403,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=403,
        staff=302,
    ),
)
def test_only_an_agencys_admins_end_an_assignment_which_stays_as_history(county, actor, expected):
    assignment = personnel_assignment_create(
        user=county.owner_member,
        agency=county.district,
        facility=county.school,
        role=AssignmentRole.LIAISON,
        actor=SYSTEM,
    )
    before = world()
    url = reverse(
        "agencies:facility-assignment-end", kwargs={"facility_id": county.school.pk, "assignment_id": assignment.pk}
    )
    response = web_client(user_of(county, actor)).post(url)
    assert response.status_code == expected
    assignment.refresh_from_db()
    if expected == 302 and actor != "anonymous":
        assert assignment.ended_on == timezone.localdate()
    else:
        assert world() == before


# --- What the page shows ----------------------------------------------------------------------------------------


def test_a_bad_phone_number_comes_back_beside_its_field(county):
    url = reverse("agencies:facility-contact-add", kwargs={"facility_id": county.school.pk})
    response = web_client(county.owner_planner).post(url, {"label": "Custodian", "phone": "ask the office"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a phone number" in html
    assert 'id="add-contact"' in html
    assert not FacilityContact.objects.exists()


def test_partners_see_contacts_as_tap_to_call_links_and_an_unrelated_agency_does_not(county, principal, sro):
    partner = web_client(county.partner_view_member).get(page_url(county)).content.decode()
    assert 'href="tel:6305550101"' in partner
    assert "Ana Ortiz" in partner
    assert "Add a contact" not in partner  # only the owner keeps them
    unrelated = web_client(county.unrelated_admin).get(page_url(county)).content.decode()
    assert "Ana Ortiz" not in unrelated
    assert "Dana Reyes" in unrelated  # who the SRO is stays public, as before


def state_facts(version, facility, facts: dict, actor) -> None:
    """A draft states facts about the building, then is published (facts are set on drafts only)."""
    facility_facts_set(version=version, facility=facility, facts=facts, actor=actor)
    plan_version_publish(version=version, actor=actor)


def test_the_key_facts_block_leads_with_the_reunification_site_and_flags_agencies_that_differ(county):
    police_admin = member(county.police, Role.ADMIN, username="police_admin")
    police_plan = make_plan(owner=county.police, actor=police_admin, title="PD response", facilities=[county.school])
    state_facts(
        draft(police_plan, police_admin, "Perimeter."), county.school, {"staging_area": "South lot"}, police_admin
    )
    plan_share(plan=police_plan, agency=county.district, level=ShareLevel.VIEW, actor=police_admin)
    state_facts(
        county.draft,
        county.school,
        {"command_post": "Main office", "staging_area": "North lot", "reunification_site": "Valley Church"},
        county.owner_admin,
    )
    response = web_client(county.partner_view_liaison).get(page_url(county))
    block = response.context["key_facts"]
    assert [item.key for item in block] == [FactKey.REUNIFICATION_SITE, FactKey.STAGING_AREA, FactKey.COMMAND_POST]
    assert block[0].differing == []
    assert [plan.title for plan, _ in block[1].differing] == ["PD response"]
    html = response.content.decode()
    assert "Agencies differ" in html
    # The block comes first, then the officers and contacts, then the plans.
    assert html.index('id="at-a-glance"') < html.index('id="officers"') < html.index('id="plans-heading"')


def test_the_sro_history_lists_past_officers_with_their_dates(county, sro):
    personnel_assignment_end(assignment=sro, ended_on=timezone.localdate(), actor=SYSTEM)
    html = web_client(county.partner_view_liaison).get(page_url(county)).content.decode()
    assert "19 Aug 2024" in html
    assert "No School Resource Officer is assigned" in html


def test_my_buildings_lead_the_dashboard_and_the_directory(county, sro):
    dashboard = dashboard_html(web_client(county.partner_view_member))
    assert "My buildings" in dashboard
    assert dashboard.index("My buildings") < dashboard.index("own-plans") if "own-plans" in dashboard else True
    directory = web_client(county.partner_view_member).get(reverse("agencies:facility-list")).content.decode()
    assert directory.index("My buildings") < directory.index('id="facility-results"')
    assert "My buildings" not in dashboard_html(web_client(county.owner_member))


@pytest.mark.parametrize(("plans", "officers", "contacts"), [(0, 1, 1), (12, 10, 15)])
@pytest.mark.parametrize("actor", ["owner_admin", "partner_view_liaison"])
def test_the_building_page_takes_the_same_queries_for_few_and_many(
    county, plans, officers, contacts, actor, django_assert_max_num_queries
):
    crowd_the_school(county, plans=plans, officers=officers)
    for number in range(contacts):
        facility_contact_create(facility=county.school, label=f"Line {number}", phone="630-555-0100", actor=SYSTEM)
    for assignment in PersonnelAssignment.objects.all()[: officers // 2]:
        personnel_assignment_end(assignment=assignment, actor=SYSTEM)
    DrillScene(county)  # the district's own set applied to the school: its drills counted on the page
    client = web_client(user_of(county, actor))
    with django_assert_max_num_queries(BUILDING_PAGE_MAX_QUERIES):
        response = client.get(page_url(county))
    assert len(response.context["contacts"]) == contacts


# --- In a real browser ------------------------------------------------------------------------------------------


@pytest.fixture
def field_county(web_county, sro, principal):
    facts = {
        "reunification_site": "Valley Community Church, 40 Church Street",
        "staging_area": "North parking lot",
        "command_post": "Main office",
    }
    state_facts(web_county.draft, web_county.school, facts, web_county.owner_admin)
    return web_county


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "building-phone"), (None, "building-desktop")])
def test_the_sro_opens_their_school_from_the_dashboard_and_sees_what_to_do_in_two_screens(
    page, live_server, field_county, console_errors, viewport, name
):
    if viewport:
        page.set_viewport_size(viewport)
    sign_in(page, live_server, "police_officer")
    mine = page.get_by_role("region", name="My buildings")
    mine.get_by_role("link", name="Maple Valley High").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maple Valley High")
    height = page.viewport_size["height"]
    two_screens = 2 * height
    for locator in (
        page.locator("#at-a-glance").get_by_text("Valley Community Church, 40 Church Street"),
        page.locator("#officers").get_by_text("Dana Reyes"),
        page.get_by_role("link", name="Call (630) 555-0101"),
    ):
        expect(locator).to_be_visible()
        box = locator.bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= two_screens, locator
    expect(page.get_by_role("link", name="Call (630) 555-0101")).to_have_attribute("href", "tel:6305550101")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    screenshot(page, name)
    assert console_errors == []


@pytest.fixture
def packet_worker():
    """A real Celery worker on the test Redis broker: it lays out the field packet (the `exports` queue)."""
    celery_app.control.purge()  # messages left by earlier tests refer to rows that are gone
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30) as started:
        yield started


def test_the_officer_sees_the_evacuation_map_and_takes_the_field_packet_on_a_phone(
    page, live_server, field_county, packet_worker, tmp_path, console_errors
):
    """Issue 16's walk on a 375 px phone: the evacuation map is within the first two screens with the key facts,
    the SRO and the tap-to-call contact; the field packet is made on the worker and downloaded; its first page
    becomes docs/screenshots/field-packet-page.png."""
    add_document(
        field_county,
        title="Evacuation routes",
        kind=DocumentKind.EVACUATION_ROUTES,
        upload=png("evacuation.png", "red", (600, 400)),
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "police_officer")
    page.get_by_role("region", name="My buildings").get_by_role("link", name="Maple Valley High").click()
    evacuation_map = page.get_by_role("img", name="Evacuation routes: Evacuation routes")
    expect(evacuation_map).to_be_visible()
    box = evacuation_map.bounding_box()
    assert box is not None
    assert box["y"] <= 2 * page.viewport_size["height"]

    page.get_by_role("link", name="Field packet (PDF)").click()
    page.get_by_role("button", name="Make the field packet").click()
    download_link = page.get_by_role("link", name="Download the field packet (PDF)")
    expect(download_link).to_be_visible(timeout=90_000)  # the status page polls until the worker is done
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    screenshot(page, "field-packet-phone")
    with page.expect_download() as download_info:
        download_link.click()
    pdf_path = tmp_path / "packet.pdf"
    download_info.value.save_as(pdf_path)
    text = " ".join(packet_text(pdf_path.read_bytes()))
    for expected in ("Valley Community Church, 40 Church Street", "Dana Reyes", "Maple Valley High crisis plan"):
        assert expected in text
    pdf_first_page_png(pdf_path, "field-packet-page")
    assert console_errors == []

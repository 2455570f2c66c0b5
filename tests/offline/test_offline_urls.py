"""Offline copies (issue 16, item 5): the list of what a person's device may keep lists only their own buildings
and what they may read there now, never a law-enforcement-sensitive plan or map unless its agency allows it; the
installable app's manifest and worker come from Concord under its policy; signing out clears the browser."""

import datetime

import pytest
from django.urls import reverse

from access.actors import SYSTEM
from accounts.services import sign_out_everywhere
from agencies.models import Agency, AssignmentRole, PersonnelAssignment
from agencies.services import agency_update, personnel_assignment_create, personnel_assignment_end
from plans.models import Classification, PlanKind, ShareLevel
from plans.services import plan_share, plan_unshare, plan_version_publish
from tests.buildings.helpers import add_document
from tests.conftest import web_client
from tests.packets.helpers import made_packet
from tests.permission_matrix import ACTORS, covers, matrix, user_of
from tests.plans.factories import make_plan, publish

URL = "/offline/urls/"


def facility_url(county) -> str:
    return reverse("agencies:facility-detail", kwargs={"facility_id": county.school.pk})


def plan_url(plan) -> str:
    return reverse("plans:detail", kwargs={"plan_id": plan.pk})


def assign(county, user, agency):
    return personnel_assignment_create(
        user=user,
        agency=agency,
        facility=county.school,
        role=AssignmentRole.SCHOOL_RESOURCE_OFFICER if agency.kind == "police" else AssignmentRole.OTHER,
        started_on=datetime.date(2024, 8, 19),
        actor=SYSTEM,
        announce=False,
    )


def kept(user) -> list[str]:
    response = web_client(user).get(URL)
    assert response.status_code == 200, response.content
    return response.json()["urls"]


def sensitive_plan(county, *, shared_with=None, title="Active threat annex"):
    plan = make_plan(
        owner=county.district,
        actor=county.owner_admin,
        title=title,
        kind=PlanKind.OTHER,
        classification=Classification.LAW_ENFORCEMENT_SENSITIVE,
        facilities=[county.school],
    )
    publish(plan, county.owner_admin, "Rally point: the east gym.", "Breach team enters from the north.")
    if shared_with is not None:
        plan_share(plan=plan, agency=shared_with, level=ShareLevel.VIEW, actor=county.owner_admin)
    return plan


@pytest.fixture
def officer(county):
    """The police officer, their school's School Resource Officer."""
    assign(county, county.partner_view_member, county.police)
    return county.partner_view_member


# --- Who may keep what (every actor) -----------------------------------------------------------------------------

KEEPS = {**dict.fromkeys(ACTORS, 200), "anonymous": 401}


@covers("offline:urls")
@pytest.mark.parametrize(("actor", "expected"), matrix(**KEEPS))
def test_each_person_keeps_only_what_they_may_read_at_their_own_buildings(county, actor, expected):
    unshared = make_plan(
        owner=county.district, actor=county.owner_admin, title="Staff only", facilities=[county.school]
    )
    publish(unshared, county.owner_admin, "Internal.", "Internal.")
    sensitive_plan(county, shared_with=county.police)
    add_document(county, title="Tactical map", classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    user = user_of(county, actor)
    memberships = list(user.memberships.select_related("agency")) if user is not None else []
    if memberships:
        assign(county, user, memberships[0].agency)
    client = web_client(user)
    response = client.get(URL)
    assert response.status_code == expected
    assert "no-store" in response["Cache-Control"]
    if expected != 200:
        assert response.json()["urls"] == []
        return
    urls = response.json()["urls"]
    # Nothing the person may not open: each URL answers them 200 now.
    for url in urls:
        assert client.get(url).status_code == 200, url
    if not memberships:  # staff: assigned to no building, keeps nothing
        assert urls == []
        return
    assert urls[0] == facility_url(county)
    # No law-enforcement-sensitive plan or map: the district has not allowed offline copies.
    assert not [url for url in urls if "/documents/" in url]
    shared_with_them = actor.startswith(("owner", "partner"))
    assert (plan_url(county.plan) in urls) == shared_with_them
    assert (plan_url(unshared) in urls) == actor.startswith("owner")


def test_an_officer_keeps_their_school_and_its_plan_they_read(county, officer):
    assert kept(officer) == [facility_url(county), plan_url(county.plan)]
    buildings = web_client(officer).get(URL).json()["buildings"]
    assert buildings == [{"name": "Maple Valley High", "url": facility_url(county)}]


def test_signing_out_everywhere_else_leaves_the_other_devices_nothing_to_keep(county, officer):
    phone, desk = web_client(officer), web_client(officer)
    assert phone.get(URL).status_code == 200
    sign_out_everywhere(user=officer, actor=officer, keep_session_key=desk.session.session_key)
    assert phone.get(URL).status_code == 401
    assert desk.get(URL).status_code == 200


def test_buildings_the_person_is_not_assigned_to_are_not_kept(county):
    assert kept(county.partner_view_member) == []
    assignment = assign(county, county.partner_view_member, county.police)
    assert kept(county.partner_view_member)
    personnel_assignment_end(assignment=assignment, actor=SYSTEM)
    assert kept(county.partner_view_member) == []


def test_a_revoked_share_leaves_the_list(county, officer):
    plan_unshare(plan=county.plan, agency=county.police, actor=county.owner_admin)
    assert kept(officer) == [facility_url(county)]


def test_sensitive_plans_are_kept_only_once_their_agency_allows_it(county, officer):
    plan = sensitive_plan(county, shared_with=county.police)
    assert plan_url(plan) not in kept(officer)
    agency_update(agency=county.district, actor=SYSTEM, les_offline_copies=True)
    assert plan_url(plan) in kept(officer)
    # Another agency's setting does not count: the plan's owner decides.
    agency_update(agency=county.district, actor=SYSTEM, les_offline_copies=False)
    agency_update(agency=county.police, actor=SYSTEM, les_offline_copies=True)
    assert plan_url(plan) not in kept(officer)


def test_a_sensitive_plan_that_needs_a_second_factor_is_not_kept_without_one(county, officer):
    plan = sensitive_plan(county, shared_with=county.police)
    agency_update(agency=county.district, actor=SYSTEM, les_offline_copies=True, les_read_requires_mfa=True)
    assert plan_url(plan) not in kept(officer)


def test_maps_are_kept_and_sensitive_ones_only_when_allowed(county, officer):
    site_map = add_document(county, title="Site map")
    tactical = add_document(county, title="Tactical map", classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    plan_share(plan=sensitive_plan(county), agency=county.police, level=ShareLevel.VIEW, actor=county.owner_admin)

    def file_url(document):
        return reverse(
            "buildings:document-file",
            kwargs={"facility_id": county.school.pk, "document_id": document.pk, "number": 1},
        )

    urls = kept(officer)
    assert file_url(site_map) in urls
    assert file_url(tactical) not in urls
    agency_update(agency=county.district, actor=SYSTEM, les_offline_copies=True)
    assert file_url(tactical) in kept(officer)


def test_the_list_takes_the_same_queries_for_one_building_and_many(county, officer, django_assert_max_num_queries):
    client = web_client(officer)
    with django_assert_max_num_queries(12) as few:
        client.get(URL)
    for number in range(6):
        plan = make_plan(
            owner=county.district, actor=county.owner_admin, title=f"Annex {number}", facilities=[county.school]
        )
        publish(plan, county.owner_admin, "A.", "B.")
        plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=county.owner_admin)
        add_document(county, title=f"Map {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        urls = client.get(URL).json()["urls"]
    assert len(urls) == 1 + 7 + 6


def packet_url(packet) -> str:
    return reverse("packets:file", kwargs={"packet_id": packet.pk})


def test_the_officers_latest_field_packet_is_kept_until_a_plan_in_it_moves_on(county, officer):
    older = made_packet(county, officer)
    latest = made_packet(county, officer)
    made_packet(county, county.owner_admin)  # the district admin's own packet is theirs alone
    urls = kept(officer)
    assert packet_url(latest) in urls
    assert packet_url(older) not in urls
    assert [url for url in urls if url.startswith("/packets/")] == [packet_url(latest)]
    # The district publishes its next version: the packet holds last year's plan and leaves the device.
    plan_version_publish(version=county.draft, actor=county.owner_admin)
    assert packet_url(latest) not in kept(officer)
    assert packet_url(made_packet(county, officer)) in kept(officer)


def test_a_packet_holding_a_sensitive_plan_is_kept_only_once_its_agency_allows_it(county, officer):
    sensitive_plan(county, shared_with=county.police)
    packet = made_packet(county, officer)
    assert packet_url(packet) not in kept(officer)
    agency_update(agency=county.district, actor=SYSTEM, les_offline_copies=True)
    assert packet_url(packet) in kept(officer)


# --- The installable app ----------------------------------------------------------------------------------------


def test_the_service_worker_is_served_from_the_root_for_the_whole_site(client):
    response = client.get("/service-worker.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "/offline/urls/" in response.content.decode()


def test_the_manifest_names_the_app_and_its_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    data = response.json()
    assert data["start_url"] == "/"
    assert data["display"] == "standalone"
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_the_policy_lets_the_pages_register_the_worker_and_manifest(county, officer):
    page = web_client(officer).get(facility_url(county))
    policy = page["Content-Security-Policy"]
    assert "worker-src 'self'" in policy
    assert "manifest-src 'self'" in policy
    text = page.content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in text
    assert "<!--offline-copy-->" in text


def test_pages_kept_offline_stay_out_of_the_http_cache(county, officer):
    client = web_client(officer)
    for url in (facility_url(county), plan_url(county.plan)):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control
        assert "private" in cache_control


def test_signing_out_tells_the_browser_to_clear_what_it_kept(county, officer):
    client = web_client(officer)
    assert "Clear-Site-Data" not in client.get("/accounts/logout/")  # the confirmation page signs no one out
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get(URL).status_code == 401


# --- The agency's setting ---------------------------------------------------------------------------------------

ADMINS_AND_STAFF = {**dict.fromkeys(ACTORS, 403), "owner_admin": 302, "staff": 302, "anonymous": 302}


@covers("agencies:settings-offline")
@pytest.mark.parametrize(("actor", "expected"), matrix(**ADMINS_AND_STAFF))
def test_only_agency_admins_and_staff_allow_offline_copies_of_sensitive_plans(county, actor, expected):
    client = web_client(user_of(county, actor))
    url = reverse("agencies:settings-offline", kwargs={"agency_id": county.district.pk})
    response = client.post(url, {"offline-les_offline_copies": "on"})
    assert response.status_code == expected
    allowed = Agency.objects.get(pk=county.district.pk).les_offline_copies
    assert allowed == (actor in ("owner_admin", "staff"))
    if allowed:
        assert response["Location"].endswith("/settings/#offline")


def test_the_setting_is_off_by_default_and_shown_on_the_settings_page(county):
    assert not county.district.les_offline_copies
    page = web_client(county.owner_admin).get(reverse("agencies:settings", kwargs={"agency_id": county.district.pk}))
    assert "Law-enforcement-sensitive plans may be kept offline" in page.content.decode()


def test_the_api_reads_and_changes_the_setting(county):
    from tests.conftest import client_for

    api = client_for(county.owner_admin)
    url = f"/api/v1/agencies/{county.district.pk}/"
    assert api.get(url).json()["les_offline_copies"] is False
    assert api.patch(url, {"les_offline_copies": True}, format="json").json()["les_offline_copies"] is True
    assert Agency.objects.get(pk=county.district.pk).les_offline_copies
    assert PersonnelAssignment.objects.count() == 0

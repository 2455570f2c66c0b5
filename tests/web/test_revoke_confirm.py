"""Issue 13, item 6: revoking a partner's share is never one click. Revoke opens a page that names the agency and
what it loses (the plan and its versions, its alerts, its pending acknowledgement and concurrence, how many of
its people lose access); only its button revokes, through the same service (audited, alerted)."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from playwright.sync_api import expect

from access.actors import SYSTEM
from agencies.models import Role
from agencies.services import membership_add
from audit.models import AuditAction, AuditEvent
from plans.models import Classification, Plan, PlanShare
from plans.services import plan_version_acknowledge
from tests.agencies.factories import member
from tests.conftest import web_client
from tests.permission_matrix import covers, matrix, user_of
from tests.reviews.concurrence_helpers import change_request, record
from tests.web.conftest import DESKTOP, PHONE, screenshot, sign_in


def confirm_url(county, agency) -> str:
    return f"/plans/{county.plan.pk}/unshare/?agency={agency.pk}"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def shares(county) -> set[tuple[int, str]]:
    return set(PlanShare.objects.filter(plan=county.plan).values_list("agency_id", "level"))


# --- The confirmation page --------------------------------------------------------------------------------------


def test_the_confirmation_names_the_agency_and_what_it_loses_and_revokes_nothing(county):
    # The officer read it personally: the owner is told the agency's acknowledgement only, never its people's.
    plan_version_acknowledge(version=county.published, actor=county.partner_view_member)
    response = web_client(county.owner_admin).get(confirm_url(county, county.police))
    assert response.status_code == 200
    page = text_of(response.content.decode())
    assert "Revoke Ridgeford Police's access to “Maple Valley High crisis plan”?" in page
    assert "Ridgeford Police has had view access since" in page
    assert "What Ridgeford Police loses" in page
    assert "its 1 published version" in page
    assert "2 people in Ridgeford Police lose access (of 2 active members)" in page
    assert "Its alerts about this plan." in page
    assert "Ridgeford Police has not acknowledged the current version yet;" in page
    assert "of its people did" not in page
    assert "police_officer" not in page
    assert "Its concurrence is pending" in page
    assert "Revoke Ridgeford Police's access" in page
    assert f'href="/plans/{county.plan.pk}/#sharing"' in response.content.decode()  # cancel
    # Looking is not revoking.
    assert PlanShare.objects.filter(plan=county.plan, agency=county.police).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.PLAN_UNSHARE).exists()


def test_the_confirmation_says_what_the_agency_already_recorded_is_kept(county):
    plan_version_acknowledge(version=county.published, actor=county.partner_comment_liaison)
    record(county.partner_comment_liaison, county.published, "changes_requested", note="Stage at lot B.")
    change_request(county.plan, county.published, county.fire, county.partner_comment_liaison)
    change_request(county.plan, county.published, county.fire, county.partner_comment_liaison)
    change_request(county.plan, county.published, county.police, county.partner_view_liaison)  # not the fire's
    page = text_of(web_client(county.owner_admin).get(confirm_url(county, county.fire)).content.decode())
    assert "Ridgeford Fire acknowledged v1 on" in page
    assert "that record is kept" in page
    assert "It requested changes (recorded" in page
    assert "2 open change requests." in page
    assert "1 person in Ridgeford Fire loses access (of 1 active member)" in page


def test_people_who_keep_the_plan_through_another_agency_are_not_counted_as_losing_it(county):
    # The police officer is also a member of the fire district, which keeps its share.
    membership_add(agency=county.fire, user=county.partner_view_member, role=Role.MEMBER, actor=SYSTEM)
    page = text_of(web_client(county.owner_admin).get(confirm_url(county, county.police)).content.decode())
    assert "1 person in Ridgeford Police loses access (of 2 active members; 1 keeps it as a member" in page


def test_revoking_a_public_plan_says_its_people_can_still_read_it(county):
    Plan.objects.filter(pk=county.plan.pk).update(classification=Classification.PUBLIC)
    page = text_of(web_client(county.owner_admin).get(confirm_url(county, county.police)).content.decode())
    assert "The plan is public, so everyone signed in can still read its published versions" in page
    assert "0 people in Ridgeford Police lose access" in page


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ("", 400, "Choose the partner whose access to revoke."),
        ("?agency=", 400, "Choose the partner whose access to revoke."),
        ("?agency=police", 400, "from the plan's Sharing panel"),
        ("?agency=-3", 400, "from the plan's Sharing panel"),
    ],
)
def test_a_confirmation_without_a_partner_is_a_clear_400(county, query, status, says):
    response = web_client(county.owner_admin).get(f"/plans/{county.plan.pk}/unshare/{query}")
    assert response.status_code == status
    page = html.unescape(text_of(response.content.decode()))
    assert says in page
    assert "Revoke a partner's access" in page


def test_the_confirmation_for_an_agency_the_plan_is_not_shared_with_is_404(county):
    assert web_client(county.owner_admin).get(confirm_url(county, county.unrelated)).status_code == 404
    assert web_client(county.owner_admin).get(confirm_url(county, county.district)).status_code == 404
    huge = f"/plans/{county.plan.pk}/unshare/?agency=99999999999999999999"
    assert web_client(county.owner_admin).get(huge).status_code == 404


@covers("plans:unshare")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=302,
        owner_admin=200,
        owner_planner=403,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_only_owner_admins_see_the_confirmation(county, actor, expected):
    before = shares(county)
    response = web_client(user_of(county, actor)).get(confirm_url(county, county.police))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/")
    if expected != 200:
        assert b"What Ridgeford Police loses" not in response.content
    assert shares(county) == before


def test_the_confirmation_reads_as_many_queries_for_20_people_and_partners_as_for_2(county):
    client = web_client(county.owner_admin)

    def count() -> int:
        client.get(confirm_url(county, county.police))  # warm-up (session, caches)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(confirm_url(county, county.police))
        assert response.status_code == 200
        return len(queries)

    few = count()
    for i in range(18):
        person = member(county.police, Role.MEMBER, username=f"officer_{i}")
        plan_version_acknowledge(version=county.published, actor=person)
        change_request(county.plan, county.published, county.police, county.partner_view_liaison)
    many = count()
    assert many == few
    assert "20 people in Ridgeford Police lose access" in text_of(
        client.get(confirm_url(county, county.police)).content.decode()
    )
    assert few <= 20


# --- In the browser ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")])
def test_one_click_on_revoke_no_longer_revokes_confirming_does_and_is_audited(
    page, live_server, web_county, viewport, console_errors
):
    county = web_county
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "district_admin")
    page.goto(f"{live_server.url}/plans/{county.plan.pk}/#sharing")
    sharing = page.locator("#sharing")
    police_row = sharing.get_by_role("row", name=re.compile("Ridgeford Police"))
    police_row.get_by_role("link", name=re.compile("^Revoke")).click()

    # One click shows what would be lost; nothing is revoked yet.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Revoke Ridgeford Police's access to “Maple Valley High crisis plan”?"
    )
    assert PlanShare.objects.filter(plan=county.plan, agency=county.police).exists()
    loses = page.get_by_role("region", name="What Ridgeford Police loses")
    expect(loses).to_contain_text("2 people in Ridgeford Police lose access")
    expect(loses).to_contain_text("Its alerts about this plan.")
    expect(loses).to_contain_text("Acknowledgement of v1.")
    expect(loses).to_contain_text("Concurrence with v1.")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, "revoke-confirm-phone" if viewport == PHONE else "revoke-confirm-desktop")

    # Cancel goes back to the Sharing panel with the share intact.
    page.get_by_role("link", name="Cancel, keep sharing with Ridgeford Police").click()
    expect(page).to_have_url(re.compile(rf"/plans/{county.plan.pk}/#sharing$"))
    expect(page.locator("#sharing").get_by_role("row", name=re.compile("Ridgeford Police"))).to_be_visible()
    assert PlanShare.objects.filter(plan=county.plan, agency=county.police).exists()

    # Confirming revokes, says so beside the Sharing panel, and is audited.
    page.locator("#sharing").get_by_role("row", name=re.compile("Ridgeford Police")).get_by_role(
        "link", name=re.compile("^Revoke")
    ).click()
    page.get_by_role("button", name="Revoke Ridgeford Police's access").click()
    expect(page).to_have_url(re.compile(rf"/plans/{county.plan.pk}/#sharing$"))
    message = page.locator("#sharing").get_by_role("status")
    expect(message).to_contain_text("Revoked Ridgeford Police's access.")
    expect(message).to_be_in_viewport()
    expect(page.locator("#sharing").get_by_role("row", name=re.compile("Ridgeford Police"))).to_have_count(0)
    assert not PlanShare.objects.filter(plan=county.plan, agency=county.police).exists()
    event = AuditEvent.objects.get(action=AuditAction.PLAN_UNSHARE)
    assert event.actor == county.owner_admin
    assert event.details == {"partner": county.police.pk}
    assert console_errors == []

"""Partner concurrence in the web portal: the plan page's panels, recording with POST+CSRF, the printable record,
its CSV, the dashboard panel; 404 for what one may not see, 403 for what one may not do, a fixed number of queries.
"""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import Role
from plans import services as plan_services
from plans.models import ShareLevel
from reviews.models import Concurrence
from tests.agencies.factories import AgencyFactory, member
from tests.conftest import web_client
from tests.dashboard import dashboard_html
from tests.permission_matrix import covers, matrix, user_of
from tests.reviews.concurrence_helpers import change_request, record

User = get_user_model()


def plan_page(client, plan) -> str:
    response = client.get(f"/plans/{plan.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def post_outcome(client, plan, number=1, **data):
    return client.post(f"/plans/{plan.pk}/concurrence/", {"version": number, **data})


def test_a_partner_liaison_sees_the_form_with_the_agency_open_change_requests(county):
    change_request(county.plan, county.published, county.fire, county.partner_comment_liaison, body="Move staging")
    html = plan_page(web_client(county.partner_comment_liaison), county.plan)
    assert f'action="/plans/{county.plan.pk}/concurrence/"' in html
    assert "Concurrence with v1" in html
    assert "Move staging" in html
    assert "Pending" in html
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.parametrize("actor", ["partner_view_member", "owner_admin", "owner_member"])
def test_people_who_may_not_record_see_no_form(county, actor):
    html = plan_page(web_client(user_of(county, actor)), county.plan)
    assert '/concurrence/"' not in html
    assert "Record concurrence" not in html


def test_owner_members_see_every_partner_status_who_and_when(county):
    record(county.partner_comment_liaison, county.published, "changes_requested", note="Staging area moved.")
    html = plan_page(web_client(county.owner_member), county.plan)
    assert "Partner concurrence with v1" in html
    assert "0 concur · 1 requested changes · 1 pending, of 2 partner agencies." in html
    assert "fire_liaison" in html
    assert "Staging area moved." in html
    assert f'href="/plans/{county.plan.pk}/concurrence/record/"' in html


def test_recording_concur_through_the_form(county):
    client = web_client(county.partner_comment_liaison)
    response = post_outcome(client, county.plan, outcome="concur", note="Reviewed at the station.")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/plans/{county.plan.pk}/#concurrence")
    row = Concurrence.objects.get()
    assert (row.agency, row.outcome, row.recorded_by) == (county.fire, "concur", county.partner_comment_liaison)
    html = plan_page(client, county.plan)
    assert "Recorded for Ridgeford Fire: concur with v1." in html
    assert "Concurs" in html


def test_the_form_needs_the_csrf_token(county):
    client = web_client(county.partner_comment_liaison, enforce_csrf_checks=True)
    assert post_outcome(client, county.plan, outcome="concur").status_code == 403
    assert not Concurrence.objects.exists()


def test_changes_requested_without_a_reason_is_refused_with_a_message(county):
    client = web_client(county.partner_comment_liaison)
    response = post_outcome(client, county.plan, outcome="changes_requested", note="")
    assert response.status_code == 302
    assert not Concurrence.objects.exists()
    assert "Say which changes you request" in plan_page(client, county.plan)


def test_a_version_published_while_reading_is_not_concurred_with(county):
    plan_services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    client = web_client(county.partner_comment_liaison)
    post_outcome(client, county.plan, 1, outcome="concur")
    assert not Concurrence.objects.exists()
    assert "v2 was published while you were reading v1" in plan_page(client, county.plan)


RECORD_POST = matrix(
    anonymous=302,
    owner_admin=403,
    owner_planner=403,
    owner_liaison=403,
    owner_member=403,
    partner_view_liaison=302,
    partner_view_member=403,
    partner_comment_liaison=302,
    unrelated_admin=404,
    staff=404,
)


@covers("concurrence:record")
@pytest.mark.parametrize(("actor", "expected"), RECORD_POST)
def test_who_may_post_an_outcome(county, actor, expected):
    response = post_outcome(web_client(user_of(county, actor)), county.plan, outcome="concur")
    assert response.status_code == expected
    recorded = Concurrence.objects.exists()
    assert recorded == (actor in ("partner_view_liaison", "partner_comment_liaison"))


OWNER_PAGES = matrix(
    anonymous=302,
    owner_admin=200,
    owner_planner=200,
    owner_liaison=200,
    owner_member=200,
    partner_view_liaison=403,
    partner_view_member=403,
    partner_comment_liaison=403,
    unrelated_admin=404,
    staff=404,
)


@pytest.mark.parametrize(("actor", "expected"), OWNER_PAGES)
@pytest.mark.parametrize(
    "tail",
    [
        pytest.param("record/", marks=covers("concurrence:print")),
        pytest.param("record.csv", marks=covers("concurrence:csv")),
    ],
)
def test_who_may_read_the_record(county, actor, expected, tail):
    record(county.partner_comment_liaison, county.published, "changes_requested", note="Staging area moved.")
    response = web_client(user_of(county, actor)).get(f"/plans/{county.plan.pk}/concurrence/{tail}")
    assert response.status_code == expected
    if expected != 200:
        assert b"Staging area moved." not in response.content


def test_the_printable_record_lists_versions_partners_history_and_links_the_csv(county):
    record(county.partner_comment_liaison, county.published, "changes_requested", note="Staging area moved.")
    record(county.partner_comment_liaison, county.published, "concur", note="Fixed.")
    plan_services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    response = web_client(county.owner_member).get(f"/plans/{county.plan.pk}/concurrence/record/")
    html = response.content.decode()
    assert "Concurrence record: Maple Valley High crisis plan" in html
    assert "v2 (current)" in html
    assert "v1 (superseded)" in html
    assert county.published.content_sha256 in html
    assert html.index("Fixed.") < html.index("Staging area moved.")  # newest first, history kept
    assert "Pending" in html
    assert f'href="/plans/{county.plan.pk}/concurrence/record.csv"' in html
    assert "data-print" in html
    assert "<style" not in html
    assert "<script>" not in html


def test_the_csv_download_holds_the_record(county):
    record(county.partner_view_liaison, county.published, "concur", note="Patrol briefed.")
    response = web_client(county.owner_admin).get(f"/plans/{county.plan.pk}/concurrence/record.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {(row["agency"], row["outcome"], row["note"]) for row in rows} == {
        ("Ridgeford Police", "concur", "Patrol briefed."),
        ("Ridgeford Fire", "pending", ""),
    }


def test_the_dashboard_counts_partners_still_pending(county):
    record(county.partner_view_liaison, county.published, "concur")
    client = web_client(county.owner_admin)
    html = dashboard_html(client)
    assert "Partner concurrence" in html
    assert "1 of 2 partners pending" in html
    record(county.partner_comment_liaison, county.published, "changes_requested", note="No.")
    html = dashboard_html(client)
    assert "1 requested changes" in html
    assert "partners pending" not in html
    record(county.partner_comment_liaison, county.published, "concur")
    html = dashboard_html(client)
    assert "is waiting for a partner" in html


# --- a fixed number of queries, however many partners and records ---------------------------------------------


def add_partners(county, start: int, stop: int) -> None:
    """Partners numbered start..stop-1, each with a liaison who recorded twice on the current version."""
    for i in range(start, stop):
        agency = AgencyFactory(name=f"Partner {i:03}", slug=f"partner-{i:03}")
        plan_services.plan_share(plan=county.plan, agency=agency, level=ShareLevel.VIEW, actor=county.owner_admin)
        liaison = member(agency, Role.LIAISON)
        change_request(county.plan, county.published, agency, liaison)
        record(liaison, county.published, "changes_requested")
        record(liaison, county.published, "concur", note=f"Fine {i}")


def queries_for(user, url: str) -> tuple[int, str]:
    client = web_client(User.objects.get(pk=user.pk))
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize(
    ("actor", "tail"),
    [
        ("owner_member", ""),
        ("partner_comment_liaison", ""),
        ("owner_member", "concurrence/record/"),
        ("owner_member", "concurrence/record.csv"),
    ],
)
def test_concurrence_pages_make_as_many_queries_for_20_partners_as_for_2(county, actor, tail):
    url = f"/plans/{county.plan.pk}/{tail}"
    add_partners(county, 0, 2)
    few, _ = queries_for(user_of(county, actor), url)
    add_partners(county, 2, 20)
    many, body = queries_for(user_of(county, actor), url)
    assert many == few
    if actor == "owner_member":
        assert "Partner 019" in body


@pytest.mark.parametrize("tail", ["versions/1/concurrences/", "concurrence-record/", "concurrence-record/?format=csv"])
def test_concurrence_api_makes_as_many_queries_for_20_partners_as_for_2(county, tail):
    from rest_framework.test import APIClient

    url = f"/api/v1/plans/{county.plan.pk}/{tail}"

    def count() -> int:
        client = APIClient()
        client.force_authenticate(User.objects.get(pk=county.owner_admin.pk))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.content
        return len(queries)

    add_partners(county, 0, 2)
    few = count()
    add_partners(county, 2, 20)
    assert count() == few


def test_the_dashboard_panel_is_one_query_whatever_the_number_of_plans(county, django_assert_max_num_queries):
    from reviews.concurrence_selectors import dashboard_concurrence_pending

    add_partners(county, 0, 5)
    with django_assert_max_num_queries(1):
        plans = list(dashboard_concurrence_pending(user=county.owner_admin, agency=county.district))
    assert [(p.partner_count, p.pending_count, p.changes_count) for p in plans] == [(7, 2, 0)]


def test_a_partner_liaison_sees_on_the_dashboard_which_plans_wait_for_its_concurrence(county):
    dashboard = dashboard_html(web_client(county.partner_comment_liaison))
    panel = dashboard.split('id="concurrence-requested-heading"', 1)[1].split("</section>", 1)[0]
    assert f'href="/plans/{county.plan.pk}/#concurrence"' in panel
    record(county.partner_comment_liaison, county.published)
    dashboard = dashboard_html(web_client(county.partner_comment_liaison))
    panel = dashboard.split('id="concurrence-requested-heading"', 1)[1].split("</section>", 1)[0]
    assert f'href="/plans/{county.plan.pk}/#concurrence"' not in panel
    assert "has answered every partner plan" in panel
    # A new version asks again.
    plan_services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    dashboard = dashboard_html(web_client(county.partner_comment_liaison))
    assert f'href="/plans/{county.plan.pk}/#concurrence"' in dashboard.split('id="concurrence-requested-heading"')[1]


def test_only_those_who_may_concur_see_the_request_panel(county):
    for user, shown in ((county.partner_view_member, False), (county.partner_view_liaison, True)):
        dashboard = dashboard_html(web_client(user))
        assert ('id="concurrence-requested-heading"' in dashboard) is shown


def test_the_request_panel_is_one_query_whatever_the_number_of_plans(county, django_assert_max_num_queries):
    from reviews.concurrence_selectors import dashboard_concurrence_requested

    for index in range(5):
        plan = plan_services.plan_create(
            actor=county.owner_admin,
            title=f"Annex {index}",
            kind="school_eop",
            owner_agency=county.district,
            facilities=[county.school],
        )
        plan_services.plan_share(plan=plan, agency=county.fire, level=ShareLevel.COMMENT, actor=county.owner_admin)
        draft = plan_services.plan_version_create_draft(plan=plan, actor=county.owner_admin)
        plan_services.plan_version_publish(version=draft, actor=county.owner_admin)
    with django_assert_max_num_queries(1):
        plans = [
            (p.title, p.owner_agency.name, p.current_version.number)
            for p in dashboard_concurrence_requested(user=county.partner_comment_liaison, agency=county.fire)
        ]
    assert len(plans) == 6

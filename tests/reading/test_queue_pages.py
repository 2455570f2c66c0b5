"""The "To read" pages as the person uses them: what changed since the version they read, one button, then the
next item; the dashboard panel and the header link; the API's items; the owner not asked about its own plan."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from access.actors import SYSTEM
from agencies.services import agency_update
from audit.models import AuditAction, AuditEvent
from plans import services
from plans.models import Acknowledgement, Classification
from reading.models import ReadingObligation
from tests.conftest import client_for, web_client
from tests.dashboard import dashboard_html, dashboard_query_counts
from tests.plans.factories import make_plan, publish
from tests.reading.queue_scene import publish_next, require, shared_plans

User = get_user_model()


def html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_an_item_shows_only_what_changed_since_the_version_the_person_read(county):
    officer = county.partner_view_member
    require(county.police, county.plan)
    services.plan_version_acknowledge(version=county.published, actor=officer)
    publish_next(county)
    page = html(web_client(officer), f"/to-read/{county.plan.pk}/")
    assert "What changed since v1, the version you read" in page
    assert "<del>north field.</del>" in page
    assert "<ins>stadium.</ins>" in page
    assert page.index('id="changed-facts"') < page.index('id="change-section-1"')  # key facts first
    assert "Unchanged sections" in page
    assert "I have read version 2" in page


def test_an_item_never_read_shows_the_whole_current_version(county):
    require(county.police, county.plan)
    page = html(web_client(county.partner_view_member), f"/to-read/{county.plan.pk}/")
    assert "You have not read a version of this plan yet" in page
    assert "Evacuate to the north field." in page
    assert "<ins>" not in page


def test_acknowledging_opens_the_next_item_and_the_last_says_all_read(county):
    officer = county.partner_view_member
    first, second = shared_plans(county, 2)
    ReadingObligation.objects.filter(plan=first).update(due_at=timezone.now() - timedelta(days=1))
    client = web_client(officer)
    response = client.post(f"/to-read/{first.pk}/", {"version": 1})
    assert response["Location"] == f"/to-read/{second.pk}/"
    assert Acknowledgement.objects.filter(user=officer, version=first.current_version).exists()
    response = client.post(f"/to-read/{second.pk}/", {"version": 1}, follow=True)
    assert response.redirect_chain[-1][0] == "/to-read/"
    page = response.content.decode()
    assert "All read: nothing left to acknowledge." in page
    assert "You have read the current version of every plan" in page


def test_acknowledging_a_version_replaced_meanwhile_acknowledges_nothing(county):
    require(county.police, county.plan)
    publish_next(county)
    client = web_client(county.partner_view_member)
    response = client.post(f"/to-read/{county.plan.pk}/", {"version": 1}, follow=True)
    assert "v2 was published while you were reading v1" in response.content.decode()
    assert not Acknowledgement.objects.filter(user=county.partner_view_member).exists()


def test_a_missing_or_bad_version_is_a_message_not_an_error(county):
    require(county.police, county.plan)
    client = web_client(county.partner_view_member)
    for data in ({}, {"version": "x"}, {"version": "0"}):
        response = client.post(f"/to-read/{county.plan.pk}/", data, follow=True)
        assert response.status_code == 200
        assert "the version was missing" in response.content.decode()
    assert client.post(f"/to-read/{county.plan.pk}/", {"version": 99}).status_code == 404
    assert not Acknowledgement.objects.exists()


def sensitive_plan(county, *, mfa: bool):
    agency_update(agency=county.district, actor=SYSTEM, les_read_requires_mfa=mfa)
    plan = make_plan(
        owner=county.district,
        actor=county.owner_admin,
        title="Active threat plan",
        classification=Classification.LAW_ENFORCEMENT_SENSITIVE,
    )
    publish(plan, county.owner_admin, "Enter through the east door.")
    services.plan_share(plan=plan, agency=county.police, level="view", actor=county.owner_admin)
    require(county.police, plan)
    return plan


def test_reading_a_sensitive_item_is_recorded(county):
    plan = sensitive_plan(county, mfa=False)
    html(web_client(county.partner_view_member), f"/to-read/{plan.pk}/")
    read = AuditEvent.objects.get(action=AuditAction.PLAN_READ, actor=county.partner_view_member)
    assert read.details == {"plan": plan.pk, "what": "to_read"}


def test_a_sensitive_item_that_needs_a_second_factor_lists_its_title_but_withholds_its_content(county):
    plan = sensitive_plan(county, mfa=True)
    client = web_client(county.partner_view_member)
    listing = html(client, "/to-read/")
    assert "Active threat plan" in listing
    assert "needs your second factor" in listing
    response = client.get(f"/to-read/{plan.pk}/")
    assert response.status_code == 403
    assert "east door" not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.PLAN_READ).exists()


def test_the_dashboard_shows_the_to_read_panel_first_and_the_header_the_count(county):
    require(county.police, county.plan)
    page = dashboard_html(web_client(county.partner_view_member))
    assert ">To read (1)</a>" in page
    main = page[page.index('id="dashboard-main"') :]
    assert main.index('id="to-read-heading"') < main.index('id="partner-plans-heading"')
    assert "1 plan to acknowledge" in main


def test_who_owes_nothing_sees_no_panel_and_no_header_link(county):
    require(county.police, county.plan)
    page = dashboard_html(web_client(county.partner_comment_liaison))
    assert 'id="to-read-heading"' not in page
    assert 'href="/to-read/"' not in page


def dashboard_queries(user) -> dict[str, int]:
    """The queries of the dashboard page and of each of its panels (tests/dashboard.py)."""
    client = web_client(User.objects.get(pk=user.pk))
    client.get("/")
    return dashboard_query_counts(client)


def test_the_dashboard_and_the_queue_read_as_many_queries_for_50_items_as_for_5(county, django_assert_max_num_queries):
    officer = county.partner_view_member
    shared_plans(county, 5)
    few_dashboard = dashboard_queries(officer)
    client = web_client(User.objects.get(pk=officer.pk))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/to-read/").status_code == 200
    few_page = len(queries)
    shared_plans(county, 45, prefix="More")
    many_dashboard = dashboard_queries(officer)
    assert all(many_dashboard[name] <= count for name, count in few_dashboard.items())
    client = web_client(User.objects.get(pk=officer.pk))
    with django_assert_max_num_queries(few_page):
        assert html(client, "/to-read/").count('class="to-read__item') == 50
    api = client_for(User.objects.get(pk=officer.pk))
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/v1/me/to-read/?page_size=5").status_code == 200
    with django_assert_max_num_queries(len(queries)):
        assert len(api.get("/api/v1/me/to-read/?page_size=50").json()["results"]) == 50


def test_the_api_item_says_what_to_read_and_where_to_acknowledge(county):
    officer = county.partner_view_member
    require(county.police, county.plan)
    services.plan_version_acknowledge(version=county.published, actor=officer)
    publish_next(county)
    (item,) = client_for(officer).get("/api/v1/me/to-read/").json()["results"]
    plan = county.plan.pk
    assert item == {
        "plan": plan,
        "plan_title": "Maple Valley High crisis plan",
        "owner_agency": {"id": county.district.pk, "name": "Maple Valley School District"},
        "version": 2,
        "due_at": item["due_at"],
        "state": "due",
        "last_read_version": 1,
        "last_read_at": item["last_read_at"],
        "content_withheld": False,
        "diff_url": f"/api/v1/plans/{plan}/versions/2/diff/?against=1",
        "acknowledge_url": f"/api/v1/plans/{plan}/versions/2/acknowledge/",
    }
    assert client_for(officer).post(item["acknowledge_url"], {}, format="json").status_code == 200
    assert client_for(officer).get("/api/v1/me/to-read/").json()["results"] == []


def test_the_api_rejects_a_bad_page_size_with_a_field_message(county):
    response = client_for(county.partner_view_member).get("/api/v1/me/to-read/?page_size=x")
    assert response.status_code == 400
    assert "page_size" in response.json()


# --- item 7: the owner is not asked to acknowledge its own plan --------------------------------------------------


def test_the_owner_is_not_asked_to_acknowledge_its_own_plan_without_a_requirement(county):
    for person in (county.owner_admin, county.owner_member):
        page = html(web_client(person), f"/plans/{county.plan.pk}/")
        assert 'id="acknowledge"' not in page
        assert "Not yet acknowledged" not in html(web_client(person), "/plans/")
    # An owner admin acknowledging (through the API) records no agency acknowledgement of its own plan.
    result = services.plan_version_acknowledge(version=county.published, actor=county.owner_admin)
    assert result["agencies"] == []


def test_the_owner_requiring_its_own_people_asks_them(county):
    require(county.district, county.plan)
    page = html(web_client(county.owner_member), f"/plans/{county.plan.pk}/")
    assert 'id="acknowledge"' in page
    assert "Acknowledge v1" in page
    assert "Not yet acknowledged" in html(web_client(county.owner_member), "/plans/")


def test_the_persons_and_the_agencys_acknowledgement_show_as_one_line_with_names(county):
    liaison = county.partner_view_liaison
    liaison.first_name, liaison.last_name = "Pat", "Rivera"
    liaison.save()
    services.plan_version_acknowledge(version=county.published, actor=liaison)
    officer_page = html(web_client(county.partner_view_member), f"/plans/{county.plan.pk}/")
    assert "Your agency, Ridgeford Police, acknowledged v1 on" in officer_page
    assert "(by Pat Rivera); you have not yet." in officer_page
    liaison_page = html(web_client(liaison), f"/plans/{county.plan.pk}/")
    assert liaison_page.count("acknowledged v1 on") == 1
    assert "You acknowledged v1 on" in liaison_page
    assert "and your agency, Ridgeford Police, on" in liaison_page
    owner_page = html(web_client(county.owner_admin), f"/plans/{county.plan.pk}/")
    assert "Pat Rivera" not in owner_page  # the owner sees the partner agency, never its people


def test_a_long_list_is_paged_50_at_a_time_oldest_due_first_and_the_header_counts_them_all(county):
    officer = county.partner_view_member
    shared_plans(county, 53)
    client = web_client(User.objects.get(pk=officer.pk))
    first = html(client, "/to-read/")
    assert first.count('class="to-read__item') == 50
    assert ">To read (53)</a>" in first
    assert "53 plans to read" in first
    assert "Page 1 of 2" in first
    assert "Start with Plan 000" in first
    second = html(client, "/to-read/?page=2")
    assert second.count('class="to-read__item') == 3
    assert [f"Plan {n:03}" in second for n in (50, 51, 52, 49)] == [True, True, True, False]
    assert "Continue with Plan 050" in second
    assert ">To read (53)</a>" in second

"""Issue 14, item 5: what an agency's trail holds, its filters, its CSV, and what it costs to read."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from access.actors import SYSTEM
from agencies.models import Role
from agencies.services import membership_add
from audit.models import AuditEvent
from audit.services import audit_event_record
from plans.models import Classification, Plan
from tests.agencies.factories import member
from tests.conftest import client_for, web_client
from tests.sign_in import SIGN_IN_URL, sign_in_form

PASSWORD = "Tangerine-Lighthouse-42"


@pytest.fixture
def sensitive(county):
    """The district's plan made law-enforcement-sensitive, and an admin for each partner."""
    Plan.objects.filter(pk=county.plan.pk).update(classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    county.police_admin = member(county.police, Role.ADMIN, username="police_admin")
    county.fire_admin = member(county.fire, Role.ADMIN, username="fire_admin")
    return county


def trail(user, agency, **filters) -> list[dict]:
    response = client_for(user).get(f"/api/v1/agencies/{agency.pk}/audit-events/", {"page_size": 200, **filters})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def reads(rows: list[dict]) -> list[tuple[str, str]]:
    return [(row["person"], row["action"]) for row in rows if row["action"] == "plan.read"]


def test_the_owner_sees_every_read_and_a_partner_admin_only_their_own_peoples(sensitive):
    county = sensitive
    client_for(county.partner_view_member).get(f"/api/v1/plans/{county.plan.pk}/")  # police
    client_for(county.partner_comment_liaison).get(f"/api/v1/plans/{county.plan.pk}/")  # fire
    client_for(county.owner_member).get(f"/api/v1/plans/{county.plan.pk}/")  # the district itself
    owner = reads(trail(county.owner_admin, county.district))
    assert sorted(owner) == [
        ("district_member", "plan.read"),
        ("fire_liaison", "plan.read"),
        ("police_officer", "plan.read"),
    ]
    assert reads(trail(county.police_admin, county.police)) == [("police_officer", "plan.read")]
    assert reads(trail(county.fire_admin, county.fire)) == [("fire_liaison", "plan.read")]
    assert reads(trail(county.unrelated_admin, county.unrelated)) == []


def test_a_person_in_two_agencies_shows_their_read_only_where_the_agency_may_read_the_plan(sensitive):
    county = sensitive
    both = member(county.police, Role.MEMBER, username="two_hats")
    membership_add(agency=county.unrelated, user=both, role=Role.MEMBER, actor=SYSTEM)
    client_for(both).get(f"/api/v1/plans/{county.plan.pk}/")
    assert reads(trail(county.police_admin, county.police)) == [("two_hats", "plan.read")]
    assert reads(trail(county.unrelated_admin, county.unrelated)) == []  # may not read the plan: sees nothing


def _sign_in(username: str, password: str) -> Client:
    client = Client(REMOTE_ADDR="10.9.8.7")
    client.post(SIGN_IN_URL, sign_in_form(username, password))
    return client


def test_sign_ins_sign_outs_and_failures_reach_the_persons_agencies_only(county):
    officer = county.partner_view_member
    officer.set_password(PASSWORD)
    officer.save()
    police_admin = member(county.police, Role.ADMIN, username="police_admin")
    _sign_in("police_officer", "wrong-guess")
    client = _sign_in("police_officer", PASSWORD)
    client.post("/accounts/logout/")
    _sign_in("no_such_person", "anything")
    rows = trail(police_admin, county.police, person="police_officer")
    assert [row["action"] for row in rows] == ["auth.sign_out", "auth.sign_in", "auth.sign_in_failed"]
    assert {row["ip_address"] for row in rows} == {"10.9.8.7"}
    assert "wrong-guess" not in str(rows)
    assert not [row for row in trail(county.owner_admin, county.district) if row["action"].startswith("auth.")]
    unknown = AuditEvent.objects.get(actor_username="no_such_person")
    assert (unknown.action, unknown.agency_id, unknown.audience.count()) == ("auth.sign_in_failed", None, 0)


def test_a_lockout_is_in_the_trail(county, settings):
    police_admin = member(county.police, Role.ADMIN, username="police_admin")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in("police_officer", "wrong-guess")
    actions = [row["action"] for row in trail(police_admin, county.police, person="police_officer")]
    assert "auth.locked_out" in actions
    assert actions.count("auth.sign_in_failed") == settings.AXES_FAILURE_LIMIT


def test_filters_by_person_plan_action_and_dates(sensitive):
    county = sensitive
    other = Plan.objects.exclude(pk=county.plan.pk).first()
    client_for(county.owner_member).get(f"/api/v1/plans/{county.plan.pk}/")
    admin = county.owner_admin
    assert {row["plan"] for row in trail(admin, county.district, plan=county.plan.pk)} == {county.plan.pk}
    assert {row["action"] for row in trail(admin, county.district, action="plan.share")} == {"plan.share"}
    assert {row["person"] for row in trail(admin, county.district, person="DISTRICT_MEMBER")} == {"district_member"}
    today = timezone.localdate()
    assert trail(admin, county.district, since=today.isoformat(), until=today.isoformat())
    assert trail(admin, county.district, until=(today - timedelta(days=1)).isoformat()) == []
    assert trail(admin, county.district, since=(today + timedelta(days=1)).isoformat()) == []
    assert other is None or trail(admin, county.district, plan=other.pk) == []


@pytest.mark.parametrize(
    ("filters", "field"),
    [({"action": "no.such"}, "action"), ({"since": "yesterday"}, "since"), ({"plan": "first"}, "plan")],
)
def test_bad_filters_are_400_with_the_field_named(county, filters, field):
    url = f"/api/v1/agencies/{county.district.pk}/audit-events/"
    for path in (url, f"{url}export/"):
        response = client_for(county.owner_admin).get(path, filters)
        assert response.status_code == 400
        assert field in response.json()
    page = web_client(county.owner_admin).get(f"/agencies/{county.district.pk}/audit/export.csv", filters)
    assert page.status_code == 400
    assert web_client(county.owner_admin).get(f"/agencies/{county.district.pk}/audit/", filters).status_code == 200
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_a_plan_the_admin_may_not_see_filters_their_trail_to_nothing(county):
    """The API takes any plan id and lists that plan's events in this trail: none for another agency's plan, so
    the answer says nothing about a plan the admin may not see; the web page offers only plans they may see."""
    url = f"/api/v1/agencies/{county.unrelated.pk}/audit-events/"
    response = client_for(county.unrelated_admin).get(url, {"plan": county.plan.pk})
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert client_for(county.unrelated_admin).get(url, {"plan": 999999}).json()["results"] == []
    page = web_client(county.unrelated_admin).get(f"/agencies/{county.unrelated.pk}/audit/")
    assert f'value="{county.plan.pk}"' not in page.content.decode()


def test_the_first_and_last_days_there_are_are_valid_dates(county):
    url = f"/api/v1/agencies/{county.district.pk}/audit-events/"
    everything = client_for(county.owner_admin).get(url, {"page_size": 200}).json()["results"]
    assert everything
    response = client_for(county.owner_admin).get(url, {"since": "0001-01-01", "until": "9999-12-31", "page_size": 200})
    assert response.json()["results"] == everything
    for path in (url, f"{url}export/"):
        response = client_for(county.owner_admin).get(path, {"since": "0001-01-01", "until": "9999-12-31"})
        assert response.status_code == 200


def test_the_csv_holds_the_filtered_rows_and_the_export_is_audited(sensitive):
    county = sensitive
    client_for(county.partner_view_member).get(f"/api/v1/plans/{county.plan.pk}/")
    client_for(county.owner_member).get(f"/api/v1/plans/{county.plan.pk}/")
    response = web_client(county.owner_admin).get(
        f"/agencies/{county.district.pk}/audit/export.csv", {"plan": county.plan.pk, "action": "plan.read"}
    )
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert sorted(row["person"] for row in rows) == ["district_member", "police_officer"]
    assert {row["action_label"] for row in rows} == {"Sensitive plan read"}
    export = AuditEvent.objects.get(action="audit.export")
    assert export.actor == county.owner_admin
    assert export.details["filters"] == {"plan": str(county.plan.pk), "action": "plan.read"}


def test_any_action_is_listed_even_one_this_build_does_not_name(county):
    audit_event_record(actor=county.owner_admin, action="mfa.enable", obj=county.owner_admin, agency=county.district)  # type: ignore[arg-type]
    rows = trail(county.owner_admin, county.district)
    assert rows[0]["action"] == "mfa.enable"
    assert rows[0]["action_label"] == "mfa.enable"
    page = web_client(county.owner_admin).get(f"/agencies/{county.district.pk}/audit/").content.decode()
    assert "mfa.enable" in page


def _many_events(county, count: int) -> None:
    for index in range(count):
        audit_event_record(
            actor=county.owner_admin,
            action="plan.update",
            obj=county.plan,
            agency=county.district,
            details={"n": index},
        )


@pytest.mark.parametrize("count", [5, 120])
def test_reading_the_trail_costs_the_same_for_few_and_many_events(county, count, django_assert_max_num_queries):
    _many_events(county, count)
    api = client_for(county.owner_admin)
    page = web_client(county.owner_admin)
    with django_assert_max_num_queries(6):
        assert api.get(f"/api/v1/agencies/{county.district.pk}/audit-events/").status_code == 200
    with django_assert_max_num_queries(12):  # the header's "To read" count is one of them
        assert page.get(f"/agencies/{county.district.pk}/audit/", {"action": "plan.update"}).status_code == 200
    with django_assert_max_num_queries(7):
        response = api.get(f"/api/v1/agencies/{county.district.pk}/audit-events/export/")
        assert len(b"".join(response.streaming_content).splitlines()) > count


def test_the_trail_is_read_from_its_agency_index(county):
    """The page query walks the agency's trail rows newest first rather than sorting every event."""
    sql = str(
        AuditEvent.objects.filter(audience__agency=county.district).order_by("-audience__created_at", "-id").query
    )
    assert sql.count("JOIN") == 1
    assert connection.vendor == "postgresql"

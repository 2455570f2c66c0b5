"""An agency's CAP 1.2 feed: each alert conforms, says Alert/Update/Cancel, and never names what it may not."""

from datetime import timedelta

from django.utils import timezone

from feeds.cap import alerts_of
from feeds.selectors import agency_alert_versions
from plans.models import Classification
from plans.services import plan_unshare, plan_version_withdraw
from tests.agencies.factories import member
from tests.conftest import client_for
from tests.feeds.cap_schema import N, cap_problems
from tests.feeds.helpers import cap_alerts, headlines
from tests.plans.factories import make_plan, publish

TITLE = "Maple Valley High crisis plan"


def feed(user, agency, query: str = ""):
    response = client_for(user).get(f"/api/v1/agencies/{agency.pk}/cap-alerts/{query}")
    assert response.status_code == 200, response.content
    return response.content


def test_every_alert_conforms_to_cap_1_2(county):
    second = publish(county.plan, county.owner_admin, "Evacuate to the stadium.")
    plan_version_withdraw(version=second, actor=county.owner_admin)
    alerts = cap_alerts(feed(county.partner_view_member, county.police))
    assert len(alerts) == 3
    for alert in alerts:
        assert cap_problems(alert) == []
        assert alert.findtext(f"{N}status") == "Actual"
        assert alert.findtext(f"{N}scope") == "Restricted"
        assert "Ridgeford Police" in alert.findtext(f"{N}restriction")
        info = alert.find(f"{N}info")
        assert [info.findtext(f"{N}{name}") for name in ("category", "urgency", "severity", "certainty")] == [
            "Safety",
            "Unknown",
            "Minor",
            "Observed",
        ]
        assert info.findtext(f"{N}web") == f"http://testserver/plans/{county.plan.pk}/"


def test_first_publication_is_an_alert_a_later_one_an_update_and_a_withdrawal_cancels(county):
    second = publish(county.plan, county.owner_admin, "Evacuate to the stadium.")
    plan_version_withdraw(version=second, actor=county.owner_admin)
    alerts = cap_alerts(feed(county.owner_member, county.district))
    assert [alert.findtext(f"{N}msgType") for alert in alerts] == ["Cancel", "Update", "Alert"]
    cancel, update, _ = alerts
    assert cancel.findtext(f"{N}references").split(",")[1] == update.findtext(f"{N}identifier")
    assert headlines(feed(county.owner_member, county.district))[0] == f"{TITLE}: version {second.number} withdrawn"


def test_the_checker_catches_what_cap_forbids(county):
    (alert,) = cap_alerts(feed(county.owner_member, county.district))
    alert.find(f"{N}sent").text = "2026-01-01T00:00:00Z"
    alert.find(f"{N}info/{N}urgency").text = "Soon"
    alert.remove(alert.find(f"{N}sender"))
    problems = cap_problems(alert)
    assert any("sender occurs 0" in p for p in problems)
    assert "sent is not a CAP dateTime" in problems
    assert any("'Soon'" in p for p in problems)


def test_a_law_enforcement_sensitive_plan_has_a_neutral_headline(county):
    sensitive = make_plan(
        owner=county.police,
        actor=member(county.police, "admin", username="police_admin"),
        title="Ridgeford SWAT entry annex",
        classification=Classification.LAW_ENFORCEMENT_SENSITIVE,
    )
    publish(sensitive, sensitive.created_by, "Entry points.")
    body = feed(county.partner_view_member, county.police)
    assert "SWAT" not in body.decode()
    assert "A law-enforcement-sensitive plan: version 1 published" in headlines(body)


def test_a_revoked_share_takes_the_plans_alerts_out_of_the_partners_feed(county):
    plan_unshare(plan=county.plan, agency=county.police, actor=county.owner_admin)
    body = feed(county.partner_view_member, county.police)
    assert cap_alerts(body) == []
    assert TITLE not in body.decode()


def test_an_unrelated_agencys_feed_never_names_another_agencys_plan(county):
    body = feed(county.unrelated_admin, county.unrelated)
    assert cap_alerts(body) == []
    assert TITLE not in body.decode()


def test_the_feed_covers_the_days_asked_for(county):
    # Published versions are immutable (a database trigger), so the window is moved instead of the version.
    since = timezone.now() + timedelta(minutes=1)
    assert agency_alert_versions(agency_id=county.district.pk, since=since, limit=100) == []
    assert alerts_of([county.published], since) == []
    assert len(cap_alerts(feed(county.owner_member, county.district, "?days=1"))) == 1


def test_a_bad_days_value_is_a_400_with_the_field_named(county):
    client = client_for(county.owner_member)
    for value in ("0", "91", "soon"):
        response = client.get(f"/api/v1/agencies/{county.district.pk}/cap-alerts/?days={value}")
        assert response.status_code == 400
        assert "days" in response.json()

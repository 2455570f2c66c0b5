"""Partner concurrence: who records it, on which version, what changes requested need, and what is kept."""

import csv
import io

from access.actors import SYSTEM
from agencies.models import Role
from agencies.services import membership_add
from audit.models import AuditAction, AuditEvent
from notifications.models import OutboxEvent
from plans import services as plan_services
from plans.models import Classification, ShareLevel
from reviews.models import Concurrence
from tests.agencies.factories import member
from tests.conftest import client_for
from tests.plans.factories import make_plan, publish
from tests.reviews.concurrence_helpers import change_request, concurrences_url, record, record_url


def post(user, plan, number, **body):
    return client_for(user).post(concurrences_url(plan, number), body, format="json")


def statuses(user, plan, number) -> dict[str, dict]:
    response = client_for(user).get(concurrences_url(plan, number))
    assert response.status_code == 200, response.content
    return {row["agency_name"]: row for row in response.json()["results"]}


def test_a_partner_liaison_records_concur_on_the_current_version(county):
    response = post(county.partner_view_liaison, county.plan, 1, outcome="concur", note="Reviewed with patrol.")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["agency"] == county.police.pk
    assert body["outcome"] == "concur"
    assert body["recorded_by"] == "police_liaison"
    assert body["version"] == 1
    row = Concurrence.objects.get()
    assert (row.plan, row.version, row.agency, row.note) == (county.plan, county.published, county.police, body["note"])
    audit = AuditEvent.objects.get(action=AuditAction.CONCURRENCE_RECORD)
    assert audit.details == {
        "plan": county.plan.pk,
        "number": 1,
        "partner": county.police.pk,
        "outcome": "concur",
        "change_requests": [],
    }
    event = OutboxEvent.objects.get(event_type="concurrence.recorded")
    assert event.payload["agency"] == county.police.pk
    assert event.payload["agency_name"] == "Ridgeford Police"
    assert event.payload["outcome"] == "concur"
    assert event.payload["version"] == 1


def test_a_superseded_version_cannot_be_concurred_with(county):
    plan_services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    response = post(county.partner_comment_liaison, county.plan, 1, outcome="concur")
    assert response.status_code == 409
    assert "current published version" in response.json()["detail"]
    assert not Concurrence.objects.exists()


def test_a_withdrawn_version_cannot_be_concurred_with(county):
    plan_services.plan_version_withdraw(version=county.published, actor=county.owner_admin)
    response = post(county.partner_comment_liaison, county.plan, 1, outcome="concur")
    assert response.status_code == 409
    assert not Concurrence.objects.exists()


def test_changes_requested_needs_a_note_or_an_open_change_request(county):
    # A resolved change request, and another agency's open one, do not count.
    change_request(county.plan, county.published, county.fire, county.partner_comment_liaison, resolved=True)
    change_request(county.plan, county.published, county.police, county.partner_view_liaison)
    response = post(county.partner_comment_liaison, county.plan, 1, outcome="changes_requested", note="  ")
    assert response.status_code == 400
    assert "note" in response.json()
    assert not Concurrence.objects.exists()
    assert not OutboxEvent.objects.filter(event_type="concurrence.recorded").exists()

    with_note = post(county.partner_comment_liaison, county.plan, 1, outcome="changes_requested", note="Fix 3.2")
    assert with_note.status_code == 201
    assert with_note.json()["change_requests"] == []


def test_changes_requested_keeps_the_agency_open_change_requests(county):
    first = change_request(county.plan, county.published, county.fire, county.partner_comment_liaison)
    second = change_request(county.plan, county.published, county.fire, county.partner_comment_liaison)
    change_request(county.plan, county.published, county.fire, county.partner_comment_liaison, resolved=True)
    change_request(county.plan, county.published, county.police, county.partner_view_liaison)

    response = post(county.partner_comment_liaison, county.plan, 1, outcome="changes_requested")
    assert response.status_code == 201, response.content
    assert response.json()["change_requests"] == sorted([first.pk, second.pk])
    assert set(Concurrence.objects.get().change_requests.all()) == {first, second}
    # Resolving one later does not rewrite the evidence.
    first.resolved_at = first.created_at
    first.save()
    assert statuses(county.owner_member, county.plan, 1)["Ridgeford Fire"]["change_requests"] == sorted(
        [first.pk, second.pk]
    )


def test_history_is_kept_and_the_newest_outcome_counts(county):
    record(county.partner_comment_liaison, county.published, "changes_requested", note="Staging is wrong.")
    record(county.partner_comment_liaison, county.published, "concur", note="Fixed by phone; fine.")
    fire = statuses(county.owner_admin, county.plan, 1)["Ridgeford Fire"]
    assert fire["status"] == "concur"
    assert fire["recorded_by"] == "fire_liaison"
    assert [entry["outcome"] for entry in fire["history"]] == ["concur", "changes_requested"]
    assert Concurrence.objects.count() == 2


def test_a_new_published_version_resets_every_partner_to_pending(county):
    record(county.partner_comment_liaison, county.published)
    record(county.partner_view_liaison, county.published)
    assert {row["status"] for row in statuses(county.owner_member, county.plan, 1).values()} == {"concur"}
    plan_services.plan_version_publish(version=county.draft, actor=county.owner_admin)

    current = statuses(county.owner_member, county.plan, 2)
    assert {name: row["status"] for name, row in current.items()} == {
        "Ridgeford Fire": "pending",
        "Ridgeford Police": "pending",
    }
    # The outcomes on version 1 stay on record.
    assert {row["status"] for row in statuses(county.owner_member, county.plan, 1).values()} == {"concur"}


def test_owner_members_see_every_partner_and_partners_only_their_own_agency(county):
    record(county.partner_comment_liaison, county.published)
    assert set(statuses(county.owner_member, county.plan, 1)) == {"Ridgeford Fire", "Ridgeford Police"}
    assert statuses(county.owner_member, county.plan, 1)["Ridgeford Police"]["status"] == "pending"
    assert set(statuses(county.partner_view_member, county.plan, 1)) == {"Ridgeford Police"}
    assert set(statuses(county.partner_comment_liaison, county.plan, 1)) == {"Ridgeford Fire"}


def test_readers_of_a_public_plan_see_no_partner_concurrence(county):
    plan = make_plan(owner=county.district, actor=county.owner_admin, classification=Classification.PUBLIC)
    version = publish(plan, county.owner_admin, "Public text.")
    plan_services.plan_share(plan=plan, agency=county.fire, level=ShareLevel.VIEW, actor=county.owner_admin)
    record(county.partner_comment_liaison, version)
    assert statuses(county.unrelated_admin, plan, 1) == {}
    # Nor may they record any: their agency is not a partner.
    assert post(county.unrelated_admin, plan, 1, outcome="concur").status_code == 403


def test_a_person_of_several_partner_agencies_chooses_the_agency(county):
    both = member(county.police, Role.ADMIN, username="dual_admin")
    membership_add(agency=county.fire, user=both, role=Role.LIAISON, actor=SYSTEM)
    unnamed = post(both, county.plan, 1, outcome="concur")
    assert unnamed.status_code == 400
    assert "agency" in unnamed.json()
    named = post(both, county.plan, 1, outcome="concur", agency=county.fire.pk)
    assert named.status_code == 201
    assert Concurrence.objects.get().agency == county.fire


def test_naming_an_agency_one_may_not_speak_for_is_refused(county):
    response = post(county.partner_view_liaison, county.plan, 1, outcome="concur", agency=county.fire.pk)
    assert response.status_code == 403
    assert not Concurrence.objects.exists()


def test_the_record_lists_every_released_version_and_partner_with_history(county):
    record(county.partner_comment_liaison, county.published, "changes_requested", note="Staging.")
    record(county.partner_comment_liaison, county.published, "concur")
    plan_services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    record(county.partner_view_liaison, county.draft, "concur", note="OK")

    response = client_for(county.owner_liaison).get(record_url(county.plan))
    assert response.status_code == 200
    body = response.json()
    assert body["current_version"] == 2
    assert [v["number"] for v in body["versions"]] == [2, 1]
    v2, v1 = body["versions"]
    assert {a["agency_name"]: a["status"] for a in v2["agencies"]} == {
        "Ridgeford Fire": "pending",
        "Ridgeford Police": "concur",
    }
    assert {a["agency_name"]: a["status"] for a in v1["agencies"]} == {
        "Ridgeford Fire": "concur",
        "Ridgeford Police": "not_recorded",
    }
    assert len(v1["agencies"][0]["history"]) == 2
    assert v1["content_sha256"] == county.published.content_sha256


def test_the_record_downloads_as_csv(county):
    request_ = change_request(county.plan, county.published, county.fire, county.partner_comment_liaison)
    record(county.partner_comment_liaison, county.published, "changes_requested", note="=cmd|' /C calc'!A0")
    record(county.partner_view_liaison, county.published, "concur")

    response = client_for(county.owner_member).get(record_url(county.plan), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == [
        "plan",
        "version",
        "published_at",
        "content_sha256",
        "agency",
        "outcome",
        "recorded_by",
        "recorded_at",
        "note",
        "open_change_request_ids",
        "is_newest",
    ]
    by_agency = {row["agency"]: row for row in rows}
    fire = by_agency["Ridgeford Fire"]
    assert fire["plan"] == "Maple Valley High crisis plan"
    assert fire["version"] == "1"
    assert fire["content_sha256"] == county.published.content_sha256
    assert fire["outcome"] == "changes_requested"
    assert fire["recorded_by"] == "fire_liaison"
    assert fire["open_change_request_ids"] == str(request_.pk)
    assert fire["note"].startswith("'=")  # a spreadsheet does not run it
    assert fire["is_newest"] == "yes"
    assert by_agency["Ridgeford Police"]["outcome"] == "concur"


def test_the_csv_record_refuses_partners_in_json(county):
    response = client_for(county.partner_view_liaison).get(record_url(county.plan), {"format": "csv"})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")

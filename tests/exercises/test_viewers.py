"""Agencies that hold a plan of the building where an exercise happens see it only as far as sensitivity allows
(access/exercises.py): when, what kind, where, who leads and who takes part, and the final report's findings
and corrective actions on the plans they may read; nothing of a law-enforcement-sensitive plan not shared
with them, no free text, no attendance, and they record nothing (403). An agency holding none of the
building's plans gets 404."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import AgencyKind, Role
from exercises.models import Exercise, FindingKind
from exercises.report_services import (
    corrective_action_create,
    report_finalize,
    report_finding_add,
    report_summary_set,
)
from exercises.services import attendance_record, observation_add
from plans.models import Classification, ShareLevel
from plans.services import plan_share
from tests.agencies.factories import AgencyFactory, member
from tests.conftest import client_for, web_client
from tests.exercises.helpers import conducted_drill
from tests.plans.factories import make_plan, publish


@dataclass
class Viewers:
    """The county's drill with a final report: an area for improvement (and an action) on the county plan and on
    the police's law-enforcement-sensitive plan of the school. EMS holds both plans, the hospital only the
    county plan; neither takes part."""

    exercise: Exercise
    les_plan: object
    ems: object
    ems_liaison: object
    hospital_admin: object
    county_action: object
    les_action: object


def _viewers(county) -> Viewers:
    ems = AgencyFactory(name="Ridgeford EMS", slug="ridgeford-ems", kind=AgencyKind.EMS)
    hospital = AgencyFactory(name="Ridgeford General", slug="ridgeford-general", kind=AgencyKind.HOSPITAL)
    ems_liaison = member(ems, Role.ADMIN, username="ems_admin")
    hospital_admin = member(hospital, Role.ADMIN, username="hospital_admin")
    police_admin = member(county.police, Role.ADMIN, username="police_admin")
    les_plan = make_plan(
        owner=county.police,
        actor=police_admin,
        title="Maple Valley High tactical plan",
        classification=Classification.LAW_ENFORCEMENT_SENSITIVE,
        facilities=[county.school],
    )
    publish(les_plan, police_admin, "Entry through the gym doors.", "Staging on Elm Street.")
    plan_share(plan=les_plan, agency=county.district, level=ShareLevel.VIEW, actor=police_admin)
    plan_share(plan=les_plan, agency=ems, level=ShareLevel.VIEW, actor=police_admin)
    plan_share(plan=county.plan, agency=ems, level=ShareLevel.VIEW, actor=county.owner_admin)
    plan_share(plan=county.plan, agency=hospital, level=ShareLevel.VIEW, actor=county.owner_admin)
    exercise = conducted_drill(county)
    attendance_record(
        exercise=exercise,
        agency=county.district,
        attendee_ids=[county.owner_member.pk],
        staff_count=41,
        student_count=612,
        actor=county.owner_admin,
    )
    observation_add(
        exercise=exercise,
        agency=county.district,
        text="Room 12 could not lock its door.",
        objective_id=None,
        actor=county.owner_admin,
    )
    findings = [
        report_finding_add(
            exercise=exercise,
            kind=FindingKind.IMPROVEMENT,
            text=text,
            objective_id=None,
            plan_id=plan.pk,
            section_key="section-2",
            actor=county.owner_admin,
        )
        for text, plan in [("Reunification took too long.", county.plan), ("Entry team waited at the gym.", les_plan)]
    ]
    report_summary_set(exercise=exercise, summary="Classified debrief notes.", actor=county.owner_admin)
    report_finalize(exercise=exercise, actor=county.owner_admin)
    actions = [
        corrective_action_create(
            finding=finding,
            description=description,
            owning_agency_id=county.district.pk,
            responsible_id=None,
            due_on=timezone.localdate() + timedelta(days=30),
            actor=county.owner_admin,
        )
        for finding, description in zip(
            findings, ["Rewrite the reunification steps", "Move the entry team's staging"], strict=True
        )
    ]
    return Viewers(exercise, les_plan, ems, ems_liaison, hospital_admin, *actions)


@pytest.fixture
def viewers(county) -> Viewers:
    return _viewers(county)


def _person(county, viewers: Viewers, who: str):
    return {
        "participant": county.partner_view_liaison,
        "participant_without_les": county.partner_comment_liaison,
        "building_viewer": viewers.ems_liaison,
        "viewer_without_les": viewers.hospital_admin,
        "stranger": county.unrelated_admin,
    }[who]


# who -> (status, sees the county plan's finding, sees the sensitive plan's finding, sees the free text)
SIGHT = {
    "participant": (200, True, True, True),
    # Fire takes part but may not read the police's sensitive plan: nothing of it, even in the final report.
    "participant_without_les": (200, True, False, True),
    "building_viewer": (200, True, True, False),
    "viewer_without_les": (200, True, False, False),
    "stranger": (404, False, False, False),
}


@pytest.mark.parametrize("who", list(SIGHT))
def test_the_web_pages_show_an_exercise_as_far_as_sensitivity_allows(county, viewers, who):
    status, county_finding, les_finding, free_text = SIGHT[who]
    browser = web_client(_person(county, viewers, who))
    exercise_id = viewers.exercise.pk
    detail = browser.get(f"/exercises/{exercise_id}/")
    report = browser.get(f"/exercises/{exercise_id}/report/")
    assert detail.status_code == report.status_code == status
    listed = browser.get("/exercises/").content.decode()
    actions = browser.get("/corrective-actions/").content.decode()
    assert ("Spring lockdown drill" in listed) == (status == 200)
    assert ("Rewrite the reunification steps" in actions) == county_finding
    assert ("Move the entry team" in actions) == les_finding
    if status != 200:
        return
    page, aar = detail.content.decode(), report.content.decode()
    for shown in ("Spring lockdown drill", "Lockdown drill", "Maple Valley High", "Ridgeford Police", "Ridgeford Fire"):
        assert shown in page
    for text in ("Whole-school lockdown", "Lock every classroom", "Room 12", "612"):
        assert (text in page) == free_text, text
    assert ("Maple Valley High crisis plan</a> v1" in page) == county_finding
    assert ("Maple Valley High tactical plan" in page) == les_finding  # in the corrective actions' table
    assert ("Reunification took too long." in aar) == county_finding
    assert ("Entry team waited at the gym." in aar) == les_finding
    assert ("Classified debrief notes." in aar) == free_text


@pytest.mark.parametrize("who", list(SIGHT))
def test_the_api_shows_an_exercise_as_far_as_sensitivity_allows(county, viewers, who):
    status, county_finding, les_finding, free_text = SIGHT[who]
    client = client_for(_person(county, viewers, who))
    exercise_id = viewers.exercise.pk
    detail = client.get(f"/api/v1/exercises/{exercise_id}/")
    report = client.get(f"/api/v1/exercises/{exercise_id}/report/")
    assert detail.status_code == report.status_code == status
    listed = [row["id"] for row in client.get("/api/v1/exercises/").json()["results"]]
    actions = {row["description"] for row in client.get("/api/v1/corrective-actions/").json()["results"]}
    assert listed == ([exercise_id] if status == 200 else [])
    assert ("Rewrite the reunification steps" in actions) == county_finding
    assert ("Move the entry team's staging" in actions) == les_finding
    if status != 200:
        return
    body = detail.json()
    assert body["participating"] is free_text
    assert body["kind"] == "lockdown"
    assert body["facilities"] == [county.school.pk]
    assert {p["agency"] for p in body["participants"]} == {county.district.pk, county.police.pk, county.fire.pk}
    assert (body["description"] != "") == free_text
    assert bool(body["objectives"]) == bool(body["observations"]) == free_text
    district = next(p for p in body["participants"] if p["agency"] == county.district.pk)
    assert (district["student_count"] == 612) == free_text
    assert body["plan_versions"] == [county.published.pk]
    findings = {f["text"] for f in report.json()["findings"]}
    assert ("Reunification took too long." in findings) == county_finding
    assert ("Entry team waited at the gym." in findings) == les_finding
    assert (report.json()["summary"] == "Classified debrief notes.") == free_text


@pytest.mark.parametrize("who", ["building_viewer", "viewer_without_les", "stranger"])
def test_viewers_record_nothing_and_strangers_are_told_nothing(county, viewers, who):
    status = 404 if who == "stranger" else 403
    person = _person(county, viewers, who)
    exercise_id = viewers.exercise.pk
    api, browser = client_for(person), web_client(person)
    observation = {"agency": county.district.pk, "text": "Seen from outside."}
    assert api.post(f"/api/v1/exercises/{exercise_id}/observations/", observation, format="json").status_code == status
    attendance = {"attendees": [], "staff_count": 1, "student_count": 1}
    url = f"/api/v1/exercises/{exercise_id}/attendance/{county.district.pk}/"
    assert api.put(url, attendance, format="json").status_code == status
    assert browser.post(f"/exercises/{exercise_id}/observations/", {"text": "x"}).status_code == status
    close = {"reason": "Not needed."}
    assert api.post(f"/api/v1/corrective-actions/{viewers.county_action.pk}/close/", close).status_code == status
    assert browser.post(f"/exercises/{exercise_id}/report/findings/", {"kind": "strength"}).status_code == status
    assert viewers.exercise.observations.count() == 1
    assert viewers.exercise.participants.get(agency=county.district).student_count == 612
    viewers.county_action.refresh_from_db()
    assert viewers.county_action.is_open


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def test_a_viewer_reads_as_many_queries_for_many_exercises_as_for_one(county, viewers, django_assert_max_num_queries):
    api, web = client_for(viewers.hospital_admin), web_client(viewers.hospital_admin)
    urls = ("/api/v1/exercises/", "/api/v1/corrective-actions/")
    pages = ("/exercises/", "/corrective-actions/", f"/exercises/{viewers.exercise.pk}/report/")
    few = {url: _queries(lambda url=url: api.get(url)) for url in urls}
    few_pages = {url: _queries(lambda url=url: web.get(url)) for url in pages}
    for _ in range(3):
        _more_findings(county, viewers)
    for url, count in few.items():
        with django_assert_max_num_queries(count):
            assert api.get(url).status_code == 200
    for url, count in few_pages.items():
        with django_assert_max_num_queries(count):
            assert web.get(url).status_code == 200


def _more_findings(county, viewers: Viewers) -> None:
    exercise = conducted_drill(county)
    finding = report_finding_add(
        exercise=exercise,
        kind=FindingKind.IMPROVEMENT,
        text="Sensitive again.",
        objective_id=None,
        plan_id=viewers.les_plan.pk,
        section_key="",
        actor=county.owner_admin,
    )
    report_finalize(exercise=exercise, actor=county.owner_admin)
    corrective_action_create(
        finding=finding,
        description="Another sensitive action",
        owning_agency_id=county.district.pk,
        responsible_id=None,
        due_on=timezone.localdate(),
        actor=county.owner_admin,
    )

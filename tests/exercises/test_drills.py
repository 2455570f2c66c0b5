"""Drill requirements as a school district lives them: a state's rule and the district's own set applied to a
school, the drills done, scheduled and still due this school year, the kind it is behind on; who sees it (the
district's people; the police and another county do not: 404); the agency overview; the calendars."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from access.actors import SYSTEM
from audit.models import AuditAction, AuditEvent
from exercises.models import RequirementAssignment
from exercises.requirement_services import requirement_assign
from exercises.requirement_status import drill_status
from exercises.services import exercise_cancel, exercise_mark_conducted, exercise_schedule
from tests.agencies.factories import FacilityFactory
from tests.conftest import client_for, web_client
from tests.exercises.helpers import DrillScene, drill_plan, schedule_drill

# A school year of the past (August 2025 to August 2026) seen on 4 December 2025: about a third gone.
DAY = date(2025, 12, 4)


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _drill(county, kind: str, day: date, *, conducted: bool = True, facility=None):
    exercise = schedule_drill(
        county, kind=kind, title=f"{kind} {day}", starts_at=_at(day), facility_ids=[(facility or county.school).pk]
    )
    return exercise_mark_conducted(exercise=exercise, actor=county.owner_admin) if conducted else exercise


@pytest.fixture
def drills(county):
    scene = DrillScene(county)
    requirement_assign(facility=county.school, requirement_set=scene.state_set, actor=SYSTEM)
    _drill(county, "lockdown", date(2025, 9, 10))
    _drill(county, "fire", date(2025, 9, 3))
    _drill(county, "fire", date(2025, 10, 8))
    _drill(county, "lockdown", date(2026, 1, 15), conducted=False)  # scheduled (the status counts it as such)
    cancelled = _drill(county, "lockdown", date(2025, 11, 5), conducted=False)
    exercise_cancel(exercise=cancelled, reason="Snow day", actor=county.owner_admin)
    _drill(county, "fire", date(2025, 6, 1))  # the school year before: not counted
    # The police's own drill at the school, without the district: not the district's to count (nor to see).
    police = exercise_schedule(
        lead_agency=county.police,
        plan=drill_plan(county, participant_ids=[county.fire.pk], version_ids=[], starts_at=_at(date(2025, 9, 20))),
        actor=county.partner_view_liaison,
    )
    exercise_mark_conducted(exercise=police, actor=county.partner_view_liaison)
    return scene


def _lines(county, today=DAY):
    status = drill_status(facilities=[county.school], today=today)[county.school.pk]
    return {(s.requirement_set.name, line.line.exercise_kind): line for s in status.sets for line in s.lines}, status


def test_the_status_counts_the_districts_conducted_and_scheduled_drills_of_this_school_year(county, drills):
    lines, status = _lines(county)
    lockdown = lines[("State school drill rule", "lockdown")]
    assert (lockdown.required, lockdown.done, lockdown.scheduled, lockdown.due) == (4, 1, 1, 3)  # 2 a term, 2 terms
    assert not lockdown.behind  # one expected by a third of the first term gone
    fire = lines[("State school drill rule", "fire")]
    assert (fire.required, fire.done, fire.due, fire.expected_by_now) == (10, 2, 8, 3)
    assert fire.behind
    evacuation = lines[("District extras", "evacuation")]
    assert (evacuation.required, evacuation.done, evacuation.behind) == (1, 0, False)
    assert status.behind
    assert status.behind_kinds == ["Fire drill"]


def test_a_line_for_other_kinds_of_building_does_not_apply(county, drills):
    county.school.kind = "district_office"
    county.school.save()
    lines, _ = _lines(county)
    assert set(lines) == {("District extras", "evacuation")}


def test_the_districts_people_see_the_status_on_the_building_page_and_partners_do_not(county, drills):
    page = web_client(county.owner_member).get(f"/facilities/{county.school.pk}/")
    assert b"Drills this school year" in page.content
    assert b"State school drill rule" in page.content
    police = web_client(county.partner_view_member).get(f"/facilities/{county.school.pk}/")
    assert police.status_code == 200
    assert b"Drills this school year" not in police.content
    assert b"Exercise calendar of this building" in police.content


def test_the_agency_overview_lists_its_buildings_those_behind_first(county, drills):
    county.school.kind = "high_school"
    county.school.save()
    FacilityFactory(name="Aardvark Elementary", owner_agency=county.district, kind="elementary_school")
    response = web_client(county.owner_member).get(f"/agencies/{county.district.pk}/drills/")
    assert response.status_code == 200
    text = response.content.decode()
    # Seen today (whatever today is, the fire line is either behind or not; the order puts the behind first).
    assert text.index("Maple Valley High") < text.index("Aardvark Elementary") or "Behind" not in text
    for outsider in (county.partner_view_member, county.unrelated_admin, county.staff):
        assert web_client(outsider).get(f"/agencies/{county.district.pk}/drills/").status_code == 404


def test_the_api_answers_the_status_to_the_district_and_404_to_everyone_else(county, drills):
    url = f"/api/v1/facilities/{county.school.pk}/drill-status/"
    body = client_for(county.owner_member).get(url).json()
    assert body["facility"] == county.school.pk
    assert {s["name"] for s in body["sets"]} == {"State school drill rule", "District extras"}
    for outsider in (county.partner_view_member, county.unrelated_admin, county.staff):
        assert client_for(outsider).get(url).status_code == 404
        assert client_for(outsider).get(f"/api/v1/agencies/{county.district.pk}/drill-status/").status_code == 404
    assert (
        client_for(county.owner_member).get(f"/api/v1/agencies/{county.district.pk}/drill-status/").status_code == 200
    )


def test_a_districts_own_set_is_hidden_from_other_agencies_and_a_states_set_is_read_by_all(county, drills):
    own = f"/api/v1/drill-requirements/{drills.district_set.pk}/"
    state = f"/api/v1/drill-requirements/{drills.state_set.pk}/"
    assert client_for(county.owner_member).get(own).status_code == 200
    for outsider in (county.partner_view_member, county.unrelated_admin):
        assert client_for(outsider).get(own).status_code == 404
        listed = {row["id"] for row in client_for(outsider).get("/api/v1/drill-requirements/").json()["results"]}
        assert drills.district_set.pk not in listed
        assert drills.state_set.pk in listed
        assert client_for(outsider).get(state).json()["lines"][0]["exercise_kind"] == "fire"
    assert web_client(county.unrelated_admin).get(f"/drill-requirements/{drills.district_set.pk}/").status_code == 404


def test_bad_lines_are_answered_400_by_field(county, drills):
    api = client_for(county.owner_admin)
    url = f"/api/v1/drill-requirements/{drills.district_set.pk}/lines/"
    for body, field in [
        ({"exercise_kind": "fire", "count": 0}, "count"),
        ({"exercise_kind": "picnic", "count": 1}, "exercise_kind"),
        ({"exercise_kind": "fire", "count": 1, "facility_kinds": ["castle"]}, "facility_kinds"),
        ({"exercise_kind": "fire", "count": 1, "period": "fortnight"}, "period"),
    ]:
        response = api.post(url, body, format="json")
        assert response.status_code == 400, body
        assert field in response.json(), response.json()
    bad_set = api.post("/api/v1/drill-requirements/", {"name": "", "owner_agency": county.district.pk}, format="json")
    assert bad_set.status_code == 400
    assert "name" in bad_set.json()
    again = api.post(
        f"/api/v1/facilities/{county.school.pk}/drill-requirements/",
        {"requirement_set": drills.district_set.pk},
        format="json",
    )
    assert again.status_code == 409


def test_assigning_and_taking_off_a_set_is_audited_in_the_districts_trail(county):
    drills = DrillScene(county)  # the district's own set applied; the state's not yet
    api = client_for(county.owner_admin)
    url = f"/api/v1/facilities/{county.school.pk}/drill-requirements/"
    assert api.post(url, {"requirement_set": drills.state_set.pk}, format="json").status_code == 201
    assert [row["id"] for row in api.get(url).json()] == [drills.state_set.pk, drills.district_set.pk]  # states first
    assert api.delete(f"{url}{drills.state_set.pk}/").status_code == 204
    actions = list(
        AuditEvent.objects.filter(agency=county.district, action__startswith="drill_requirements.").values_list(
            "action", flat=True
        )
    )
    assert AuditAction.DRILL_REQUIREMENTS_ASSIGN in actions
    assert AuditAction.DRILL_REQUIREMENTS_UNASSIGN in actions
    assert not RequirementAssignment.objects.filter(requirement_set=drills.state_set).exists()


def test_the_district_admin_keeps_its_set_from_the_web_pages(county, drills):
    web = web_client(county.owner_admin)
    response = web.post(
        f"/drill-requirements/{drills.district_set.pk}/lines/",
        {"exercise_kind": "reunification", "count": 1, "period": "year", "facility_kinds": ["high_school"]},
    )
    assert response.status_code == 302
    page = web.get(f"/drill-requirements/{drills.district_set.pk}/")
    assert b"Reunification drill" in page.content
    assert (
        web_client(county.owner_member)
        .post(
            f"/drill-requirements/{drills.district_set.pk}/lines/",
            {"exercise_kind": "fire", "count": 1, "period": "year"},
        )
        .status_code
        == 403
    )


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def test_the_overview_reads_as_many_queries_for_many_buildings_as_for_one(
    county, drills, django_assert_max_num_queries
):
    api, web = client_for(county.owner_member), web_client(county.owner_member)
    urls = (f"/api/v1/agencies/{county.district.pk}/drill-status/",)
    pages = (f"/agencies/{county.district.pk}/drills/", f"/facilities/{county.school.pk}/")
    few = {url: _queries(lambda url=url: api.get(url)) for url in urls}
    few_pages = {url: _queries(lambda url=url: web.get(url)) for url in pages}
    for n in range(4):
        school = FacilityFactory(name=f"School {n}", owner_agency=county.district, kind="middle_school")
        requirement_assign(facility=school, requirement_set=drills.state_set, actor=SYSTEM)
        requirement_assign(facility=school, requirement_set=drills.district_set, actor=SYSTEM)
        _drill(county, "fire", timezone.localdate() - timedelta(days=1), facility=school)
    for url, count in few.items():
        with django_assert_max_num_queries(count):
            assert api.get(url).status_code == 200
    for url, count in few_pages.items():
        with django_assert_max_num_queries(count):
            assert web.get(url).status_code == 200


def test_the_calendar_lists_a_months_exercises_by_day_for_those_who_see_them(county):
    drill = schedule_drill(county, title="Autumn lockdown", starts_at=_at(date(2026, 10, 14)))
    url = f"/facilities/{county.school.pk}/calendar/?month=2026-10"
    district = web_client(county.owner_member).get(url)
    assert b"Autumn lockdown" in district.content
    assert b"?month=2026-09" in district.content
    assert b"?month=2026-11" in district.content
    assert b"Autumn lockdown" in web_client(county.partner_view_member).get(url).content  # the police take part
    assert b"Autumn lockdown" not in web_client(county.unrelated_admin).get(url).content
    agency = f"/agencies/{county.district.pk}/calendar/?month=2026-10"
    assert b"Autumn lockdown" in web_client(county.owner_member).get(agency).content
    assert web_client(county.unrelated_admin).get(agency).status_code == 404
    assert (
        web_client(county.owner_member).get(f"/agencies/{county.district.pk}/calendar/?month=nonsense").status_code
        == 200
    )
    assert drill.pk

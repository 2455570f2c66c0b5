"""The demo county's year of exercises (issue 17, item 7): the police department's active-threat training in two
school buildings with fire and EMS, whose final after-action report holds three corrective actions (one open, one
overdue, and one on Prairie Ridge's reunification annex that the school's next version, published later in the
demo's history, closes), and the schools' lockdown, evacuation and fire drills through the school year, the next
ones still scheduled. Built through the services, as people would."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from agencies.models import Agency, Facility
from exercises.models import Exercise, FindingKind
from exercises.report_services import (
    corrective_action_create,
    report_finalize,
    report_finding_add,
    report_summary_set,
)
from exercises.services import (
    ExercisePlan,
    attendance_record,
    exercise_mark_conducted,
    exercise_schedule,
    observation_add,
)
from plans.models import Plan


@dataclass(frozen=True)
class DemoCounty:
    """What the exercises need of the demo county: agencies by slug, buildings by short name, people by username,
    the school plans by building, and the slugs of the police, fire, EMS and school systems."""

    agencies: Mapping[str, Agency]
    facilities: Mapping[str, Facility]
    users: Mapping[str, User]
    plans: Mapping[str, Plan]
    police: str
    fire: str
    ems: str
    district: str  # owns Prairie Ridge Middle School
    high_schools: str  # owns Fairbrook High School


def _at(day: datetime, hour: int) -> datetime:
    return timezone.localtime(day).replace(hour=hour, minute=0, second=0, microsecond=0)


def _plan(
    county: DemoCounty,
    *,
    title: str,
    kind: str,
    when: datetime,
    hours: int,
    lead: str,
    actor: str,
    schools: list[str],
    partners: list[str],
    objectives: list[str],
    description: str = "",
) -> Exercise:
    start = _at(when, 9)
    versions = [county.plans[s].current_version_id for s in schools if county.plans[s].current_version_id]
    return exercise_schedule(
        lead_agency=county.agencies[lead],
        plan=ExercisePlan(
            title=title,
            kind=kind,
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            description=description,
            facility_ids=[county.facilities[s].pk for s in schools],
            participant_ids=[county.agencies[p].pk for p in partners],
            version_ids=[v for v in versions if v is not None],
            objectives=objectives,
        ),
        actor=county.users[actor],
    )


def _active_threat_training(county: DemoCounty) -> Exercise:
    """The police department's active-threat training at Fairbrook High and Prairie Ridge Middle, with its report."""
    now = timezone.now()
    users = county.users
    exercise = _plan(
        county,
        title="Active-threat response training (summer)",
        kind="full_scale",
        when=now - timedelta(days=75),
        hours=6,
        lead=county.police,
        actor="police_admin",
        schools=["fairbrook_hs", "prairie_ridge"],
        partners=[county.fire, county.ems, county.district, county.high_schools],
        objectives=[
            "First officers on scene enter and stop the threat within five minutes",
            "Fire and EMS rescue task forces enter the warm zone with police escort",
            "Unified command is established at the front lot within ten minutes",
            "Students are reunified with their families at the off-site location",
        ],
        description="The Special Response Team trains patrol officers, then runs the scenario with fire, EMS and "
        "school staff playing the building's people. Buildings closed to students.",
    )
    exercise_mark_conducted(exercise=exercise, actor=users["police_admin"])
    police = county.agencies[county.police]
    officers = [users[name] for name in ("police_officer", "officer03", "officer04", "officer07") if name in users]
    attendance_record(
        exercise=exercise,
        agency=police,
        attendee_ids=[u.pk for u in officers],
        staff_count=0,
        student_count=0,
        actor=users["police_admin"],
    )
    attendance_record(
        exercise=exercise,
        agency=county.agencies[county.fire],
        attendee_ids=[users["fire_liaison"].pk],
        staff_count=0,
        student_count=0,
        actor=users["firefighter01"],
    )
    attendance_record(
        exercise=exercise,
        agency=county.agencies[county.district],
        attendee_ids=[users["district_admin"].pk],
        staff_count=42,
        student_count=0,
        actor=users["district_admin"],
    )
    objectives = list(exercise.objectives.all())
    observation_add(
        exercise=exercise,
        agency=county.agencies[county.fire],
        text="Rescue task force waited eight minutes for an escort at Door 2; radios did not reach inside the gym.",
        objective_id=objectives[1].pk,
        actor=users["firefighter01"],
    )
    report_summary_set(
        exercise=exercise,
        summary="Entry and unified command met their targets. Radio coverage inside the buildings and the "
        "reunification hand-off to the district need work.",
        actor=users["police_admin"],
    )
    report_finding_add(
        exercise=exercise,
        kind=FindingKind.STRENGTH,
        text="First entry team inside in 3 minutes 40 seconds at both buildings.",
        objective_id=objectives[0].pk,
        plan_id=None,
        section_key="",
        actor=users["police_admin"],
    )
    reunification = report_finding_add(
        exercise=exercise,
        kind=FindingKind.IMPROVEMENT,
        text="Buses for the off-site reunification site were not requested until 40 minutes in.",
        objective_id=objectives[3].pk,
        plan_id=county.plans["prairie_ridge"].pk,
        section_key="annex-reunification",
        actor=users["police_admin"],
    )
    lockdown = report_finding_add(
        exercise=exercise,
        kind=FindingKind.IMPROVEMENT,
        text="Classroom doors in the east wing cannot be locked from inside.",
        objective_id=objectives[0].pk,
        plan_id=county.plans["fairbrook_hs"].pk,
        section_key="annex-lockdown",
        actor=users["police_admin"],
    )
    communications = report_finding_add(
        exercise=exercise,
        kind=FindingKind.IMPROVEMENT,
        text="Portable radios lost contact inside the gym and the lower level.",
        objective_id=objectives[1].pk,
        plan_id=county.plans["fairbrook_hs"].pk,
        section_key="annex-communications",
        actor=users["police_admin"],
    )
    report_finalize(exercise=exercise, actor=users["police_admin"])
    today = timezone.localdate()
    corrective_action_create(
        finding=reunification,
        description="Say in the reunification annex where the buses stage and who calls them.",
        owning_agency_id=county.agencies[county.district].pk,
        responsible_id=users["district_planner"].pk,
        due_on=today + timedelta(days=20),
        actor=users["police_admin"],
    )
    # Prairie Ridge's next version (plans/management/demo/sources.py) moves the buses and closes that one.
    corrective_action_create(
        finding=lockdown,
        description="Replace or re-key the east-wing classroom locks and say so in the lockdown annex.",
        owning_agency_id=county.agencies[county.high_schools].pk,
        responsible_id=None,
        due_on=today + timedelta(days=45),
        actor=users["police_admin"],
    )
    corrective_action_create(
        finding=communications,
        description="Add the radio dead zones and the repeater plan to the communications annex.",
        owning_agency_id=county.agencies[county.high_schools].pk,
        responsible_id=users["hsd211_staff02"].pk,
        due_on=today - timedelta(days=6),
        actor=users["police_admin"],
    )
    return exercise


# The schools' drills through the school year: (school, kind, days from today, partner).
SCHOOL_DRILLS = [
    ("jefferson", "fire", -250, "fire"),
    ("jefferson", "lockdown", -220, "police"),
    ("hawthorne", "evacuation", -200, "fire"),
    ("lakeview", "lockdown", -160, "police"),
    ("hawthorne", "severe_weather", -120, "fire"),
    ("jefferson", "evacuation", -90, "fire"),
    ("lakeview", "fire", -40, "fire"),
    ("jefferson", "lockdown", 14, "police"),
    ("hawthorne", "lockdown", 21, "police"),
    ("lakeview", "reunification", 35, "police"),
]


def _school_drills(county: DemoCounty) -> int:
    partner_slug = {"fire": county.fire, "police": county.police}
    now = timezone.now()
    made = 0
    for school, kind, days, partner in SCHOOL_DRILLS:
        facility = county.facilities[school]
        drill = _plan(
            county,
            title=f"{facility.name}: {kind.replace('_', ' ')} drill",
            kind=kind,
            when=now + timedelta(days=days),
            hours=1,
            lead=county.district,
            actor="district_admin",
            schools=[school],
            partners=[partner_slug[partner]],
            objectives=["Every classroom accounted for within ten minutes"],
        )
        if days < 0:
            exercise_mark_conducted(exercise=drill, actor=county.users["district_admin"])
            attendance_record(
                exercise=drill,
                agency=county.agencies[county.district],
                attendee_ids=[],
                staff_count=45,
                student_count=600,
                actor=county.users["district_admin"],
            )
        made += 1
    return made


def demo_exercises_create(*, county: DemoCounty) -> int:
    """Create the demo's exercises; returns how many."""
    _active_threat_training(county)
    return 1 + _school_drills(county)

"""The demo county's drill requirements (issue 17, item 5): the operator loads a state's rule, the districts apply
it to their schools, and the schools' drills of this school year are topped up so that every school is on pace
but Hawthorne Elementary, which is behind on its lockdown drills (one is scheduled, none done). Built through
the services, as people would; the spread holds whatever the day the demo is built (early in a term nothing is
expected yet, so nothing is behind)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from access.actors import SYSTEM
from exercises.demo_data import DemoCounty, _plan
from exercises.models import RequirementSet
from exercises.requirement_services import SetFields, requirement_assign, requirement_line_add, requirement_set_create
from exercises.requirement_status import drill_status
from exercises.services import exercise_mark_conducted

SCHOOL_KINDS = ["elementary_school", "middle_school", "high_school", "k12_school", "private_school"]
# (kind, count, per): the state's rule, as a state's school-safety act words it.
STATE_RULE = [
    ("lockdown", 1, "term"),
    ("evacuation", 2, "year"),
    ("fire", 3, "year"),
    ("severe_weather", 1, "year"),
]
SCHOOLS = ("jefferson", "lakeview", "prairie_ridge", "hawthorne", "fairbrook_hs")
BEHIND = ("hawthorne", "lockdown")


def _state_set() -> RequirementSet:
    rule = requirement_set_create(
        owner_agency=None,
        fields=SetFields(
            name="State school safety drills",
            jurisdiction="State (demo)",
            year_start_month=8,
            year_start_day=1,
            terms_per_year=2,
        ),
        actor=SYSTEM,
    )
    for kind, count, per in STATE_RULE:
        requirement_line_add(
            requirement_set=rule, exercise_kind=kind, count=count, period=per, facility_kinds=SCHOOL_KINDS, actor=SYSTEM
        )
    return rule


def demo_drill_requirements_create(*, county: DemoCounty) -> int:
    """Load the rule, apply it to the demo schools, top their drills up; returns the drills added."""
    rule = _state_set()
    facilities = [county.facilities[short] for short in SCHOOLS]
    for facility in facilities:
        requirement_assign(facility=facility, requirement_set=rule, actor=SYSTEM)
    today = timezone.localdate()
    statuses = drill_status(facilities=facilities, today=today)
    owner_slug = {
        f.pk: (county.high_schools if short == "fairbrook_hs" else county.district)
        for short, f in zip(SCHOOLS, facilities, strict=True)
    }
    admins = {county.district: "district_admin", county.high_schools: "hsd211_staff01"}
    added = 0
    for short, facility in zip(SCHOOLS, facilities, strict=True):
        for line in statuses[facility.pk].sets[0].lines:
            if (short, line.line.exercise_kind) == BEHIND:
                continue
            year_start = statuses[facility.pk].sets[0].year.start
            elapsed = (today - year_start).days
            for n in range(max(0, line.expected_by_now - line.done)):
                day = year_start + timedelta(days=max(0, elapsed * (n + 1) // (line.expected_by_now + 1) - 1))
                lead = owner_slug[facility.pk]
                drill = _plan(
                    county,
                    title=f"{facility.name}: {line.kind_label.lower()}",
                    kind=line.line.exercise_kind,
                    when=timezone.make_aware(datetime.combine(day, time(9))),
                    hours=1,
                    lead=lead,
                    actor=admins[lead],
                    schools=[short],
                    partners=[county.fire if line.line.exercise_kind != "lockdown" else county.police],
                    objectives=["Every classroom accounted for within ten minutes"],
                )
                exercise_mark_conducted(exercise=drill, actor=county.users[admins[lead]])
                added += 1
    return added

"""An exercise of the county: the district leads a lockdown drill at its school with the police and fire."""

from datetime import timedelta

from django.utils import timezone

from access.actors import SYSTEM
from exercises.models import Exercise, FindingKind
from exercises.report_services import corrective_action_create, report_finalize, report_finding_add
from exercises.requirement_services import (
    SetFields,
    requirement_assign,
    requirement_line_add,
    requirement_set_create,
)
from exercises.services import ExercisePlan, exercise_mark_conducted, exercise_schedule
from notifications.models import OutboxEvent
from notifications.services import outbox_event_fan_out


def drill_plan(county, **changes) -> ExercisePlan:
    start = changes.pop("starts_at", timezone.now() - timedelta(hours=2))
    fields = {
        "title": "Spring lockdown drill",
        "kind": "lockdown",
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
        "description": "Whole-school lockdown with police and fire.",
        "facility_ids": [county.school.pk],
        "participant_ids": [county.police.pk, county.fire.pk],
        "version_ids": [county.published.pk],
        "objectives": ["Lock every classroom within three minutes", "Reunify students with parents"],
    }
    return ExercisePlan(**{**fields, **changes})


def schedule_drill(county, **changes) -> Exercise:
    return exercise_schedule(lead_agency=county.district, plan=drill_plan(county, **changes), actor=county.owner_admin)


def conducted_drill(county) -> Exercise:
    exercise = schedule_drill(county)
    return exercise_mark_conducted(exercise=exercise, actor=county.owner_admin)


def final_report_with_action(county):
    """A conducted drill whose final report has one area for improvement on the county plan's section 2, and
    a corrective action for the district on it. Returns (exercise, finding, action)."""
    exercise = conducted_drill(county)
    finding = report_finding_add(
        exercise=exercise,
        kind=FindingKind.IMPROVEMENT,
        text="Reunification took too long.",
        objective_id=exercise.objectives.get(position=2).pk,
        plan_id=county.plan.pk,
        section_key="section-2",
        actor=county.owner_admin,
    )
    report_finalize(exercise=exercise, actor=county.owner_admin)
    action = corrective_action_create(
        finding=finding,
        description="Rewrite the reunification steps",
        owning_agency_id=county.district.pk,
        responsible_id=county.owner_planner.pk,
        due_on=timezone.localdate() + timedelta(days=30),
        actor=county.owner_admin,
    )
    return exercise, finding, action


def fan_out_all() -> None:
    for event_id in OutboxEvent.objects.filter(dispatched_at__isnull=True).values_list("pk", flat=True):
        outbox_event_fan_out(event_id=event_id)


class ExerciseScene:
    """Three exercises of the county, led by the district with the police and fire: one scheduled (started an
    hour ago), one conducted with a draft report holding a strength, one with a final report and an open
    corrective action on the county plan."""

    def __init__(self, county) -> None:
        self.scheduled = schedule_drill(county, title="Scheduled drill")
        self.drafted = conducted_drill(county)
        self.strength = report_finding_add(
            exercise=self.drafted,
            kind=FindingKind.STRENGTH,
            text="Doors locked in two minutes.",
            objective_id=None,
            plan_id=None,
            section_key="",
            actor=county.owner_admin,
        )
        self.reported, self.improvement, self.action = final_report_with_action(county)


class DrillScene:
    """Drill requirements of the county: a state's rule (two lockdown drills a term, ten fire drills a year at
    schools) and the district's own set (one evacuation drill a year), applied to the school."""

    def __init__(self, county) -> None:
        self.state_set = requirement_set_create(
            owner_agency=None,
            fields=SetFields(name="State school drill rule", jurisdiction="State", year_start_month=8),
            actor=SYSTEM,
        )
        school_kinds = ["elementary_school", "middle_school", "high_school", "k12_school", "private_school"]
        requirement_line_add(
            requirement_set=self.state_set,
            exercise_kind="lockdown",
            count=2,
            period="term",
            facility_kinds=school_kinds,
            actor=SYSTEM,
        )
        requirement_line_add(
            requirement_set=self.state_set,
            exercise_kind="fire",
            count=10,
            period="year",
            facility_kinds=school_kinds,
            actor=SYSTEM,
        )
        self.district_set = requirement_set_create(
            owner_agency=county.district, fields=SetFields(name="District extras"), actor=SYSTEM
        )
        self.district_line = requirement_line_add(
            requirement_set=self.district_set,
            exercise_kind="evacuation",
            count=1,
            period="year",
            facility_kinds=[],
            actor=SYSTEM,
        )
        requirement_assign(facility=county.school, requirement_set=self.district_set, actor=SYSTEM)

    def as_dict(self) -> dict:
        return {"state_set": self.state_set, "district_set": self.district_set, "district_line": self.district_line}

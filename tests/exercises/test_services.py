"""The exercise workflow through its services: scheduling alerts the participants, each agency records its
own attendance and observations, the report becomes immutable when final, and a new version of a plan closes
its corrective actions and tells the participants. Every write is audited; a refused one changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from exercises.models import ActionStatus, ExerciseStatus, Finding, FindingKind, ReportState
from exercises.report_services import (
    corrective_action_close,
    report_finding_add,
    report_summary_set,
)
from exercises.services import (
    attendance_record,
    exercise_cancel,
    exercise_mark_conducted,
    exercise_update,
    observation_add,
)
from notifications.models import EventType, Notification
from plans.services import plan_version_publish
from portal.errors import ConflictError, InvalidInputError, NotAllowedError
from tests.exercises.helpers import (
    conducted_drill,
    drill_plan,
    fan_out_all,
    final_report_with_action,
    schedule_drill,
)


def test_scheduling_alerts_the_participating_agencies_and_is_audited(county):
    exercise = schedule_drill(county)
    assert sorted(exercise.participants.values_list("agency_id", flat=True)) == sorted(
        [county.district.pk, county.police.pk, county.fire.pk]
    )
    assert next(o.text for o in exercise.objectives.all()) == "Lock every classroom within three minutes"
    assert AuditEvent.objects.filter(action="exercise.schedule", object_id=str(exercise.pk)).count() == 1
    fan_out_all()
    alerts = Notification.objects.filter(event_type=EventType.EXERCISE_SCHEDULED)
    assert alerts.filter(user=county.partner_view_member).exists()
    assert alerts.filter(user=county.partner_comment_liaison).exists()
    assert "Spring lockdown drill" in alerts.first().title
    assert not alerts.filter(user__in=[county.owner_admin, county.owner_member, county.unrelated_admin]).exists()


@pytest.mark.parametrize("who", ["owner_planner", "owner_member", "partner_view_liaison", "unrelated_admin", "staff"])
def test_only_the_lead_agencys_admins_and_liaisons_schedule(county, who):
    from exercises.services import exercise_schedule

    with pytest.raises(NotAllowedError):
        exercise_schedule(lead_agency=county.district, plan=drill_plan(county), actor=getattr(county, who))
    assert not AuditEvent.objects.filter(action="exercise.schedule").exists()


def test_bad_input_names_the_field(county):
    for changes, field in [
        ({"kind": "picnic"}, "kind"),
        ({"ends_at": timezone.now() - timedelta(days=3)}, "ends_at"),
        ({"participant_ids": [999999]}, "participants"),
        ({"version_ids": [county.draft.pk]}, "plan_versions"),
    ]:
        with pytest.raises(InvalidInputError) as raised:
            schedule_drill(county, **changes)
        assert raised.value.field == field


def test_a_building_the_lead_does_not_work_with_is_refused(county):
    from tests.agencies.factories import FacilityFactory

    elsewhere = FacilityFactory(name="Far County High", owner_agency=county.unrelated)
    with pytest.raises(InvalidInputError):
        schedule_drill(county, facility_ids=[elsewhere.pk])


def test_an_update_alerts_only_agencies_added_now(county, django_capture_on_commit_callbacks):
    exercise = schedule_drill(county, participant_ids=[county.police.pk])
    fan_out_all()
    exercise_update(exercise=exercise, plan=drill_plan(county, title="Moved"), actor=county.owner_liaison)
    fan_out_all()
    alerts = Notification.objects.filter(event_type=EventType.EXERCISE_SCHEDULED)
    assert alerts.filter(user=county.partner_view_member).count() == 1
    assert alerts.filter(user=county.partner_comment_liaison).count() == 1


def test_each_agency_records_its_own_attendance(county):
    exercise = conducted_drill(county)
    police_admin = _police_admin(county)
    attendance_record(
        exercise=exercise,
        agency=county.police,
        attendee_ids=[county.partner_view_member.pk],
        staff_count=0,
        student_count=0,
        actor=police_admin,
    )
    with pytest.raises(NotAllowedError):  # the police admin is not the district's
        attendance_record(
            exercise=exercise,
            agency=county.district,
            attendee_ids=[],
            staff_count=3,
            student_count=0,
            actor=police_admin,
        )
    with pytest.raises(InvalidInputError):  # a district person is not a police attendee
        attendance_record(
            exercise=exercise,
            agency=county.police,
            attendee_ids=[county.owner_member.pk],
            staff_count=0,
            student_count=0,
            actor=police_admin,
        )
    attendance_record(
        exercise=exercise,
        agency=county.district,
        attendee_ids=[county.owner_member.pk],
        staff_count=40,
        student_count=600,
        actor=county.owner_admin,
    )
    district = exercise.participants.get(agency=county.district)
    assert (district.staff_count, district.student_count) == (40, 600)
    assert AuditEvent.objects.filter(action="exercise.attendance").count() == 2


def test_observations_are_in_the_agencys_own_name(county):
    exercise = conducted_drill(county)
    observation = observation_add(
        exercise=exercise,
        agency=county.police,
        text="Door 4 stayed open.",
        objective_id=None,
        actor=_police_admin(county),
    )
    assert observation.agency == county.police
    with pytest.raises(NotAllowedError):  # a liaison of a participant does not record
        observation_add(
            exercise=exercise, agency=county.police, text="x", objective_id=None, actor=county.partner_view_liaison
        )


def test_a_cancelled_exercise_takes_no_more_records(county):
    exercise = schedule_drill(county)
    exercise_cancel(exercise=exercise, reason="Snow day", actor=county.owner_admin)
    exercise.refresh_from_db()
    assert exercise.status == ExerciseStatus.CANCELLED
    with pytest.raises(ConflictError):
        exercise_mark_conducted(exercise=exercise, actor=county.owner_admin)


def test_the_final_report_cannot_change(county):
    exercise, finding, _ = final_report_with_action(county)
    assert exercise.report.state == ReportState.FINAL
    with pytest.raises(ConflictError):
        report_summary_set(exercise=exercise, summary="Rewritten", actor=county.owner_admin)
    with pytest.raises(ConflictError):
        Finding.objects.get(pk=finding.pk).save()
    assert finding.section_title == "Section 2"


def test_an_area_for_improvement_needs_a_plan_the_writer_may_read(county):
    exercise = conducted_drill(county)
    from tests.plans.factories import make_plan

    theirs = make_plan(owner=county.unrelated, actor=county.unrelated_admin, title="Sheriff plan")
    for plan_id, section, field in [
        (None, "", "plan"),
        (theirs.pk, "", "plan"),
        (county.plan.pk, "nope", "section_key"),
    ]:
        with pytest.raises(InvalidInputError) as raised:
            report_finding_add(
                exercise=exercise,
                kind=FindingKind.IMPROVEMENT,
                text="Slow",
                objective_id=None,
                plan_id=plan_id,
                section_key=section,
                actor=county.owner_admin,
            )
        assert raised.value.field == field


def test_publishing_a_new_version_closes_the_plans_actions_and_alerts_the_participants(county):
    _exercise, _, action = final_report_with_action(county)
    fan_out_all()
    plan_version_publish(version=county.draft, actor=county.owner_admin)
    action.refresh_from_db()
    assert action.status == ActionStatus.CLOSED_BY_VERSION
    assert action.closed_by_version == county.draft
    assert AuditEvent.objects.filter(action="corrective_action.close", object_id=str(action.pk)).exists()
    fan_out_all()
    alerts = Notification.objects.filter(event_type=EventType.CORRECTIVE_ACTION_CLOSED)
    assert alerts.filter(user=county.partner_view_member).exists()
    assert "closed by version 2" in alerts.filter(user=county.partner_view_member).get().title
    assert not alerts.filter(user=county.unrelated_admin).exists()


def test_an_action_closed_by_decision_keeps_the_reason(county):
    _, _, action = final_report_with_action(county)
    with pytest.raises(NotAllowedError):
        corrective_action_close(action=action, reason="No", actor=county.partner_view_liaison)
    with pytest.raises(InvalidInputError):
        corrective_action_close(action=action, reason=" ", actor=county.owner_admin)
    corrective_action_close(action=action, reason="The annex already covers it.", actor=county.owner_admin)
    action.refresh_from_db()
    assert (action.status, action.closed_reason) == (ActionStatus.CLOSED_BY_DECISION, "The annex already covers it.")
    with pytest.raises(ConflictError):
        corrective_action_close(action=action, reason="again", actor=county.owner_admin)


def _police_admin(county):
    from agencies.models import Role
    from tests.agencies.factories import member

    return member(county.police, Role.ADMIN, username="police_admin")

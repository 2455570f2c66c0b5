"""Training records (issue 17, item 4): recording, who is current, refresh periods, from an exercise, audit."""

from datetime import timedelta

import pytest
from django.utils import timezone

from access.actors import SYSTEM
from audit.models import AuditAction, AuditEvent
from exercises.services import attendance_record
from portal.errors import ConflictError, InvalidInputError, NotAllowedError
from reading import selectors_training as selectors
from reading.models import TrainingRecord
from reading.selectors_compliance import compliance_scope_for
from reading.services import reading_group_create, reading_group_member_add
from reading.services_training import (
    training_from_exercise,
    training_requirement_create,
    training_session_delete,
    training_session_record,
    training_session_update,
)
from tests.exercises.helpers import conducted_drill, schedule_drill
from tests.reading.training_scene import TrainingScene, session_input

pytestmark = pytest.mark.django_db


def _states(county, **filters):
    scope = compliance_scope_for(user=county.owner_admin, agency_id=county.district.pk)
    rows = selectors.people_summaries(
        scope=scope, filters=selectors.TrainingFilters(**filters), today=timezone.localdate()
    )
    return {row["user__username"]: row["state"] for row in selectors.people_rows(scope=scope, rows=list(rows))}


def test_the_trained_people_are_current_and_the_others_are_not(county):
    TrainingScene(county)
    assert _states(county) == {
        "district_admin": "not_current",
        "district_liaison": "not_current",
        "district_member": "current",
        "district_planner": "current",
    }
    [row] = selectors.plan_rows(agency=county.district, today=timezone.localdate())
    assert (row["title"], row["required"], row["current"], row["not_current"]) == (county.plan.title, 4, 2, 2)
    assert set(_states(county, state="not_current")) == {"district_admin", "district_liaison"}


def test_a_new_version_makes_everyone_not_current_again(county):
    TrainingScene(county)
    from plans import services as plan_services

    draft = county.plan.versions.get(state="draft")
    plan_services.plan_version_publish(version=draft, actor=county.owner_admin)
    assert set(_states(county).values()) == {"not_current"}


def test_a_refresh_period_makes_an_old_training_not_current(county):
    training_requirement_create(agency=county.district, plan=county.plan, refresh_months=12, actor=SYSTEM)
    old = timezone.localdate() - timedelta(days=400)
    training_session_record(agency=county.district, data=session_input(county, trained_on=old), actor=SYSTEM)
    assert set(_states(county).values()) == {"not_current"}
    training_session_record(agency=county.district, data=session_input(county), actor=SYSTEM)
    assert _states(county)["district_member"] == "current"


def test_a_group_requirement_asks_only_its_people_and_a_supervisor_sees_only_them(county):
    group = reading_group_create(agency=county.district, name="School Resource Officers", actor=SYSTEM)
    reading_group_member_add(group=group, user=county.owner_member, actor=SYSTEM)
    reading_group_member_add(group=group, user=county.owner_planner, is_supervisor=True, actor=SYSTEM)
    training_requirement_create(agency=county.district, plan=county.plan, audience="group", group=group, actor=SYSTEM)
    # The supervisor is one of the group's people; nobody outside the group is asked.
    assert _states(county) == {"district_member": "not_current", "district_planner": "not_current"}
    training_session_record(
        agency=county.district, data=session_input(county, trainee_ids=[], group_ids=[group.pk]), actor=SYSTEM
    )
    scope = compliance_scope_for(user=county.owner_planner, agency_id=county.district.pk)
    assert not scope.everyone
    rows = selectors.people_summaries(scope=scope, filters=selectors.TrainingFilters(), today=timezone.localdate())
    assert [row["user__username"] for row in rows] == ["district_member", "district_planner"]
    assert _states(county) == {"district_member": "current", "district_planner": "current"}


def test_recording_is_audited_and_changing_rewrites_the_records(county):
    scene = TrainingScene(county)
    assert AuditEvent.objects.filter(action=AuditAction.TRAINING_RECORD, object_id=str(scene.session.pk)).exists()
    assert TrainingRecord.objects.filter(session=scene.session).count() == 2
    fewer = session_input(county, trainee_ids=[county.owner_member.pk])
    training_session_update(session=scene.session, data=fewer, actor=county.owner_admin)
    assert list(TrainingRecord.objects.filter(session=scene.session).values_list("user__username", flat=True)) == [
        "district_member"
    ]
    training_session_delete(session=scene.session, actor=county.owner_liaison)
    assert not TrainingRecord.objects.exists()
    actions = set(AuditEvent.objects.filter(agency=county.district).values_list("action", flat=True))
    assert {AuditAction.TRAINING_UPDATE, AuditAction.TRAINING_DELETE} <= actions


def test_only_admins_and_liaisons_record_and_only_the_agencys_people_are_named(county):
    with pytest.raises(NotAllowedError):
        training_session_record(agency=county.district, data=session_input(county), actor=county.owner_member)
    with pytest.raises(NotAllowedError):
        training_session_record(agency=county.district, data=session_input(county), actor=county.unrelated_admin)
    with pytest.raises(InvalidInputError) as error:
        training_session_record(
            agency=county.district,
            data=session_input(county, trainee_ids=[county.partner_view_member.pk]),
            actor=county.owner_admin,
        )
    assert error.value.field == "trainees"
    with pytest.raises(InvalidInputError) as error:
        training_session_record(
            agency=county.district, data=session_input(county, version_ids=[county.draft.pk]), actor=county.owner_admin
        )
    assert error.value.field == "plan_versions"


def test_an_exercises_attendees_are_recorded_as_trained_on_its_versions(county):
    exercise = conducted_drill(county)
    attendance_record(
        exercise=exercise,
        agency=county.district,
        attendee_ids=[county.owner_member.pk],
        staff_count=30,
        student_count=0,
        actor=county.owner_admin,
    )
    training_requirement_create(agency=county.district, plan=county.plan, actor=SYSTEM)
    session = training_from_exercise(exercise=exercise, agency=county.district, actor=county.owner_admin)
    assert session.staff_count == 30
    assert _states(county)["district_member"] == "current"
    again = training_from_exercise(exercise=exercise, agency=county.district, actor=county.owner_admin)
    assert again.pk == session.pk
    with pytest.raises(ConflictError):
        training_from_exercise(exercise=schedule_drill(county), agency=county.district, actor=county.owner_admin)

"""The demo's training records (issue 17, item 4): the police department's Special Response Team trained the School
Resource Officers on the current active-threat plan a month ago (two SROs missed it, so they are not current), with
school staff from the high school; the summer's active-threat exercise counts as training for the officers who
attended. Every write goes through `reading.services_training`."""

from collections.abc import Callable, Mapping
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from agencies.models import Agency
from exercises.models import Exercise, ExerciseStatus
from plans.models import Plan
from reading.models import Audience, ReadingGroupMember
from reading.services_training import (
    SessionInput,
    training_from_exercise,
    training_requirement_create,
    training_session_record,
)

MISSED = ("officer09", "officer10")  # the SROs who were on leave: not current
TRAINER = "officer01"  # the Special Response Team's sergeant
STAFF = [
    "Ms. Alvarez (front office)",
    "Mr. Chen (custodian)",
    "Ms. Okafor (counselor)",
    "Mr. Patel (assistant principal)",
]


def demo_training_create(*, police: Agency, users: Mapping[str, User], progress: Callable[[str], None]) -> None:
    admin = users["police_admin"]
    threat = Plan.objects.get(owner_agency=police, title="Active threat response plan")
    sros = police.reading_groups.get(name="School Resource Officers")
    progress("Recording the police department's active-threat training (SROs, school staff, the summer exercise)…")
    training_requirement_create(
        agency=police, plan=threat, audience=Audience.GROUP, group=sros, refresh_months=12, actor=admin
    )
    trained = ReadingGroupMember.objects.filter(group=sros).exclude(user__username__in=MISSED)
    training_session_record(
        agency=police,
        data=SessionInput(
            title="Active-threat response: Special Response Team trains the SROs",
            trained_on=timezone.localdate() - timedelta(days=30),
            trainer_id=users[TRAINER].pk,
            version_ids=[threat.current_version_id] if threat.current_version_id else [],
            trainee_ids=list(trained.values_list("user_id", flat=True)),
            staff_names=STAFF,
            staff_count=38,
            notes="Hallway walk-through at Fairbrook High after school; school staff practised the lockdown roles.",
        ),
        actor=admin,
    )
    exercise = Exercise.objects.filter(
        lead_agency=police, title="Active-threat response training (summer)", status=ExerciseStatus.CONDUCTED
    ).first()
    if exercise is not None:
        training_from_exercise(exercise=exercise, agency=police, trainer_id=users[TRAINER].pk, actor=admin)

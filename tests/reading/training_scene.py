"""The district's training (issue 17, item 4): everyone must be trained on the county plan; the liaison trained
the member and the planner on its current version; the admin and the liaison are not current."""

from datetime import timedelta

from django.utils import timezone

from access.actors import SYSTEM
from reading.services_training import SessionInput, training_requirement_create, training_session_record


def session_input(county, **changes) -> SessionInput:
    fields = {
        "title": "Active-threat response",
        "trained_on": timezone.localdate() - timedelta(days=7),
        "trainer_id": county.owner_liaison.pk,
        "version_ids": [county.published.pk],
        "trainee_ids": [county.owner_member.pk, county.owner_planner.pk],
        "staff_names": ["Pat Teacher", "Sam Custodian"],
        "staff_count": 12,
    }
    return SessionInput(**{**fields, **changes})


class TrainingScene:
    def __init__(self, county) -> None:
        self.requirement = training_requirement_create(agency=county.district, plan=county.plan, actor=SYSTEM)
        self.session = training_session_record(agency=county.district, data=session_input(county), actor=SYSTEM)

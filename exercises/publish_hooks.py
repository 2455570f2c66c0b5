"""What publishing a plan's version means for the improvement plans of exercises, called by
plans/services/versions.py inside its transaction: every open corrective action on the plan is closed by the
new version, audited, and the participants of its exercise are alerted."""

from django.contrib.auth.models import User
from django.utils import timezone

from agencies.models import Agency
from audit.models import AuditAction
from audit.services import audit_event_record
from exercises.models import ActionStatus, CorrectiveAction
from exercises.report_services import action_closed_announce
from plans.models import Plan, PlanVersion


def corrective_actions_close_by_version(*, plan: Plan, version: PlanVersion, actor: User) -> int:
    """Close the plan's open corrective actions with `version`; returns how many closed."""
    actions = list(
        CorrectiveAction.objects.select_for_update(of=("self",))
        .filter(plan=plan, status=ActionStatus.OPEN)
        .select_related("exercise")
        .order_by("pk")
    )
    if not actions:
        return 0
    now = timezone.now()
    CorrectiveAction.objects.filter(pk__in=[a.pk for a in actions]).update(
        status=ActionStatus.CLOSED_BY_VERSION,
        closed_by_version=version,
        closed_at=now,
        closed_by=actor if isinstance(actor, User) else None,
    )
    for action in actions:
        exercise = action.exercise
        audit_event_record(
            actor=actor,
            action=AuditAction.CORRECTIVE_ACTION_CLOSE,
            obj=action,
            agency=Agency(pk=exercise.lead_agency_id),
            details={"exercise": exercise.pk, "how": "version", "plan": plan.pk, "version": version.number},
        )
        action_closed_announce(action=action, exercise=exercise, how=f"version {version.number}", actor=actor)
    return len(actions)

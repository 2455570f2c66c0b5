"""The after-action report and its improvement plan, shared by the web pages and the API: the lead agency writes
the draft (a summary, strengths and areas for improvement per objective), makes it final (immutable, shared with
every participant), then assigns corrective actions; an action is closed by a decision here or by a new version
of its plan (exercises/publish_hooks.py). Every write is audited; the participants hear when an action closes."""

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from access.actors import SYSTEM, SystemActor, actor_allowed
from access.exercises import can_close_action, can_edit_exercise, finding_plans
from agencies.models import Agency, Membership
from audit.models import AuditAction
from audit.services import audit_event_record, audit_event_show_to
from exercises.models import (
    ActionStatus,
    AfterActionReport,
    CorrectiveAction,
    Exercise,
    ExerciseParticipant,
    ExerciseStatus,
    Finding,
    FindingKind,
    ReportState,
)
from notifications.models import EventType
from notifications.services import outbox_event_record
from plans.models import Plan, Section
from portal.errors import ConflictError, InvalidInputError, NotAllowedError

Actor = User | SystemActor


def _audit(exercise: Exercise, actor: Actor, action: AuditAction, obj: object, **details: object) -> None:
    event = audit_event_record(
        actor=actor,
        action=action,
        obj=obj,  # type: ignore[arg-type]
        agency=Agency(pk=exercise.lead_agency_id),
        details={"exercise": exercise.pk, **details},
    )
    audit_event_show_to(
        event=event, agency_ids=ExerciseParticipant.objects.filter(exercise=exercise).values("agency_id")
    )


def _writable_report(exercise: Exercise, actor: Actor) -> AfterActionReport:
    """The exercise's draft report, made on first write, locked; refused unless the actor leads it."""
    exercise = Exercise.objects.select_for_update().get(pk=exercise.pk)
    if not actor_allowed(actor, lambda person: can_edit_exercise(person, exercise)):
        raise NotAllowedError("Only the lead agency's admins and liaisons write the after-action report.")
    if exercise.status != ExerciseStatus.CONDUCTED:
        raise ConflictError("The report is written once the exercise has been conducted.")
    report, _ = AfterActionReport.objects.select_for_update().get_or_create(exercise=exercise)
    if report.is_final:
        raise ConflictError("The after-action report is final and cannot change.")
    return report


@transaction.atomic
def report_summary_set(*, exercise: Exercise, summary: str, actor: Actor) -> AfterActionReport:
    """Write the draft report's summary (the exercise's overview and conclusions)."""
    report = _writable_report(exercise, actor)
    report.summary = summary.strip()
    report.save(update_fields=["summary", "updated_at"])
    _audit(exercise, actor, AuditAction.AAR_EDIT, report, change="summary")
    return report


def _section_title(plan: Plan, key: str) -> str:
    """The section's title in the plan's current version, or InvalidInputError (a draft's sections are not
    offered: the report's writer may be a partner, who never sees drafts)."""
    title = (
        Section.objects.filter(version_id=plan.current_version_id, key=key).values_list("title", flat=True).first()
        if plan.current_version_id
        else None
    )
    if title is None:
        raise InvalidInputError("The plan's current version has no such section.", field="section_key")
    return title


@transaction.atomic
def report_finding_add(
    *,
    exercise: Exercise,
    kind: str,
    text: str,
    objective_id: int | None,
    plan_id: int | None,
    section_key: str,
    actor: Actor,
) -> Finding:
    """Add a strength or an area for improvement to the draft; an area for improvement names the plan it
    concerns (one the writer may read) and, optionally, the section."""
    report = _writable_report(exercise, actor)
    if kind not in FindingKind.values:
        raise InvalidInputError("Choose strength or area for improvement.", field="kind")
    if not text.strip():
        raise InvalidInputError("Write the finding.", field="text")
    if objective_id is not None and not exercise.objectives.filter(pk=objective_id).exists():
        raise InvalidInputError("Not an objective of this exercise.", field="objective")
    plan, section_title = None, ""
    if kind == FindingKind.IMPROVEMENT and plan_id is None:
        raise InvalidInputError("Name the plan this area for improvement concerns.", field="plan")
    if plan_id is not None:
        plans = Plan.objects.all() if actor is SYSTEM else finding_plans(user=actor)  # type: ignore[arg-type]
        plan = plans.filter(pk=plan_id).first()
        if plan is None:
            raise InvalidInputError("No plan you may read has that id.", field="plan")
        if section_key:
            section_title = _section_title(plan, section_key)
    elif section_key:
        raise InvalidInputError("A section needs its plan.", field="section_key")
    finding = Finding.objects.create(
        report=report,
        objective_id=objective_id,
        kind=kind,
        text=text.strip(),
        plan=plan,
        section_key=section_key if plan is not None else "",
        section_title=section_title,
    )
    _audit(exercise, actor, AuditAction.AAR_EDIT, report, change="finding_add", finding=finding.pk)
    return finding


@transaction.atomic
def report_finding_remove(*, finding: Finding, actor: Actor) -> None:
    """Take a finding out of the draft."""
    exercise = finding.report.exercise
    report = _writable_report(exercise, actor)
    if finding.report_id != report.pk:
        raise InvalidInputError("Not a finding of this report.", field="finding")
    finding_id = finding.pk
    finding.delete()
    _audit(exercise, actor, AuditAction.AAR_EDIT, report, change="finding_remove", finding=finding_id)


@transaction.atomic
def report_finalize(*, exercise: Exercise, actor: Actor) -> AfterActionReport:
    """Make the report final: it cannot change any more and every participant reads it."""
    report = _writable_report(exercise, actor)
    if not report.summary and not report.findings.exists():
        raise ConflictError("Write a summary or a finding before making the report final.")
    report.state = ReportState.FINAL
    report.finalized_at = timezone.now()
    report.finalized_by = actor if isinstance(actor, User) else None
    report.save(update_fields=["state", "finalized_at", "finalized_by", "updated_at"])
    _audit(exercise, actor, AuditAction.AAR_FINALIZE, report, findings=report.findings.count())
    return report


@transaction.atomic
def corrective_action_create(
    *,
    finding: Finding,
    description: str,
    owning_agency_id: int,
    responsible_id: int | None,
    due_on: date,
    actor: Actor,
) -> CorrectiveAction:
    """Assign an area for improvement of a final report to a participating agency, with a person and a date."""
    report = AfterActionReport.objects.select_related("exercise").get(pk=finding.report_id)
    exercise = report.exercise
    if not actor_allowed(actor, lambda person: can_edit_exercise(person, exercise)):
        raise NotAllowedError("Only the lead agency's admins and liaisons assign corrective actions.")
    if not report.is_final:
        raise ConflictError("Corrective actions follow the final report; make the report final first.")
    if finding.kind != FindingKind.IMPROVEMENT:
        raise InvalidInputError("Corrective actions answer areas for improvement.", field="finding")
    if not description.strip():
        raise InvalidInputError("Describe the corrective action.", field="description")
    if not ExerciseParticipant.objects.filter(exercise=exercise, agency_id=owning_agency_id).exists():
        raise InvalidInputError("The owning agency must be one that took part.", field="owning_agency")
    if (
        responsible_id is not None
        and not Membership.objects.filter(agency_id=owning_agency_id, user_id=responsible_id).exists()
    ):
        raise InvalidInputError("The responsible person must belong to the owning agency.", field="responsible")
    action = CorrectiveAction.objects.create(
        finding=finding,
        exercise=exercise,
        description=description.strip(),
        owning_agency_id=owning_agency_id,
        responsible_id=responsible_id,
        due_on=due_on,
        plan_id=finding.plan_id,
        section_key=finding.section_key,
        created_by=actor if isinstance(actor, User) else None,
    )
    _audit(exercise, actor, AuditAction.CORRECTIVE_ACTION_CREATE, action, owning_agency=owning_agency_id)
    return action


def action_closed_announce(*, action: CorrectiveAction, exercise: Exercise, how: str, actor: Actor) -> None:
    """Tell the exercise's participants that one of its corrective actions closed (and how)."""
    outbox_event_record(
        event_type=EventType.CORRECTIVE_ACTION_CLOSED,
        plan=None,
        payload={
            "action": action.pk,
            "exercise": exercise.pk,
            "exercise_title": exercise.title,
            "description": action.description[:200],
            "how": how,
            "actor": actor.pk,
        },
    )


@transaction.atomic
def corrective_action_close(*, action: CorrectiveAction, reason: str, actor: Actor) -> CorrectiveAction:
    """Close an open action by a recorded decision not to change (the reason is kept); participants hear."""
    action = CorrectiveAction.objects.select_for_update().select_related("exercise").get(pk=action.pk)
    exercise = action.exercise
    if not actor_allowed(actor, lambda p: can_close_action(p, action, lead_agency_id=exercise.lead_agency_id)):
        raise NotAllowedError("Only the lead's admins and liaisons, or the owning agency's admins, close it.")
    if not action.is_open:
        raise ConflictError(f"The action is already {action.get_status_display().lower()}.")
    if not reason.strip():
        raise InvalidInputError("Say why no change is needed.", field="reason")
    action.status, action.closed_reason = ActionStatus.CLOSED_BY_DECISION, reason.strip()
    action.closed_at, action.closed_by = timezone.now(), actor if isinstance(actor, User) else None
    action.save(update_fields=["status", "closed_reason", "closed_at", "closed_by"])
    _audit(exercise, actor, AuditAction.CORRECTIVE_ACTION_CLOSE, action, how="decision")
    action_closed_announce(action=action, exercise=exercise, how="decision", actor=actor)
    return action

"""The append-only audit trail: who did what to which object, when and from where."""

from typing import Any

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    PLAN_CREATE = "plan.create", "Plan created"
    PLAN_DELETE = "plan.delete", "Plan deleted"
    PLAN_RECLASSIFY = "plan.reclassify", "Plan classification changed"
    PLAN_SHARE = "plan.share", "Plan shared"
    PLAN_UNSHARE = "plan.unshare", "Plan share revoked"
    VERSION_PUBLISH = "version.publish", "Version published"
    VERSION_WITHDRAW = "version.withdraw", "Version withdrawn"
    PLAN_READ = "plan.read", "Sensitive plan read"
    ATTACHMENT_DOWNLOAD = "attachment.download", "Sensitive attachment downloaded"
    MEMBERSHIP_ADD = "membership.add", "Member added"
    MEMBERSHIP_CHANGE = "membership.change", "Member role changed"
    MEMBERSHIP_REMOVE = "membership.remove", "Member removed"
    WEBHOOK_CREATE = "webhook.create", "Webhook registered"
    WEBHOOK_DELETE = "webhook.delete", "Webhook removed"
    WEBHOOK_ENABLE = "webhook.enable", "Webhook re-enabled"
    CONCURRENCE_RECORD = "concurrence.record", "Partner concurrence recorded"
    COMMENT_RESOLVE = "comment.resolve", "Review comment resolved"
    AGENCY_UPDATE = "agency.update", "Agency details changed"
    MEMBERSHIP_INVITE = "membership.invite", "Member invited (account created)"
    FACILITY_CREATE = "facility.create", "Building registered"
    FACILITY_UPDATE = "facility.update", "Building details changed"
    ASSIGNMENT_ADD = "assignment.add", "Person assigned to a building"
    ASSIGNMENT_REMOVE = "assignment.remove", "Person taken off a building"
    FACTS_SET = "facts.set", "Key facts set"
    WEBHOOK_REDELIVER = "webhook.redeliver", "Webhook delivery resent"
    API_TOKEN_CREATE = "api_token.create", "API token issued"
    API_TOKEN_REVOKE = "api_token.revoke", "API token revoked"
    MFA_ADD = "mfa.add", "Second factor added (authenticator app, passkey or recovery codes)"
    MFA_REMOVE = "mfa.remove", "Second factor removed"
    MFA_RECOVERY_CODES_RESET = "mfa.recovery_codes_reset", "Recovery codes regenerated"
    AGENCY_CREATE = "agency.create", "Agency registered"
    USER_CREATE = "user.create", "Account created"
    # Writes to plans that left no record before (issue 12): who changed what, even in a draft.
    PLAN_UPDATE = "plan.update", "Plan details changed"
    DRAFT_START = "version.draft_start", "Draft started"
    DRAFT_EDIT = "version.draft_edit", "Draft edited"
    ATTACHMENT_ADD = "attachment.add", "File attached to a draft"
    ATTACHMENT_REMOVE = "attachment.remove", "File removed from a draft"
    VERSION_ACKNOWLEDGE = "version.acknowledge", "Version acknowledged"
    VERSION_ACKNOWLEDGE_AGENCY = "version.acknowledge_agency", "Version acknowledged for an agency"
    # Issue 13: a draft made from a Word document (its file name, digest and what was imported).
    PLAN_IMPORT = "plan.import", "Plan imported from a Word document"
    # A copy that leaves Concord (issue 13): who exported which version, in which format.
    PLAN_EXPORT = "plan.export", "Version exported (PDF or Word)"
    PLAN_REVIEWED = "plan.reviewed", "Plan reviewed, no changes"
    # Issue 14: sign-ins in the trail each agency reads, and that trail's own export.
    SIGN_IN = "auth.sign_in", "Signed in"
    SIGN_OUT = "auth.sign_out", "Signed out"
    SIGN_IN_FAILED = "auth.sign_in_failed", "Sign-in failed"
    LOCKED_OUT = "auth.locked_out", "Sign-in locked out"
    AUDIT_EXPORT = "audit.export", "Audit trail exported"
    # Issue 14: accounts lifecycle and sessions.
    MEMBERSHIP_INVITE_RESEND = "membership.invite_resend", "Invitation sent again"
    USER_DEACTIVATE = "user.deactivate", "Account deactivated"
    SESSIONS_END = "sessions.end", "Signed out everywhere (sessions and API tokens ended)"
    # Issue 14: an agency's own identity provider, and each sign-in through it.
    SSO_CONFIGURE = "sso.configure", "Single sign-on set up"
    SSO_CHANGE = "sso.change", "Single sign-on changed"
    SSO_REMOVE = "sso.remove", "Single sign-on removed"
    SSO_SIGN_IN = "sso.sign_in", "Signed in with single sign-on"
    # Issue 15: an agency's required-reading evidence taken out of Concord (its period and format).
    READING_EVIDENCE_EXPORT = "reading.evidence_export", "Required-reading evidence exported"
    # Issue 16: a person's secret calendar-feed link (feeds/).
    FEED_TOKEN_CREATE = "feed_token.create", "Calendar feed link created"
    FEED_TOKEN_REVOKE = "feed_token.revoke", "Calendar feed link revoked"
    # Issue 15: an agency's required reading (its groups of people and what they must read).
    READING_GROUP_CREATE = "reading.group_create", "Reading group created"
    READING_GROUP_UPDATE = "reading.group_update", "Reading group renamed or described"
    READING_GROUP_DELETE = "reading.group_delete", "Reading group removed"
    READING_GROUP_MEMBER_ADD = "reading.group_member_add", "Person added to a reading group"
    READING_GROUP_MEMBER_REMOVE = "reading.group_member_remove", "Person taken out of a reading group"
    READING_GROUP_SUPERVISOR = "reading.group_supervisor", "Reading group supervisor set or unset"
    READING_REQUIREMENT_CREATE = "reading.requirement_create", "Required reading set"
    READING_REQUIREMENT_UPDATE = "reading.requirement_update", "Required reading changed"
    READING_REQUIREMENT_DELETE = "reading.requirement_delete", "Required reading removed"
    # Issue 20: plans that build on partners' plans.
    SOURCE_ADD = "plan.source_add", "Source plan declared"
    SOURCE_REMOVE = "plan.source_remove", "Source plan removed"
    SOURCE_NO_CHANGE = "plan.source_no_change", "Source change reviewed, no change needed"
    # Issue 16: a building's floor plans and maps (buildings/), and each read of a law-enforcement-sensitive one.
    BUILDING_DOCUMENT_ADD = "building_document.add", "Building document added"
    BUILDING_DOCUMENT_REPLACE = "building_document.replace", "Building document replaced (new version)"
    BUILDING_DOCUMENT_READ = "building_document.read", "Sensitive building document read"
    # Issue 16: a building's contacts (its owner agency keeps them).
    FACILITY_CONTACT_ADD = "facility_contact.add", "Building contact added"
    FACILITY_CONTACT_CHANGE = "facility_contact.change", "Building contact changed"
    FACILITY_CONTACT_REMOVE = "facility_contact.remove", "Building contact removed"
    # Issue 19: onboarding without the operator (onboarding/).
    ROSTER_IMPORT = "roster.import", "Member roster imported"
    SHARING_DEFAULT_ADD = "sharing_default.add", "Partner added to the sharing defaults"
    SHARING_DEFAULT_REMOVE = "sharing_default.remove", "Partner taken off the sharing defaults"
    COORDINATOR_GRANT = "coordinator.grant", "State coordinator appointed"
    # Issue 17: exercises, after-action reports and corrective actions.
    EXERCISE_SCHEDULE = "exercise.schedule", "Exercise scheduled"
    EXERCISE_UPDATE = "exercise.update", "Exercise changed"
    EXERCISE_CANCEL = "exercise.cancel", "Exercise cancelled"
    EXERCISE_CONDUCT = "exercise.conduct", "Exercise marked conducted"
    EXERCISE_ATTENDANCE = "exercise.attendance", "Exercise attendance recorded"
    EXERCISE_OBSERVATION = "exercise.observation", "Exercise observation added"
    AAR_EDIT = "aar.edit", "After-action report edited"
    AAR_FINALIZE = "aar.finalize", "After-action report made final"
    AAR_EXPORT = "aar.export", "After-action report exported (PDF)"
    CORRECTIVE_ACTION_CREATE = "corrective_action.create", "Corrective action assigned"
    CORRECTIVE_ACTION_CLOSE = "corrective_action.close", "Corrective action closed"
    # Issue 17, item 4: training records and what an agency requires of its people (reading/*_training.py).
    TRAINING_RECORD = "training.record", "Training session recorded"
    TRAINING_UPDATE = "training.update", "Training session changed"
    TRAINING_DELETE = "training.delete", "Training session removed"
    TRAINING_REQUIREMENT_CREATE = "training.requirement_create", "Training requirement set"
    TRAINING_REQUIREMENT_DELETE = "training.requirement_delete", "Training requirement removed"
    # Issue 17, item 5: drill requirements as data.
    DRILL_REQUIREMENTS_CREATE = "drill_requirements.create", "Drill requirement set created"
    DRILL_REQUIREMENTS_CHANGE = "drill_requirements.change", "Drill requirement set changed"
    DRILL_REQUIREMENTS_ASSIGN = "drill_requirements.assign", "Drill requirements assigned to a building"
    DRILL_REQUIREMENTS_UNASSIGN = "drill_requirements.unassign", "Drill requirements taken off a building"


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit events are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One security-relevant action; never updated or deleted (PostgreSQL enforces it by trigger)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # PROTECT: people and agencies with an audit history are deactivated, never deleted.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_username = models.CharField(max_length=150, blank=True)
    # The agency the object belongs to (a plan's owner, a membership's agency).
    agency = models.ForeignKey("agencies.Agency", null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    # The plan the event concerns (the plan, one of its versions, shares or files), for the agency's plan filter;
    # a plain id, not a foreign key, since a deleted plan keeps its history.
    plan_id = models.BigIntegerField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "created_at"]),
            models.Index(fields=["agency", "created_at"]),
            models.Index(fields=["actor", "created_at"]),
            models.Index(fields=["plan_id", "created_at"], name="audit_event_plan_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_username or '-'} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events are append-only.")


class AuditEventAgency(models.Model):
    """An agency whose audit trail shows an event: what an agency admin reads is exactly these rows.

    The event's own agency gets its row from a database trigger on insert (audit/migrations/0013), so every
    existing write stays one statement; services add the others (a person's agencies for their sign-ins, a
    reader's agencies for a partner's read of a sensitive plan). Append-only like the events, and pruned with
    them (`created_at` is the event's, so the retention path deletes both by the same rule).
    """

    event = models.ForeignKey(AuditEvent, on_delete=models.DO_NOTHING, related_name="audience")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "agency"], name="audit_event_agency_once")]
        indexes = [models.Index(fields=["agency", "-created_at"], name="audit_agency_trail_idx")]

    def __str__(self) -> str:
        return f"event {self.event_id} in the trail of agency {self.agency_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events are append-only.")

"""The periodic review of a plan that found nothing to change: recorded, audited, the review clock restarted,
without publishing an identical version (which would alert every partner to a change that is not one)."""

from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from access.plans import plan_access
from audit.models import AuditAction
from audit.services import audit_event_record
from plans.models import Plan, PlanReview
from plans.selectors import plan_last_review
from portal.errors import ConflictError, InvalidInputError, NotAllowedError

REVIEW_NOTE_MAX_LENGTH = 2000


def review_clock_start(*, plan: Plan) -> datetime | None:
    """When the plan's review clock last restarted: the newest "reviewed — no changes" of its current version,
    else that version's publication (None without a current version)."""
    current = plan.current_version
    if current is None or current.published_at is None:
        return None
    review = plan_last_review(plan=plan)
    return review.reviewed_at if review is not None else current.published_at


@transaction.atomic
def plan_mark_reviewed(
    *,
    plan: Plan,
    actor: User,
    note: str = "",
    version_number: int | None = None,
    ip_address: str | None = None,
) -> PlanReview:
    """Mark the current version reviewed with no changes (owner admins): the next review falls due one review
    interval from now. Nothing partners hold changed, so no alert goes out; the audit trail records it.

    `version_number`: the current version the reviewer confirmed, when they name one (the web form, the API's
    optional `version`); a version published since answers conflict rather than being confirmed unread."""
    plan = (
        Plan.objects.select_for_update(of=("self",)).select_related("owner_agency", "current_version").get(pk=plan.pk)
    )
    if not plan_access(user=actor, plan=plan).can_mark_reviewed:
        raise NotAllowedError("Only admins of the owner agency may mark this plan reviewed.")
    note = note.strip()
    if len(note) > REVIEW_NOTE_MAX_LENGTH:
        raise InvalidInputError(f"Keep the note to {REVIEW_NOTE_MAX_LENGTH} characters or fewer.", field="note")
    current = plan.current_version
    if current is None:
        raise ConflictError(
            "This plan has no current version to confirm; publish one (which restarts the review clock) instead."
        )
    if version_number is not None and version_number != current.number:
        raise ConflictError(
            f"v{current.number} is the current version now, not v{version_number}; review it before marking it.",
            field="version",
        )
    now = timezone.now()
    # One interval from the day the clock restarts (as publishing does), the day as the confirmation page showed it.
    due = timezone.localdate(now) + timedelta(days=plan.review_interval_days)
    previous_due = plan.next_review_due
    review = PlanReview.objects.create(
        plan=plan, version=current, reviewed_by=actor, reviewed_at=now, note=note, next_review_due=due
    )
    plan.next_review_due = due
    plan.save(update_fields=["next_review_due", "updated_at"])
    audit_event_record(
        actor=actor,
        action=AuditAction.PLAN_REVIEWED,
        obj=plan,
        agency=plan.owner_agency,
        ip_address=ip_address,
        details={
            "review": review.pk,
            "version": current.number,
            "content_sha256": current.content_sha256,
            "previous_due": previous_due.isoformat() if previous_due else None,
            "next_review_due": due.isoformat(),
            "note": note,
        },
    )
    return review

"""Reminders recorded by the daily beat: plans due for review, and partners that have not acknowledged.

Each reminder has a dedupe key, so running the job twice a day (or catching up after a missed day)
never alerts twice.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.models import EventType
from notifications.services import outbox_event_record
from plans.selectors import partners_not_acknowledged, plans_current_since, plans_review_due_by

REVIEW_NOTICE_DAYS = 30


def _review_stage(due: date, today: date) -> str | None:
    """Which review reminder is owed today: 30 days before, on the day, then weekly while overdue."""
    if today < due - timedelta(days=REVIEW_NOTICE_DAYS):
        return None
    if today < due:
        return "30-days"
    weeks_overdue = (today - due).days // 7
    return "due" if weeks_overdue == 0 else f"overdue-week-{weeks_overdue}"


@transaction.atomic
def review_due_reminders_record(*, today: date | None = None) -> int:
    """Record a `plan.review_due` event for each plan whose review reminder is owed today."""
    today = today or timezone.localdate()
    plans = plans_review_due_by(day=today + timedelta(days=REVIEW_NOTICE_DAYS))
    recorded = 0
    for plan in plans.iterator(chunk_size=500):
        if plan.current_version is None or plan.next_review_due is None:
            continue  # excluded by the query; said for the type checker
        stage = _review_stage(plan.next_review_due, today)
        if stage is None:
            continue
        event = outbox_event_record(
            event_type=EventType.PLAN_REVIEW_DUE,
            plan=plan,
            payload={
                "plan": plan.pk,
                "plan_title": plan.title,
                "owner_agency": plan.owner_agency_id,
                "version": plan.current_version.number,
                "due": plan.next_review_due.isoformat(),
                "stage": stage,
            },
            dedupe_key=f"review:{plan.pk}:{plan.next_review_due.isoformat()}:{stage}",
        )
        recorded += event is not None
    return recorded


@transaction.atomic
def acknowledgement_reminders_record(*, now: datetime | None = None) -> int:
    """Record an `acknowledgement.reminder` per plan listing the partners still behind, weekly."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    after_days = settings.ACKNOWLEDGEMENT_REMINDER_DAYS
    cutoff = now - timedelta(days=after_days)
    plans = plans_current_since(published_before=cutoff)
    recorded = 0
    for plan in plans.iterator(chunk_size=500):
        version = plan.current_version
        if version is None or version.published_at is None:
            continue  # excluded by the query; said for the type checker
        behind = partners_not_acknowledged(plan=plan, version=version)
        if not behind:
            continue
        days_waiting = (today - timezone.localtime(version.published_at).date()).days
        week = max(0, (days_waiting - after_days) // 7)
        event = outbox_event_record(
            event_type=EventType.ACKNOWLEDGEMENT_REMINDER,
            plan=plan,
            payload={
                "plan": plan.pk,
                "plan_title": plan.title,
                "owner_agency": plan.owner_agency_id,
                "version": version.number,
                "change_summary": version.change_summary,
                "agencies": behind,
            },
            dedupe_key=f"ack:{plan.pk}:{version.number}:week-{week}",
        )
        recorded += event is not None
    return recorded

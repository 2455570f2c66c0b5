"""Issue 13, item 9: a periodic review that finds nothing to change is recorded without republishing.

`plan_mark_reviewed` records who reviewed which version and when, restarts the review clock, writes the audit
row, and alerts nobody: partners already hold the version, so a "new version" alert would be false. The
dashboard's review panel and the review reminders follow the new date.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from dashboard.selectors import dashboard_review_due
from notifications import reminders
from notifications.models import Delivery, Notification, OutboxEvent
from plans import services
from plans.models import Plan, PlanReview, PlanVersion, VersionState
from plans.services.annual_reviews import review_clock_start
from portal.errors import ConflictError, InvalidInputError
from tests.plans.factories import make_plan
from tests.plans.test_permission_matrix import world


def overdue(plan: Plan, days: int = 20) -> None:
    """The plan's review is `days` overdue (its version was published a year and `days` ago, say)."""
    Plan.objects.filter(pk=plan.pk).update(next_review_due=timezone.localdate() - timedelta(days=days))


def test_marking_reviewed_records_who_reviewed_which_version_and_restarts_the_clock(county):
    overdue(county.plan)
    before = OutboxEvent.objects.count()

    review = services.plan_mark_reviewed(
        plan=county.plan, actor=county.owner_admin, note="Walked through with the fire district; nothing changed."
    )

    county.plan.refresh_from_db()
    today = timezone.localdate()
    assert (review.plan, review.version, review.reviewed_by) == (county.plan, county.published, county.owner_admin)
    assert review.note == "Walked through with the fire district; nothing changed."
    assert review.reviewed_at.date() == today
    assert county.plan.next_review_due == today + timedelta(days=county.plan.review_interval_days)
    assert review.next_review_due == county.plan.next_review_due
    # No new version: the current one is the same row, still published, its content untouched.
    assert county.plan.current_version_id == county.published.pk
    assert PlanVersion.objects.filter(plan=county.plan).count() == 2  # v1 published, v2 the open draft
    county.published.refresh_from_db()
    assert county.published.state == VersionState.PUBLISHED
    assert OutboxEvent.objects.count() == before


def test_marking_reviewed_is_audited_with_the_version_the_dates_and_the_note(county):
    overdue(county.plan, days=5)
    previous_due = timezone.localdate() - timedelta(days=5)
    services.plan_mark_reviewed(plan=county.plan, actor=county.owner_admin, note="No change.", ip_address="10.0.0.7")
    event = AuditEvent.objects.get(action=AuditAction.PLAN_REVIEWED)
    assert (event.actor, event.agency, event.object_type, event.object_id) == (
        county.owner_admin,
        county.district,
        "plans.plan",
        str(county.plan.pk),
    )
    assert event.ip_address == "10.0.0.7"
    assert event.details["version"] == county.published.number
    assert event.details["content_sha256"] == county.published.content_sha256
    assert event.details["previous_due"] == previous_due.isoformat()
    county.plan.refresh_from_db()
    assert event.details["next_review_due"] == county.plan.next_review_due.isoformat()
    assert event.details["note"] == "No change."


def test_partners_are_not_alerted_as_if_a_new_version_had_been_published(county, django_capture_on_commit_callbacks):
    outbox, notifications, deliveries = (
        OutboxEvent.objects.count(),
        Notification.objects.count(),
        Delivery.objects.count(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_mark_reviewed(plan=county.plan, actor=county.owner_admin)
    assert OutboxEvent.objects.count() == outbox
    assert Notification.objects.count() == notifications
    assert Delivery.objects.count() == deliveries


def test_only_a_plan_with_a_current_version_can_be_marked_reviewed(county):
    unpublished = make_plan(owner=county.district, actor=county.owner_admin, title="Bus routes")
    before = world()
    with pytest.raises(ConflictError, match="no current version"):
        services.plan_mark_reviewed(plan=unpublished, actor=county.owner_admin)
    assert world() == before
    services.plan_version_withdraw(version=county.published, actor=county.owner_admin)
    before = world()
    with pytest.raises(ConflictError, match="no current version"):
        services.plan_mark_reviewed(plan=county.plan, actor=county.owner_admin)
    assert world() == before
    assert not PlanReview.objects.exists()


def test_a_version_published_since_the_reviewer_looked_is_not_confirmed_unread(county):
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    before = world()
    with pytest.raises(ConflictError, match="v2 is the current version now, not v1"):
        services.plan_mark_reviewed(plan=county.plan, actor=county.owner_admin, version_number=1)
    assert world() == before
    review = services.plan_mark_reviewed(plan=county.plan, actor=county.owner_admin, version_number=2)
    assert review.version == county.draft


def test_a_note_longer_than_the_limit_is_refused_and_nothing_changes(county):
    before = world()
    with pytest.raises(InvalidInputError) as refused:
        services.plan_mark_reviewed(plan=county.plan, actor=county.owner_admin, note="x" * 2001)
    assert refused.value.field == "note"
    assert world() == before


def test_the_dashboard_review_panel_and_the_reminders_follow_the_new_date(county):
    overdue(county.plan)
    assert list(dashboard_review_due(user=county.owner_admin, agency=county.district)) == [county.plan]
    assert reminders.review_due_reminders_record() == 1

    services.plan_mark_reviewed(plan=county.plan, actor=county.owner_admin)

    assert list(dashboard_review_due(user=county.owner_admin, agency=county.district)) == []
    assert reminders.review_due_reminders_record() == 0
    # A year on, the reminders come again for the new date.
    county.plan.refresh_from_db()
    assert reminders.review_due_reminders_record(today=county.plan.next_review_due) == 1
    due = OutboxEvent.objects.filter(event_type="plan.review_due", plan=county.plan).order_by("-id").first()
    assert due.payload["due"] == county.plan.next_review_due.isoformat()


def test_a_new_review_interval_counts_from_the_last_review_not_from_the_publication(county):
    review = services.plan_mark_reviewed(plan=county.plan, actor=county.owner_admin)
    # The review came a month after the publication (a published version's dates cannot be moved back).
    later = county.published.published_at + timedelta(days=30)
    PlanReview.objects.filter(pk=review.pk).update(reviewed_at=later)
    services.plan_update(plan=county.plan, actor=county.owner_admin, review_interval_days=180)
    county.plan.refresh_from_db()
    assert county.plan.next_review_due == (later + timedelta(days=180)).date()


def test_a_review_counts_for_the_version_it_confirmed_only(county):
    """After a new version is published, its own publication restarted the clock: the old review is history."""
    services.plan_mark_reviewed(plan=county.plan, actor=county.owner_admin)
    assert review_clock_start(plan=county.plan) == PlanReview.objects.get().reviewed_at
    version = services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    county.plan.refresh_from_db()
    assert review_clock_start(plan=county.plan) == version.published_at

"""Review-due and acknowledgement reminders: on schedule, to the right people, never twice."""

from datetime import timedelta

from django.utils import timezone

from access.plans import plan_access
from notifications import reminders, services
from notifications.models import Notification, OutboxEvent
from plans import services as plan_services
from plans.models import Plan


def set_review_due(plan, days_from_today: int):
    due = timezone.localdate() + timedelta(days=days_from_today)
    Plan.objects.filter(pk=plan.pk).update(next_review_due=due)
    return due


def review_events(plan):
    return OutboxEvent.objects.filter(event_type="plan.review_due", plan=plan)


def test_review_reminders_come_30_days_before_on_the_day_and_weekly_while_overdue(county):
    today = timezone.localdate()
    due = set_review_due(county.plan, 30)
    assert reminders.review_due_reminders_record(today=today - timedelta(days=1)) == 0
    assert reminders.review_due_reminders_record(today=today) == 1
    assert reminders.review_due_reminders_record(today=today + timedelta(days=10)) == 0  # already told
    assert reminders.review_due_reminders_record(today=due) == 1
    assert reminders.review_due_reminders_record(today=due + timedelta(days=3)) == 0
    assert reminders.review_due_reminders_record(today=due + timedelta(days=7)) == 1
    assert reminders.review_due_reminders_record(today=due + timedelta(days=14)) == 1
    stages = list(review_events(county.plan).order_by("id").values_list("payload__stage", flat=True))
    assert stages == ["30-days", "due", "overdue-week-1", "overdue-week-2"]


def test_review_reminders_go_to_the_owners_admins_and_planners_only(county):
    set_review_due(county.plan, 0)
    reminders.review_due_reminders_record()
    services.outbox_event_fan_out(event_id=review_events(county.plan).get().pk)
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"district_admin", "district_planner"}


def test_acknowledgement_reminders_reach_liaisons_of_partners_that_are_behind(county, settings):
    settings.ACKNOWLEDGEMENT_REMINDER_DAYS = 14
    liaison = county.partner_comment_liaison
    plan_services.plan_version_acknowledge(
        version=county.published, user=liaison, access=plan_access(user=liaison, plan=county.plan)
    )
    in_20_days = timezone.now() + timedelta(days=20)
    assert reminders.acknowledgement_reminders_record(now=in_20_days) == 1
    assert reminders.acknowledgement_reminders_record(now=in_20_days) == 0  # once a week, not once a run
    event = OutboxEvent.objects.get(event_type="acknowledgement.reminder")
    assert event.payload["agencies"] == [county.police.pk]  # fire acknowledged already
    services.outbox_event_fan_out(event_id=event.pk)
    assert set(Notification.objects.filter(event=event).values_list("user__username", flat=True)) == {"police_liaison"}
    assert reminders.acknowledgement_reminders_record(now=in_20_days + timedelta(days=7)) == 1


def test_no_acknowledgement_reminder_before_the_configured_delay(county, settings):
    settings.ACKNOWLEDGEMENT_REMINDER_DAYS = 14
    assert reminders.acknowledgement_reminders_record() == 0

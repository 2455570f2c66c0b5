"""Each person is reminded once when a required plan is due in 3 days and once when it is overdue."""

from access.actors import SYSTEM
from agencies.models import Membership, Role
from agencies.services import membership_add, membership_remove
from notifications.models import Channel, Delivery, EventType
from plans import services
from reading.models import ReadingObligation, ReadingReminder, ReminderStage
from reading.reminders import reading_reminders_record
from tests.agencies.factories import member
from tests.conftest import client_for
from tests.plans.factories import make_plan, publish
from tests.reading.reminder_helpers import alerts_of, days, due_of, events, fan_out_pending, require

DUE_SOON, OVERDUE = EventType.READING_DUE_SOON, EventType.READING_OVERDUE


def _counts(result):
    return result["overdue"].events, result["due_soon"].events


def test_due_soon_then_overdue_each_reach_the_person_once_however_often_the_job_runs(county):
    require(county.police, county.plan, due_days=10)
    due = due_of(county.partner_view_member, county.plan)
    assert _counts(reading_reminders_record(now=due - days(5))) == (0, 0)
    assert _counts(reading_reminders_record(now=due - days(2))) == (0, 2)  # the liaison and the officer
    assert _counts(reading_reminders_record(now=due - days(2))) == (0, 0)  # the same day again
    assert _counts(reading_reminders_record(now=due - days(1))) == (0, 0)  # the next day
    assert _counts(reading_reminders_record(now=due + days(1))) == (2, 0)
    assert _counts(reading_reminders_record(now=due + days(2))) == (0, 0)
    fan_out_pending()
    officer = county.partner_view_member
    (soon,) = alerts_of(officer, DUE_SOON)
    (late,) = alerts_of(officer, OVERDUE)
    assert soon.title.startswith("Maple Valley High crisis plan: please read and acknowledge by ")
    assert late.title.startswith("Maple Valley High crisis plan: your required reading is overdue")
    # Only the people who owe the plan: not the owner's people, not another partner's.
    assert not alerts_of(county.owner_admin, DUE_SOON)
    assert not alerts_of(county.partner_comment_liaison, OVERDUE)


def test_after_missed_days_an_overdue_item_gets_its_overdue_reminder_and_no_stale_due_soon(county):
    require(county.police, county.plan, due_days=10)
    due = due_of(county.partner_view_member, county.plan)
    assert _counts(reading_reminders_record(now=due + days(4))) == (2, 0)
    row = ReadingObligation.objects.get(user=county.partner_view_member)
    assert ReadingReminder.objects.get(obligation=row).stage == ReminderStage.OVERDUE
    assert _counts(reading_reminders_record(now=due + days(5))) == (0, 0)


def test_one_reminder_per_person_lists_all_their_plans(county):
    second = make_plan(owner=county.district, actor=county.owner_admin, title="Bus route plan")
    publish(second, county.owner_admin, "Stops and times.")
    services.plan_share(plan=second, agency=county.police, level="view", actor=county.owner_admin)
    require(county.police, county.plan, due_days=10)
    require(county.police, second, due_days=11)
    due = due_of(county.partner_view_member, county.plan)
    assert _counts(reading_reminders_record(now=due - days(1))) == (0, 2)
    officer_events = [e for e in events(DUE_SOON) if e.payload["user"] == county.partner_view_member.pk]
    (event,) = officer_events
    assert [item["plan_title"] for item in event.payload["items"]] == [
        "Maple Valley High crisis plan",
        "Bus route plan",
    ]
    fan_out_pending()
    (alert,) = alerts_of(county.partner_view_member, DUE_SOON)
    assert alert.title.startswith("Required reading: 2 plans to acknowledge, the first by ")


def test_an_acknowledged_plan_is_not_reminded(county):
    require(county.police, county.plan, due_days=10)
    due = due_of(county.partner_view_member, county.plan)
    services.plan_version_acknowledge(version=county.published, actor=county.partner_view_member)
    reading_reminders_record(now=due + days(1))
    assert [e.payload["user"] for e in events(OVERDUE)] == [county.partner_view_liaison.pk]


def test_a_new_version_restarts_the_reminders(county):
    require(county.police, county.plan, due_days=10)
    due = due_of(county.partner_view_member, county.plan)
    reading_reminders_record(now=due + days(1))
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    new_due = due_of(county.partner_view_member, county.plan)
    assert _counts(reading_reminders_record(now=new_due - days(1))) == (0, 2)
    assert _counts(reading_reminders_record(now=new_due + days(2))) == (2, 0)


def test_items_arriving_after_the_days_reminder_go_out_the_next_day_not_never(county):
    require(county.police, county.plan, due_days=10)
    due = due_of(county.partner_view_member, county.plan)
    reading_reminders_record(now=due - days(2))
    second = make_plan(owner=county.district, actor=county.owner_admin, title="Bus route plan")
    publish(second, county.owner_admin, "Stops and times.")
    services.plan_share(plan=second, agency=county.police, level="view", actor=county.owner_admin)
    require(county.police, second, due_days=10)
    ReadingObligation.objects.filter(plan=second).update(due_at=due)
    assert _counts(reading_reminders_record(now=due - days(2))) == (0, 0)  # today's event exists already
    assert not ReadingReminder.objects.filter(obligation__plan=second).exists()
    assert _counts(reading_reminders_record(now=due - days(1))) == (0, 2)
    latest = [e for e in events(DUE_SOON) if e.payload["user"] == county.partner_view_member.pk][-1]
    assert [item["plan_title"] for item in latest.payload["items"]] == ["Bus route plan"]


def test_the_persons_own_preferences_decide_in_app_and_e_mail(county):
    require(county.police, county.plan, due_days=10)
    due = due_of(county.partner_view_member, county.plan)
    officer, liaison = county.partner_view_member, county.partner_view_liaison
    response = client_for(officer).put(
        "/api/v1/me/preferences/", [{"event_type": OVERDUE, "in_app": False, "email": "off"}], format="json"
    )
    assert response.status_code == 200, response.content
    reading_reminders_record(now=due + days(1))
    fan_out_pending()
    assert not alerts_of(officer, OVERDUE)
    assert not Delivery.objects.filter(user=officer, event__event_type=OVERDUE).exists()
    # The liaison kept the defaults: shown in Alerts and e-mailed at once.
    assert len(alerts_of(liaison, OVERDUE)) == 1
    assert Delivery.objects.filter(user=liaison, channel=Channel.EMAIL, event__event_type=OVERDUE).count() == 1


def test_the_due_soon_mark_becomes_the_overdue_one_and_each_stays_once(county):
    require(county.police, county.plan, due_days=10)
    due = due_of(county.partner_view_member, county.plan)
    reading_reminders_record(now=due - days(1))
    row = ReadingObligation.objects.get(user=county.partner_view_member)
    assert ReadingReminder.objects.get(obligation=row).stage == ReminderStage.DUE_SOON
    assert _counts(reading_reminders_record(now=due + days(1))) == (2, 0)
    assert ReadingReminder.objects.get(obligation=row).stage == ReminderStage.OVERDUE
    assert ReadingReminder.objects.count() == 2  # one mark per obligation, whatever the stage


def test_someone_who_leaves_and_comes_back_is_reminded_again_of_what_they_owe_again(county):
    require(county.police, county.plan, due_days=10)
    officer = county.partner_view_member
    admin = SYSTEM
    member(county.police, Role.ADMIN, username="police_boss")  # the agency keeps an admin
    due = due_of(officer, county.plan)
    reading_reminders_record(now=due + days(1))
    membership_add(agency=county.fire, user=officer, role=Role.MEMBER, actor=admin)  # so the account stays active
    membership_remove(membership=Membership.objects.get(user=officer, agency=county.police), actor=admin)
    # The obligation went, and its mark with it (the database's trigger: no mark outlives its obligation).
    assert not ReadingReminder.objects.filter(obligation__user=officer).exists()
    assert ReadingReminder.objects.filter(obligation__user=county.partner_view_liaison).exists()
    membership_add(agency=county.police, user=officer, role=Role.MEMBER, actor=admin)
    rejoined_due = due_of(officer, county.plan)
    reading_reminders_record(now=rejoined_due + days(3))  # another day (the key is per person and day)
    assert [e.payload["user"] for e in events(OVERDUE)].count(officer.pk) == 2
    assert [e.payload["user"] for e in events(OVERDUE)].count(county.partner_view_liaison.pk) == 1

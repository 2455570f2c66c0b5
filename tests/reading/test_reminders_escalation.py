"""Weekly, supervisors (else the agency's admins) receive their people's overdue list; the person never does."""

from django.core import mail

from agencies.models import Role
from notifications.channels.email import email_send_pending
from notifications.models import EventType, NotificationPreference
from reading.models import ReadingGroup, ReadingGroupMember
from reading.reminders import reading_escalations_record
from tests.agencies.factories import member
from tests.conftest import client_for, web_client
from tests.reading.reminder_helpers import alerts_of, days, due_of, events, fan_out_pending, require

ESCALATION = EventType.READING_ESCALATION
IN_APP_REFUSAL = "This alert is always shown in Alerts; you may choose only how it is e-mailed."


def _patrol(county):
    """Police: a Patrol group supervised by a sergeant with the officer in it; the liaison in no group."""
    sergeant = member(county.police, Role.MEMBER, username="sergeant", first_name="Sam", last_name="Stone")
    patrol = ReadingGroup.objects.create(agency=county.police, name="Patrol")
    ReadingGroupMember.objects.create(group=patrol, user=sergeant, is_supervisor=True)
    ReadingGroupMember.objects.create(group=patrol, user=county.partner_view_member)
    chief = member(county.police, Role.ADMIN, username="chief")
    require(county.police, county.plan, due_days=10)
    return sergeant, chief, due_of(county.partner_view_member, county.plan)


def _recipients():
    return {(e.payload["recipient"], e.payload["route"]): e for e in events(ESCALATION)}


def test_the_supervisor_gets_their_groups_overdue_people_and_the_admin_the_rest(county):
    sergeant, chief, due = _patrol(county)
    assert reading_escalations_record(now=due - days(1)).events == 0  # nobody overdue yet
    assert reading_escalations_record(now=due + days(1)).events == 2
    sent = _recipients()
    officer, liaison = county.partner_view_member, county.partner_view_liaison
    assert set(sent) == {(sergeant.pk, "supervisor"), (chief.pk, "admin")}
    assert [p["user"] for p in sent[sergeant.pk, "supervisor"].payload["people"]] == [officer.pk]
    # The sergeant is overdue too but supervises the group: their own name goes to the admin, with the liaison's.
    assert {p["user"] for p in sent[chief.pk, "admin"].payload["people"]} == {liaison.pk, sergeant.pk}
    fan_out_pending()
    assert len(alerts_of(sergeant, ESCALATION)) == 1
    assert alerts_of(chief, ESCALATION)[0].title == "Ridgeford Police: 2 people behind on required reading"
    for person in (officer, liaison, county.owner_admin, county.partner_comment_liaison):
        assert not alerts_of(person, ESCALATION)


def test_an_escalation_goes_out_once_a_week(county):
    _sergeant, _chief, due = _patrol(county)
    monday = due + days(7 - due.weekday())  # the Monday after the due date
    assert reading_escalations_record(now=monday).events == 2
    assert reading_escalations_record(now=monday + days(1)).events == 0
    assert reading_escalations_record(now=monday + days(6)).events == 0
    assert reading_escalations_record(now=monday + days(7)).events == 2


def test_the_person_who_owes_the_reading_cannot_switch_off_their_supervisors_escalation(county):
    sergeant, _chief, due = _patrol(county)
    officer = county.partner_view_member
    response = client_for(officer).put(
        "/api/v1/me/preferences/", [{"event_type": ESCALATION, "in_app": True, "email": "off"}], format="json"
    )
    assert response.status_code == 200
    reading_escalations_record(now=due + days(1))
    fan_out_pending()
    assert len(alerts_of(sergeant, ESCALATION)) == 1


def test_a_supervisor_may_choose_the_e_mail_but_always_gets_the_in_app_alert(county):
    sergeant, _chief, due = _patrol(county)
    response = client_for(sergeant).put(
        "/api/v1/me/preferences/", [{"event_type": ESCALATION, "in_app": False, "email": "off"}], format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"0": {"in_app": [IN_APP_REFUSAL]}}
    assert not NotificationPreference.objects.filter(user=sergeant).exists()
    # The page offers no switch for it, and a forged "off" is ignored.
    client = web_client(sergeant)
    page = client.get("/alerts/preferences/")
    assert "Always shown in Alerts" in page.content.decode()
    form = {
        f"{row['event_type'].replace('.', '_')}__{field}": value
        for row in client_for(sergeant).get("/api/v1/me/preferences/").json()
        for field, value in (("in_app", "on" if row["in_app"] else ""), ("email", row["email"]))
        if value
    }
    form["reading_escalation__email"] = "off"
    form.pop("reading_escalation__in_app", None)
    assert client.post("/alerts/preferences/", form).status_code == 302
    choice = NotificationPreference.objects.get(user=sergeant, event_type=ESCALATION)
    assert (choice.in_app, choice.email) == (True, "off")
    reading_escalations_record(now=due + days(1))
    fan_out_pending()
    assert len(alerts_of(sergeant, ESCALATION)) == 1


def test_the_escalation_mail_names_the_people_and_the_reminder_mail_the_plans(county, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sergeant, _chief, due = _patrol(county)
    sergeant.email = "sergeant@example.org"
    sergeant.save()
    county.partner_view_member.first_name, county.partner_view_member.last_name = "Olive", "Officer"
    county.partner_view_member.save()
    reading_escalations_record(now=due + days(1))
    fan_out_pending()
    email_send_pending()
    (message,) = [m for m in mail.outbox if m.to == ["sergeant@example.org"]]
    assert message.subject == "[Concord] Ridgeford Police: 1 person behind on required reading"
    assert "Olive Officer: 1 plan overdue, since" in message.body
    assert "In the groups you supervise at Ridgeford Police" in message.body

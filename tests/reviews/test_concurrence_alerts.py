"""The `concurrence.recorded` alert reaches the owner's admins and planners only; a publish asks for concurrence."""

from access.actors import SYSTEM
from notifications import services
from notifications.channels import email_content
from notifications.models import Delivery, EmailChoice, EventType, Notification, OutboxEvent
from notifications.preferences import default_preference
from plans import services as plan_services
from tests.reviews.concurrence_helpers import record


def test_the_alert_reaches_owner_admins_and_planners_only(county):
    record(county.partner_comment_liaison, county.published, "changes_requested", note="Staging.")
    event = OutboxEvent.objects.get(event_type=EventType.CONCURRENCE_RECORDED)

    services.outbox_event_fan_out(event_id=event.pk)

    notified = sorted(Notification.objects.filter(event=event).values_list("user__username", flat=True))
    assert notified == ["district_admin", "district_planner"]
    assert Notification.objects.filter(event=event).first().title == (
        "Maple Valley High crisis plan: Ridgeford Fire requested changes to version 1"
    )
    mailed = sorted(Delivery.objects.filter(event=event, channel="email").values_list("user__username", flat=True))
    assert mailed == ["district_admin", "district_planner"]


def test_the_actor_is_not_alerted_about_their_own_outcome(county):
    # An owner planner who is also a fire liaison records for the fire district.
    from agencies.models import Role
    from agencies.services import membership_add

    membership_add(agency=county.fire, user=county.owner_planner, role=Role.LIAISON, actor=SYSTEM)
    record(county.owner_planner, county.published, "concur")
    event = OutboxEvent.objects.get(event_type=EventType.CONCURRENCE_RECORDED)
    services.outbox_event_fan_out(event_id=event.pk)
    assert list(Notification.objects.filter(event=event).values_list("user__username", flat=True)) == ["district_admin"]


def test_the_mail_names_the_partner_and_the_outcome_but_not_the_note(county):
    record(county.partner_view_liaison, county.published, "changes_requested", note="SECRET-NOTE-MARKER")
    event = OutboxEvent.objects.get(event_type=EventType.CONCURRENCE_RECORDED)
    message = email_content.event_email(event=event, to="admin@example.org")
    assert message.subject == "[Concord] Maple Valley High crisis plan: Ridgeford Police requested changes to version 1"
    assert "Ridgeford Police requested changes to version 1" in message.body
    assert "SECRET-NOTE-MARKER" not in message.body + message.alternatives[0][0]


def test_role_defaults_mail_owner_admins_and_planners_at_once(db):
    for event_type in (EventType.CONCURRENCE_RECORDED, EventType.FACILITY_CONFLICT):
        assert default_preference(event_type=event_type, role="admin") == (True, EmailChoice.IMMEDIATE)
        assert default_preference(event_type=event_type, role="planner") == (True, EmailChoice.IMMEDIATE)
        assert default_preference(event_type=event_type, role="member") == (True, EmailChoice.OFF)


def test_the_publish_mail_asks_partners_for_concurrence(county):
    plan_services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    event = OutboxEvent.objects.filter(event_type=EventType.VERSION_PUBLISHED).latest("id")
    message = email_content.event_email(event=event, to="liaison@example.org")
    for body in (message.body, message.alternatives[0][0]):
        assert "resets concurrence to pending" in body
        assert "record your agency's concurrence with version 2" in body

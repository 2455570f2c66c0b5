"""facility.conflict reaches each side's own admins and planners, by in-app, e-mail and webhook, and carries
nothing of the other side's plan."""

from access.actors import SYSTEM
from agencies.models import Role
from agencies.services import membership_add
from consistency.models import FactKey
from notifications.channels import email_content, webhooks
from notifications.models import Channel, Delivery, EventType, Notification, OutboxEvent, WebhookEndpoint
from notifications.recipients import audience_for
from notifications.services import outbox_event_fan_out
from tests.agencies.factories import member
from tests.consistency.helpers import publish_facts

OTHER_TITLE = "Fire pre-incident plan for schools"


def make_conflict(partners):
    county = partners.county
    publish_facts(county.plan, county.owner_admin, {county.school: {FactKey.STAGING_AREA: "East bus loop"}})
    # Published by the fire admin: only an owner's admins publish (plan_version_publish checks its actor).
    publish_facts(
        partners.fire_plan, partners.fire_admin, {county.school: {FactKey.STAGING_AREA: "Secret fire staging lot"}}
    )
    events = OutboxEvent.objects.filter(event_type=EventType.FACILITY_CONFLICT)
    return events.get(plan=county.plan), events.get(plan=partners.fire_plan)


def test_each_side_alerts_its_own_admins_and_planners_only(partners):
    county = partners.county
    school_event, fire_event = make_conflict(partners)
    school_people = set(audience_for(school_event).memberships.values_list("user__username", flat=True))
    fire_people = set(audience_for(fire_event).memberships.values_list("user__username", flat=True))
    assert school_people == {county.owner_admin.username, county.owner_planner.username}
    assert fire_people == {partners.fire_admin.username, partners.fire_planner.username}
    assert audience_for(school_event).agency_ids == {county.district.pk}
    assert audience_for(fire_event).agency_ids == {county.fire.pk}


def test_fan_out_notifies_in_app_and_by_email_with_a_title_naming_building_fact_and_other_agency(partners):
    county = partners.county
    school_event, _ = make_conflict(partners)
    result = outbox_event_fan_out(event_id=school_event.pk)
    assert result.notifications == 2
    assert result.emails == 2  # admins and planners hear immediately by default
    titles = set(Notification.objects.filter(event=school_event).values_list("title", flat=True))
    assert titles == {
        f"{county.plan.title}: Staging area for responders at {county.school.name} conflicts with Ridgeford Fire"
    }
    assert not Notification.objects.filter(event=school_event, user=partners.fire_admin).exists()


def test_the_email_names_the_building_and_the_other_agency_but_not_its_plan(partners):
    county = partners.county
    school_event, _ = make_conflict(partners)
    message = email_content.event_email(event=school_event, to="planner@example.org")
    html = message.alternatives[0][0]
    for text in (message.subject, message.body, html):
        assert OTHER_TITLE not in text
        assert "Secret fire staging lot" not in text
    assert "Ridgeford Fire" in message.subject
    assert county.school.name in message.body
    assert "staging area for responders" in message.body
    assert f"/plans/{county.plan.pk}/" in message.body
    assert "/api/" not in message.body


def test_the_webhook_message_carries_ids_names_and_facts_but_never_the_other_plan(partners):
    county = partners.county
    endpoint = WebhookEndpoint.objects.create(
        agency=county.district, url="https://cad.example.org/hook", events=[EventType.FACILITY_CONFLICT]
    )
    school_event, _ = make_conflict(partners)
    outbox_event_fan_out(event_id=school_event.pk)
    assert Delivery.objects.filter(event=school_event, channel=Channel.WEBHOOK, endpoint=endpoint).exists()
    message = webhooks.webhook_message(school_event)
    data = message["data"]
    assert message["type"] == "facility.conflict"
    assert data["plan"] == county.plan.pk
    assert data["facility"] == county.school.pk
    assert data["fact"] == FactKey.STAGING_AREA
    assert data["other_agency"] == county.fire.pk
    assert data["other_agency_name"] == "Ridgeford Fire"
    assert partners.fire_plan.pk not in (data.get("plan"), data.get("other_plan"))
    assert OTHER_TITLE not in str(message)
    assert "Secret" not in str(message)


def test_a_member_who_became_a_planner_of_both_agencies_hears_each_side_once(partners):
    county = partners.county
    both = member(county.district, Role.PLANNER, username="shared_planner")
    membership_add(agency=county.fire, user=both, role=Role.PLANNER, actor=SYSTEM)
    school_event, fire_event = make_conflict(partners)
    outbox_event_fan_out(event_id=school_event.pk)
    outbox_event_fan_out(event_id=fire_event.pk)
    assert Notification.objects.filter(user=both, event_type=EventType.FACILITY_CONFLICT).count() == 2

"""Issue 11, item 1: a plan's classification decides who may read it, so only the owner's admins change it;
lowering it is confirmed on the web page and alerted to the owner's admins; the audit row carries the address."""

import pytest
from django.urls import reverse

from agencies.models import Role
from audit.models import AuditEvent
from notifications import services as notification_services
from notifications.channels import email_content
from notifications.models import Delivery, EventType, Notification, OutboxEvent
from plans import services
from plans.models import Classification, Plan
from portal.errors import NotAllowedError
from tests.agencies.factories import UserFactory, member
from tests.conftest import client_for, web_client

LES = Classification.LAW_ENFORCEMENT_SENSITIVE


@pytest.fixture
def sensitive(county) -> Plan:
    Plan.objects.filter(pk=county.plan.pk).update(classification=LES)
    county.plan.refresh_from_db()
    return county.plan


@pytest.fixture
def second_admin(county):
    return member(county.district, Role.ADMIN, username="district_admin_2")


def lowered_events() -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(event_type=EventType.PLAN_CLASSIFICATION_LOWERED))


def test_a_planner_cannot_make_a_sensitive_plan_public_and_outsiders_still_cannot_read_it(county, sensitive):
    nobody = UserFactory(username="no_agency")
    response = client_for(county.owner_planner).patch(
        f"/api/v1/plans/{sensitive.pk}/", {"classification": "public"}, format="json"
    )
    assert response.status_code == 403
    assert "admins of the owner agency" in response.json()["detail"]
    sensitive.refresh_from_db()
    assert sensitive.classification == LES
    assert client_for(nobody).get(f"/api/v1/plans/{sensitive.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(action="plan.reclassify").exists()
    assert lowered_events() == []


def test_a_planner_may_still_change_everything_else_and_send_the_same_classification(county, sensitive):
    response = client_for(county.owner_planner).patch(
        f"/api/v1/plans/{sensitive.pk}/", {"title": "Renamed", "classification": LES}, format="json"
    )
    assert response.status_code == 200, response.content
    sensitive.refresh_from_db()
    assert (sensitive.title, sensitive.classification) == ("Renamed", LES)


def test_the_owner_admin_lowering_it_is_audited_with_the_address_and_alerted_to_every_admin(
    county, sensitive, second_admin
):
    response = client_for(county.owner_admin).patch(
        f"/api/v1/plans/{sensitive.pk}/", {"classification": "public"}, format="json", REMOTE_ADDR="10.4.5.6"
    )
    assert response.status_code == 200, response.content
    event = AuditEvent.objects.get(action="plan.reclassify")
    assert (event.actor, event.ip_address, event.details) == (
        county.owner_admin,
        "10.4.5.6",
        {"from": LES, "to": "public"},
    )
    (outbox,) = lowered_events()
    assert outbox.payload["previous_classification"] == LES
    assert outbox.payload["classification"] == "public"

    notification_services.outbox_event_fan_out(event_id=outbox.pk)
    alerted = set(Notification.objects.filter(event=outbox).values_list("user__username", flat=True))
    # Every admin of the owner, the one who did it included (if the account was misused, they learn of it).
    assert alerted == {"district_admin", "district_admin_2"}
    title = Notification.objects.filter(event=outbox).first().title
    assert title == "Maple Valley High crisis plan: classification lowered from law-enforcement sensitive to public"
    emailed = set(Delivery.objects.filter(event=outbox, channel="email").values_list("user__username", flat=True))
    assert emailed == {"district_admin", "district_admin_2"}


def test_the_lowering_alert_mail_says_what_changed(county, sensitive):
    client_for(county.owner_admin).patch(f"/api/v1/plans/{sensitive.pk}/", {"classification": "partner"}, format="json")
    (outbox,) = lowered_events()
    message = email_content.event_email(event=outbox, to="admin@example.org")
    assert "classification lowered to partners only" in message.subject
    assert "from law-enforcement sensitive to partners only" in message.body


def test_raising_the_classification_is_audited_but_not_alerted(county):
    response = client_for(county.owner_admin).patch(
        f"/api/v1/plans/{county.plan.pk}/", {"classification": LES}, format="json"
    )
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="plan.reclassify", details__to=LES).exists()
    assert lowered_events() == []


def _edit_form(plan, **changes) -> dict:
    return {
        "title": plan.title,
        "kind": plan.kind,
        "facilities": [f.pk for f in plan.facilities.all()],
        "classification": plan.classification,
        "review_interval_days": plan.review_interval_days,
        "hazards": "",
        **changes,
    }


def test_the_web_form_asks_for_confirmation_before_lowering(county, sensitive):
    client = web_client(county.owner_admin)
    url = reverse("plans:edit", kwargs={"plan_id": sensitive.pk})
    page = client.post(url, _edit_form(sensitive, classification="public"))
    assert page.status_code == 200
    assert "tick the box to confirm" in page.content.decode()
    sensitive.refresh_from_db()
    assert sensitive.classification == LES

    done = client.post(
        url, _edit_form(sensitive, classification="public", confirm_lower_classification="on"), REMOTE_ADDR="10.7.7.7"
    )
    assert done.status_code == 302
    sensitive.refresh_from_db()
    assert sensitive.classification == "public"
    assert AuditEvent.objects.get(action="plan.reclassify").ip_address == "10.7.7.7"
    assert len(lowered_events()) == 1


def test_raising_on_the_web_needs_no_confirmation(county):
    client = web_client(county.owner_admin)
    response = client.post(
        reverse("plans:edit", kwargs={"plan_id": county.plan.pk}), _edit_form(county.plan, classification=LES)
    )
    assert response.status_code == 302
    county.plan.refresh_from_db()
    assert county.plan.classification == LES


def test_planners_see_the_classification_disabled_and_a_forged_value_is_refused(county, sensitive):
    client = web_client(county.owner_planner)
    url = reverse("plans:edit", kwargs={"plan_id": sensitive.pk})
    html = client.get(url).content.decode()
    assert "Only admins of the owner agency may change the classification." in html
    assert 'name="classification" disabled' in html or "disabled" in html.split('name="classification"')[1][:200]
    assert "confirm_lower_classification" not in html
    forged = client.post(url, _edit_form(sensitive, classification="public", confirm_lower_classification="on"))
    assert forged.status_code == 403
    sensitive.refresh_from_db()
    assert sensitive.classification == LES
    # Their other edits still work.
    assert client.post(url, _edit_form(sensitive, title="Renamed")).status_code == 302


def test_the_operator_may_raise_but_not_lower_a_classification(county):
    operator = UserFactory(username="operator_2", is_staff=True)
    services.plan_update(plan=county.plan, actor=operator, classification=LES)
    county.plan.refresh_from_db()
    assert county.plan.classification == LES
    with pytest.raises(NotAllowedError, match="Only admins of the owner agency"):
        services.plan_update(plan=county.plan, actor=operator, classification="public")
    county.plan.refresh_from_db()
    assert county.plan.classification == LES
    assert lowered_events() == []

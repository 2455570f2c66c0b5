"""The webhook services refuse, by themselves, anyone who does not manage the agency (its admins and staff):
called directly by a refused person they raise NotAllowedError and change nothing — no endpoint, no delivery
rescheduled, no audit row. What the agency's managers do is audited, redelivery included."""

import pytest
from django.contrib.auth.models import AnonymousUser

from access.actors import SYSTEM
from audit.models import AuditEvent
from notifications import webhook_services
from notifications.models import Channel, Delivery, DeliveryStatus, EventType, OutboxEvent, WebhookEndpoint
from portal.errors import NotAllowedError
from tests.conftest import client_for
from tests.permission_matrix import ACTORS, user_of

MANAGERS = frozenset({"owner_admin", "staff"})
URL = "http://127.0.0.1:9/hook"  # never called: registration only checks the address
IP = "10.5.5.5"


@pytest.fixture(autouse=True)
def _private_addresses_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def failed(county) -> Delivery:
    """A failed delivery of a district endpoint (so redelivery has something to do)."""
    endpoint = webhook_services.webhook_endpoint_create(
        agency=county.district, url=URL, events=[EventType.VERSION_PUBLISHED], actor=SYSTEM
    )
    event = OutboxEvent.objects.filter(event_type=EventType.VERSION_PUBLISHED).latest("id")
    return Delivery.objects.create(
        event=event, channel=Channel.WEBHOOK, endpoint=endpoint, status=DeliveryStatus.FAILED, attempts=10
    )


def state() -> dict:
    return {
        "endpoints": sorted(WebhookEndpoint.objects.values_list("id", "url", "events", "is_active", "disabled_at")),
        "deliveries": sorted(Delivery.objects.values_list("id", "status", "attempts", "next_attempt_at")),
        "audit": AuditEvent.objects.count(),
        "outbox": OutboxEvent.objects.count(),
    }


CALLS = {
    "create": lambda county, delivery, actor: webhook_services.webhook_endpoint_create(
        agency=county.district, url=URL, events=[EventType.PLAN_SHARED], actor=actor, ip_address=IP
    ),
    "delete": lambda county, delivery, actor: webhook_services.webhook_endpoint_delete(
        endpoint=delivery.endpoint, actor=actor, ip_address=IP
    ),
    "enable": lambda county, delivery, actor: webhook_services.webhook_endpoint_enable(
        endpoint=delivery.endpoint, actor=actor, ip_address=IP
    ),
    "redeliver": lambda county, delivery, actor: webhook_services.webhook_delivery_redeliver(
        delivery=delivery, actor=actor, ip_address=IP
    ),
}
ACTIONS = {
    "create": "webhook.create",
    "delete": "webhook.delete",
    "enable": "webhook.enable",
    "redeliver": "webhook.redeliver",
}


@pytest.mark.parametrize("actor", [actor for actor in ACTORS if actor not in MANAGERS])
@pytest.mark.parametrize("call", list(CALLS))
def test_a_refused_person_cannot_manage_webhooks_by_calling_the_services(county, failed, call, actor):
    before = state()
    with pytest.raises(NotAllowedError, match="may manage its webhooks"):
        CALLS[call](county, failed, user_of(county, actor) or AnonymousUser())
    assert state() == before


@pytest.mark.parametrize("actor", sorted(MANAGERS))
@pytest.mark.parametrize("call", list(CALLS))
def test_the_agency_s_managers_do_it_audited_with_who_and_where(county, failed, call, actor):
    CALLS[call](county, failed, user_of(county, actor))
    event = AuditEvent.objects.filter(action=ACTIONS[call]).latest("id")
    assert (event.actor, event.agency, event.ip_address) == (user_of(county, actor), county.district, IP)


def test_a_redelivery_through_the_api_is_audited_with_the_delivery_and_the_client_address(county, failed):
    endpoint = failed.endpoint
    response = client_for(county.owner_admin).post(
        f"/api/v1/agencies/{county.district.pk}/webhooks/{endpoint.pk}/deliveries/{failed.pk}/redeliver/",
        REMOTE_ADDR="10.4.4.4",
    )
    assert response.status_code == 202, response.content
    event = AuditEvent.objects.get(action="webhook.redeliver")
    assert (event.actor, event.ip_address) == (county.owner_admin, "10.4.4.4")
    assert (event.object_type, event.object_id) == ("notifications.delivery", str(failed.pk))
    assert event.details == {"webhook": endpoint.pk, "url": URL, "message_id": failed.message_id}

"""The agency webhook API: every endpoint for every actor (nothing changes on refusal), SSRF refusal at
registration, a secret shown once, the delivery log and manual redelivery."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from access.actors import SYSTEM
from notifications import webhook_services
from notifications.channels import webhooks
from notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    EventType,
    OutboxEvent,
    WebhookAttempt,
    WebhookEndpoint,
)
from tests.conftest import client_for
from tests.notifications.webhook_receiver import running_receiver
from tests.permission_matrix import client_as, covers, matrix

OWNER_ADMIN_AND_STAFF_ONLY = {
    "anonymous": 401,
    "owner_planner": 403,
    "owner_liaison": 403,
    "owner_member": 403,
    "partner_view_liaison": 403,
    "partner_view_member": 403,
    "partner_comment_liaison": 403,
    "unrelated_admin": 403,
}
UNUSED_URL = "http://127.0.0.1:9/hook"  # never called in these tests


def allowed(status: int) -> list:
    return matrix(owner_admin=status, staff=status, **OWNER_ADMIN_AND_STAFF_ONLY)


@pytest.fixture(autouse=True)
def _private_addresses_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def hook(county) -> WebhookEndpoint:
    """The district's endpoint, with one failed delivery in its log."""
    endpoint = webhook_services.webhook_endpoint_create(
        agency=county.district, url=UNUSED_URL, events=[EventType.VERSION_PUBLISHED], actor=county.owner_admin
    )
    event = OutboxEvent.objects.filter(event_type=EventType.VERSION_PUBLISHED).latest("id")
    delivery = Delivery.objects.create(
        event=event, channel=Channel.WEBHOOK, endpoint=endpoint, status=DeliveryStatus.FAILED, attempts=10
    )
    WebhookAttempt.objects.create(delivery=delivery, status_code=500, duration_ms=12)
    return endpoint


def world() -> dict:
    """Everything the webhook API could change, read fresh from the database."""
    return {
        "endpoints": sorted(
            WebhookEndpoint.objects.values_list(
                "id", "agency_id", "url", "events", "secret", "is_active", "consecutive_failures", "disabled_at"
            )
        ),
        "deliveries": sorted(
            Delivery.objects.values_list("id", "endpoint_id", "status", "attempts", "next_attempt_at", "sent_at")
        ),
        "attempts": WebhookAttempt.objects.count(),
        "events": OutboxEvent.objects.count(),
    }


def base(county) -> str:
    return f"/api/v1/agencies/{county.district.pk}/webhooks/"


# --- The permission matrix: every endpoint, every actor ----------------------------------------------------------


@covers("webhook-list")
@pytest.mark.parametrize(("actor", "expected"), allowed(200))
def test_listing_webhooks(county, hook, actor, expected):
    before = world()
    response = client_as(county, actor).get(base(county))
    assert response.status_code == expected, response.content
    if expected == 200:
        body = response.json()
        assert [row["id"] for row in body["results"]] == [hook.pk]
        assert body["results"][0]["events"] == ["version.published"]
        assert "secret" not in body["results"][0]
        assert hook.secret not in response.content.decode()
    assert world() == before


@covers("webhook-list")
@pytest.mark.parametrize(("actor", "expected"), allowed(201))
def test_registering_a_webhook(county, actor, expected):
    before = world()
    response = client_as(county, actor).post(
        base(county), {"url": UNUSED_URL, "events": ["version.published", "plan.shared"]}, format="json"
    )
    assert response.status_code == expected, response.content
    if expected == 201:
        body = response.json()
        endpoint = WebhookEndpoint.objects.get(pk=body["id"])
        assert endpoint.agency == county.district
        assert endpoint.events == ["version.published", "plan.shared"]
        assert body["secret"] == endpoint.secret
        assert body["secret"].startswith("whsec_")
        assert body["is_active"] is True
    else:
        assert world() == before


@covers("webhook-detail")
@pytest.mark.parametrize(("actor", "expected"), allowed(200))
def test_reading_a_webhook(county, hook, actor, expected):
    before = world()
    response = client_as(county, actor).get(f"{base(county)}{hook.pk}/")
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["url"] == UNUSED_URL
        assert hook.secret not in response.content.decode()
    assert world() == before


@covers("webhook-detail")
@pytest.mark.parametrize(("actor", "expected"), allowed(204))
def test_removing_a_webhook(county, hook, actor, expected):
    before = world()
    response = client_as(county, actor).delete(f"{base(county)}{hook.pk}/")
    assert response.status_code == expected, response.content
    if expected == 204:
        assert not WebhookEndpoint.objects.filter(pk=hook.pk).exists()
        assert not Delivery.objects.filter(endpoint_id=hook.pk).exists()
    else:
        assert world() == before


@covers("webhook-enable")
@pytest.mark.parametrize(("actor", "expected"), allowed(200))
def test_enabling_a_disabled_webhook(county, hook, actor, expected):
    webhook_services.webhook_endpoint_disable(endpoint_id=hook.pk, reason="The receiver answered 410 Gone.")
    WebhookEndpoint.objects.filter(pk=hook.pk).update(consecutive_failures=3)
    before = world()
    response = client_as(county, actor).post(f"{base(county)}{hook.pk}/enable/")
    assert response.status_code == expected, response.content
    if expected == 200:
        hook.refresh_from_db()
        assert hook.is_active
        assert hook.consecutive_failures == 0
        assert hook.disabled_at is None
        assert hook.disabled_reason == ""
        assert response.json()["is_active"] is True
        assert hook.secret not in response.content.decode()
    else:
        assert world() == before


@covers("webhook-delivery-list")
@pytest.mark.parametrize(("actor", "expected"), allowed(200))
def test_listing_deliveries_with_their_attempts(county, hook, actor, expected):
    before = world()
    response = client_as(county, actor).get(f"{base(county)}{hook.pk}/deliveries/")
    assert response.status_code == expected, response.content
    if expected == 200:
        body = response.json()
        assert body["count"] == 1
        delivery = body["results"][0]
        assert delivery["event_type"] == "version.published"
        assert delivery["status"] == "failed"
        assert delivery["attempt_count"] == 10
        assert [a["status_code"] for a in delivery["attempts"]] == [500]
        assert hook.secret not in response.content.decode()
    assert world() == before


@covers("webhook-delivery-redeliver")
@pytest.mark.parametrize(("actor", "expected"), allowed(202))
def test_redelivering(county, hook, actor, expected):
    delivery = Delivery.objects.get(endpoint=hook)
    before = world()
    response = client_as(county, actor).post(f"{base(county)}{hook.pk}/deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == expected, response.content
    if expected == 202:
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.PENDING
        assert delivery.attempts == 0
        assert delivery.next_attempt_at <= timezone.now()
        assert response.json()["status"] == "pending"
    else:
        assert world() == before


# --- Not found: another agency's webhook, an unknown agency -------------------------------------------------------


@pytest.fixture
def police_hook(county) -> WebhookEndpoint:
    endpoint = webhook_services.webhook_endpoint_create(
        agency=county.police, url=UNUSED_URL, events=[EventType.VERSION_PUBLISHED], actor=SYSTEM
    )
    event = OutboxEvent.objects.filter(event_type=EventType.VERSION_PUBLISHED).latest("id")
    Delivery.objects.create(event=event, channel=Channel.WEBHOOK, endpoint=endpoint, status=DeliveryStatus.SENT)
    return endpoint


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("delete", ""), ("post", "enable/"), ("get", "deliveries/"), ("post", "redeliver")],
)
@pytest.mark.parametrize("actor", ["owner_admin", "staff"])
def test_another_agencys_webhook_is_not_found_under_this_agency(county, hook, police_hook, method, suffix, actor):
    if suffix == "redeliver":
        police_delivery = Delivery.objects.get(endpoint=police_hook)
        suffix = f"deliveries/{police_delivery.pk}/redeliver/"
    before = world()
    response = getattr(client_as(county, actor), method)(f"{base(county)}{police_hook.pk}/{suffix}")
    assert response.status_code == 404, response.content
    assert world() == before


def test_a_delivery_of_another_webhook_is_not_found_under_this_one(county, hook, police_hook):
    police_delivery = Delivery.objects.get(endpoint=police_hook)
    before = world()
    response = client_for(county.owner_admin).post(
        f"{base(county)}{hook.pk}/deliveries/{police_delivery.pk}/redeliver/"
    )
    assert response.status_code == 404
    assert world() == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "webhooks/"),
        ("post", "webhooks/"),
        ("get", "webhooks/1/"),
        ("delete", "webhooks/1/"),
        ("post", "webhooks/1/enable/"),
        ("get", "webhooks/1/deliveries/"),
        ("post", "webhooks/1/deliveries/1/redeliver/"),
    ],
)
def test_an_unknown_agency_is_not_found(county, method, path):
    response = getattr(client_for(county.staff), method)(f"/api/v1/agencies/999999/{path}", {}, format="json")
    assert response.status_code == 404


def test_a_non_admin_cannot_probe_which_webhook_ids_exist(county, hook):
    client = client_for(county.owner_planner)
    assert client.get(f"{base(county)}{hook.pk}/").status_code == 403
    assert client.get(f"{base(county)}999999/").status_code == 403


# --- Registration rules ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        pytest.param({"url": UNUSED_URL, "events": []}, "events", id="no-events"),
        pytest.param({"url": UNUSED_URL}, "events", id="events-missing"),
        pytest.param({"url": UNUSED_URL, "events": ["plan.exploded"]}, "events", id="unknown-event"),
        pytest.param({"url": UNUSED_URL, "events": "version.published"}, "events", id="events-not-a-list"),
        pytest.param({"events": ["plan.shared"]}, "url", id="url-missing"),
        pytest.param({"url": "not a url", "events": ["plan.shared"]}, "url", id="url-invalid"),
        pytest.param({"url": "ftp://127.0.0.1/hook", "events": ["plan.shared"]}, "url", id="ftp"),
        pytest.param({"url": "http://user:pw@127.0.0.1/hook", "events": ["plan.shared"]}, "url", id="credentials"),
        pytest.param({"url": "https://169.254.169.254/latest/", "events": ["plan.shared"]}, "url", id="metadata"),
    ],
)
def test_an_invalid_registration_is_refused_with_a_field_message(county, payload, field):
    before = world()
    response = client_for(county.owner_admin).post(base(county), payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert world() == before


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://localhost/hook",
    ],
)
def test_an_internal_address_is_refused_at_registration(county, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    before = world()
    response = client_for(county.owner_admin).post(base(county), {"url": url, "events": ["plan.shared"]}, format="json")
    assert response.status_code == 400, response.content
    assert "private, internal or reserved address" in response.json()["url"][0]
    assert world() == before


def test_plain_http_is_refused_unless_private_addresses_are_allowed(county, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    response = client_for(county.owner_admin).post(
        base(county), {"url": "http://8.8.8.8/hook", "events": ["plan.shared"]}, format="json"
    )
    assert response.status_code == 400
    assert "https" in response.json()["url"][0]


def test_a_public_https_address_is_accepted_when_private_addresses_are_not(county, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    response = client_for(county.owner_admin).post(
        base(county), {"url": "https://8.8.8.8/hook", "events": ["plan.shared"]}, format="json"
    )
    assert response.status_code == 201, response.content


def test_enabling_a_webhook_whose_url_is_now_refused_answers_400(county, hook, settings):
    webhook_services.webhook_endpoint_disable(endpoint_id=hook.pk, reason="test")
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    response = client_for(county.owner_admin).post(f"{base(county)}{hook.pk}/enable/")
    assert response.status_code == 400
    assert "url" in response.json()
    hook.refresh_from_db()
    assert not hook.is_active


def test_the_secret_is_shown_only_in_the_create_response(county):
    client = client_for(county.owner_admin)
    created = client.post(base(county), {"url": UNUSED_URL, "events": ["plan.shared"]}, format="json").json()
    secret = created["secret"]
    webhook_id = created["id"]
    responses = [
        client.get(base(county)),
        client.get(f"{base(county)}{webhook_id}/"),
        client.post(f"{base(county)}{webhook_id}/enable/"),
        client.get(f"{base(county)}{webhook_id}/deliveries/"),
    ]
    for response in responses:
        assert response.status_code == 200
        assert secret not in response.content.decode()
        assert "secret" not in response.content.decode()


# --- Redelivery and the delivery log -----------------------------------------------------------------------------


def test_redelivery_resends_with_the_same_webhook_id(county):
    with running_receiver() as receiver:
        client = client_for(county.owner_admin)
        created = client.post(base(county), {"url": receiver.url, "events": ["version.published"]}, format="json")
        endpoint = WebhookEndpoint.objects.get(pk=created.json()["id"])
        event = OutboxEvent.objects.filter(event_type=EventType.VERSION_PUBLISHED).latest("id")
        delivery = Delivery.objects.create(event=event, channel=Channel.WEBHOOK, endpoint=endpoint)
        webhooks.webhook_deliver(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.SENT

        response = client.post(f"{base(county)}{endpoint.pk}/deliveries/{delivery.pk}/redeliver/")
        assert response.status_code == 202
        webhooks.webhook_deliver(delivery_id=delivery.pk)

    assert len(receiver.posts) == 2
    assert [r.headers["webhook-id"] for r in receiver.posts] == [delivery.message_id] * 2
    log = client.get(f"{base(county)}{endpoint.pk}/deliveries/").json()["results"][0]
    assert log["webhook_id"] == delivery.message_id
    assert log["status"] == "sent"
    assert log["last_status_code"] == 200
    assert log["attempt_count"] == 1
    assert len(log["attempts"]) == 2
    first, second = sorted(log["attempts"], key=lambda a: a["id"])
    assert [a["id"] for a in log["attempts"]] == [second["id"], first["id"]]  # newest first


def test_redelivering_to_a_disabled_webhook_is_a_conflict(county, hook):
    webhook_services.webhook_endpoint_disable(endpoint_id=hook.pk, reason="test")
    delivery = Delivery.objects.get(endpoint=hook)
    before = world()
    response = client_for(county.owner_admin).post(f"{base(county)}{hook.pk}/deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 409
    assert world() == before


def _add_deliveries(endpoint: WebhookEndpoint, count: int) -> None:
    event = OutboxEvent.objects.filter(event_type=EventType.VERSION_PUBLISHED).latest("id")
    for _ in range(count):
        extra = OutboxEvent.objects.create(event_type=event.event_type, plan=event.plan, payload=event.payload)
        delivery = Delivery.objects.create(event=extra, channel=Channel.WEBHOOK, endpoint=endpoint)
        WebhookAttempt.objects.bulk_create(
            [WebhookAttempt(delivery=delivery, status_code=code) for code in (500, 502, 200)]
        )


def test_the_delivery_log_costs_the_same_queries_for_many_rows(county, hook, django_assert_max_num_queries):
    client = client_for(county.owner_admin)
    url = f"{base(county)}{hook.pk}/deliveries/?page_size=200"
    _add_deliveries(hook, 4)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(url).json()["results"]) == 5
    _add_deliveries(hook, 45)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(url).json()["results"]) == 50

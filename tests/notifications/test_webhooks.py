"""Webhook deliveries against a real HTTP receiver: signed, thin, retried from the database, never into the
internal network, and sent once even when two workers race."""

import ipaddress
import json
import shutil
import subprocess
import threading
from datetime import timedelta
from email.utils import format_datetime

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook

from access.actors import SYSTEM
from agencies.models import Role
from notifications import services, sweep, webhook_services
from notifications.channels import webhooks
from notifications.channels.webhook_targets import webhook_address_allowed
from notifications.models import (
    Delivery,
    DeliveryStatus,
    EventType,
    Notification,
    OutboxEvent,
    WebhookAttempt,
    WebhookEndpoint,
)
from plans import services as plan_services
from portal.errors import InvalidInputError
from tests.agencies.factories import UserFactory, member
from tests.notifications.conftest import publish_draft
from tests.notifications.webhook_receiver import running_receiver
from tests.plans.factories import publish

SECTION_TEXT = ("Evacuate to the stadium.", "Lockdown: lock doors, lights off.")


@pytest.fixture(autouse=True)
def _private_addresses_allowed(settings):
    """The receiver lives on 127.0.0.1, as in `make test`; tests about refusal turn this off."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def receiver():
    with running_receiver() as running:
        yield running


def police_endpoint(county, url: str, events=(EventType.VERSION_PUBLISHED,)) -> WebhookEndpoint:
    return webhook_services.webhook_endpoint_create(agency=county.police, url=url, events=list(events), actor=SYSTEM)


def delivery_of(event: OutboxEvent, endpoint: WebhookEndpoint) -> Delivery:
    services.outbox_event_fan_out(event_id=event.pk)
    return Delivery.objects.get(event=event, endpoint=endpoint)


def make_due(delivery: Delivery) -> None:
    """Move the scheduled retry into the past (instead of waiting for the backoff)."""
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def deliver(delivery: Delivery) -> Delivery:
    webhooks.webhook_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


def test_a_publish_reaches_a_partner_endpoint_as_one_signed_post_without_plan_content(county, receiver):
    endpoint = police_endpoint(county, receiver.url)
    delivery = delivery_of(publish_draft(county), endpoint)

    delivery = deliver(delivery)

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request.method == "POST"
    assert request.path == "/hook"
    assert request.headers["host"] == f"127.0.0.1:{receiver.port}"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"] == delivery.message_id
    message = Webhook(endpoint.secret).verify(request.body, request.headers)
    plan = county.plan
    assert message["type"] == "version.published"
    assert message["data"]["plan"] == plan.pk
    assert message["data"]["plan_title"] == "Maple Valley High crisis plan"
    assert message["data"]["owner_agency"] == county.district.pk
    assert message["data"]["version"] == 2
    assert message["data"]["change_summary"] == "Work in progress"
    site = django_settings.SITE_URL
    assert message["data"]["links"] == {
        "plan": f"{site}/api/v1/plans/{plan.pk}/",
        "version": f"{site}/api/v1/plans/{plan.pk}/versions/2/",
    }
    assert "actor" not in message["data"]
    for text in SECTION_TEXT:
        assert text.encode() not in request.body
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.sent_at is not None
    assert delivery.attempts == 1
    assert delivery.last_status_code == 200
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.status_code == 200
    assert attempt.error == ""


def test_a_forged_or_altered_body_does_not_verify(county, receiver):
    endpoint = police_endpoint(county, receiver.url)
    deliver(delivery_of(publish_draft(county), endpoint))
    request = receiver.requests[0]

    with pytest.raises(Exception, match="signature"):
        Webhook(endpoint.secret).verify(request.body.replace(b"Work", b"Fake"), request.headers)
    other_secret = webhook_services.webhook_endpoint_create(
        agency=county.police, url=receiver.url, events=["plan.shared"], actor=SYSTEM
    ).secret
    with pytest.raises(Exception, match="signature"):
        Webhook(other_secret).verify(request.body, request.headers)


def test_failed_attempts_are_retried_from_the_database_with_the_same_webhook_id(county, receiver):
    receiver.answer(500, 500, 200)
    endpoint = police_endpoint(county, receiver.url)
    delivery = delivery_of(publish_draft(county), endpoint)

    before = timezone.now()
    delivery = deliver(delivery)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.last_status_code == 500
    first_wait = delivery.next_attempt_at - before
    assert timedelta(seconds=30 * 0.8) - timedelta(seconds=1) <= first_wait <= timedelta(seconds=30 * 1.2 + 1)

    deliver(delivery)  # not due yet: nothing is sent
    assert len(receiver.requests) == 1

    make_due(delivery)
    before = timezone.now()
    delivery = deliver(delivery)
    assert delivery.status == DeliveryStatus.PENDING
    second_wait = delivery.next_attempt_at - before
    assert timedelta(seconds=120 * 0.8) - timedelta(seconds=1) <= second_wait <= timedelta(seconds=120 * 1.2 + 1)

    make_due(delivery)
    delivery = deliver(delivery)

    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 3
    assert Delivery.objects.filter(endpoint=endpoint).count() == 1
    assert [a.status_code for a in WebhookAttempt.objects.filter(delivery=delivery).order_by("id")] == [500, 500, 200]
    assert {r.headers["webhook-id"] for r in receiver.requests} == {delivery.message_id}
    for request in receiver.requests:
        Webhook(endpoint.secret).verify(request.body, request.headers)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


@pytest.fixture
def self_signed_localhost(tmp_path) -> tuple[str, str]:
    """A certificate for `localhost` that no trust store knows."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("needs the openssl command to make a test certificate")
    cert, key = str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")
    request = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1"]
    subject = ["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"]
    subprocess.run(  # noqa: S603 - fixed arguments
        [openssl, *request, *subject],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_https_presents_the_url_host_name_and_refuses_an_untrusted_certificate(county, self_signed_localhost):
    with running_receiver(certificate=self_signed_localhost) as tls_receiver:
        endpoint = police_endpoint(county, f"https://localhost:{tls_receiver.port}/hook")
        delivery = deliver(delivery_of(publish_draft(county), endpoint))

    # The connection went to the vetted address, with SNI naming the URL's host; the certificate is checked.
    assert "localhost" in tls_receiver.server_names
    assert tls_receiver.requests == []
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.status_code is None
    assert "CERTIFICATE_VERIFY_FAILED" in attempt.error
    assert delivery.status == DeliveryStatus.PENDING


def test_a_retry_that_falls_due_is_requeued_by_the_sweep_and_sent(county, receiver):
    receiver.answer(503)
    delivery = deliver(delivery_of(publish_draft(county), police_endpoint(county, receiver.url)))
    assert sweep.outbox_sweep().webhooks == 0  # not due yet

    make_due(delivery)
    assert sweep.outbox_sweep().webhooks == 1
    delivery = deliver(delivery)  # what the queued task runs

    assert delivery.status == DeliveryStatus.SENT
    assert [r.headers["webhook-id"] for r in receiver.posts] == [delivery.message_id] * 2


def test_a_connection_error_is_logged_and_retried(county, receiver):
    endpoint = police_endpoint(county, receiver.url)
    delivery = delivery_of(publish_draft(county), endpoint)
    port = receiver.port
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url="http://127.0.0.1:1/hook")  # nothing listens there

    delivery = deliver(delivery)

    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.status_code is None
    assert "Connection" in attempt.error or "refused" in attempt.error.lower()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.next_attempt_at > timezone.now()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=f"http://127.0.0.1:{port}/hook")
    make_due(delivery)
    assert deliver(delivery).status == DeliveryStatus.SENT


@pytest.mark.parametrize(
    ("retry_after", "expected_seconds"),
    [
        pytest.param("120", 120, id="seconds"),
        pytest.param(None, 300, id="http-date"),
        pytest.param("999999", webhooks.RETRY_AFTER_MAX_SECONDS, id="capped"),
    ],
)
def test_429_waits_as_long_as_retry_after_says(county, receiver, retry_after, expected_seconds):
    retry_at = None
    if retry_after is None:
        retry_at = (timezone.now() + timedelta(seconds=expected_seconds)).replace(microsecond=0)
        retry_after = format_datetime(retry_at, usegmt=True)
    receiver.answer((429, {"Retry-After": retry_after}))
    delivery = delivery_of(publish_draft(county), police_endpoint(county, receiver.url))

    before = timezone.now()
    delivery = deliver(delivery)
    after = timezone.now()

    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_status_code == 429
    if retry_at is not None:  # an HTTP date names the moment itself
        assert abs(delivery.next_attempt_at - retry_at) <= timedelta(seconds=1)
    else:
        assert delivery.next_attempt_at >= before + timedelta(seconds=expected_seconds)
        assert delivery.next_attempt_at <= after + timedelta(seconds=expected_seconds + 1)
    assert WebhookAttempt.objects.get(delivery=delivery).status_code == 429


def test_a_redirect_counts_as_a_failure_and_is_not_followed(county, receiver):
    receiver.answer((301, {"Location": f"http://127.0.0.1:{receiver.port}/elsewhere"}))
    delivery = delivery_of(publish_draft(county), police_endpoint(county, receiver.url))

    delivery = deliver(delivery)

    assert [(r.method, r.path) for r in receiver.requests] == [("POST", "/hook")]
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_status_code == 301
    assert delivery.last_error == "HTTP 301"
    assert WebhookAttempt.objects.get(delivery=delivery).status_code == 301


def test_410_disables_the_endpoint_at_once_and_cancels_its_pending_deliveries(county, receiver):
    receiver.answer(410)
    endpoint = police_endpoint(county, receiver.url, events=[EventType.VERSION_PUBLISHED, EventType.VERSION_WITHDRAWN])
    published = delivery_of(publish_draft(county), endpoint)
    plan_services.plan_version_withdraw(version=county.draft, actor=county.owner_admin)
    withdrawn_event = OutboxEvent.objects.filter(event_type=EventType.VERSION_WITHDRAWN).latest("id")
    withdrawn = delivery_of(withdrawn_event, endpoint)

    published = deliver(published)

    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_at is not None
    assert "410" in endpoint.disabled_reason
    assert published.status == DeliveryStatus.FAILED
    withdrawn.refresh_from_db()
    assert withdrawn.status == DeliveryStatus.CANCELLED
    deliver(withdrawn)
    assert len(receiver.requests) == 1
    alert = OutboxEvent.objects.get(event_type=EventType.WEBHOOK_DISABLED)
    assert alert.payload["agency"] == county.police.pk
    assert alert.payload["url"] == receiver.url


def test_deliveries_that_keep_failing_disable_the_endpoint_and_alert_the_agency_admins(county, receiver):
    police_admin = member(county.police, Role.ADMIN, username="police_admin")
    per_delivery = webhooks.MAX_ATTEMPTS
    limit = webhooks.DISABLE_AFTER_FAILED_DELIVERIES
    receiver.answer(*[500] * (per_delivery * limit))
    endpoint = police_endpoint(county, receiver.url)
    deliveries = []
    for number in range(limit):
        version = publish(county.plan, county.owner_admin, f"Evacuate, revision {number}.")
        event = OutboxEvent.objects.filter(event_type=EventType.VERSION_PUBLISHED).latest("id")
        assert event.payload["version"] == version.number
        deliveries.append(delivery_of(event, endpoint))

    for index, delivery in enumerate(deliveries, 1):
        for _ in range(per_delivery):
            make_due(delivery)
            delivery = deliver(delivery)
        assert delivery.status == DeliveryStatus.FAILED
        assert delivery.next_attempt_at is None
        endpoint.refresh_from_db()
        assert endpoint.is_active == (index < limit)
        if index < limit:
            assert endpoint.consecutive_failures == index
            assert not OutboxEvent.objects.filter(event_type=EventType.WEBHOOK_DISABLED).exists()

    assert len(receiver.posts) == per_delivery * limit
    assert WebhookAttempt.objects.filter(delivery__endpoint=endpoint).count() == per_delivery * limit
    assert "in a row failed" in endpoint.disabled_reason
    alert = OutboxEvent.objects.get(event_type=EventType.WEBHOOK_DISABLED)
    assert alert.plan is None
    assert alert.payload["agency"] == county.police.pk
    assert alert.payload["url"] == receiver.url
    assert alert.payload["reason"] == endpoint.disabled_reason

    services.outbox_event_fan_out(event_id=alert.pk)

    notified = set(Notification.objects.filter(event=alert).values_list("user__username", flat=True))
    assert notified == {police_admin.username}
    assert Notification.objects.get(event=alert).title == f"Webhook disabled: {receiver.url}"


def test_a_successful_delivery_resets_the_failure_count(county, receiver):
    endpoint = police_endpoint(county, receiver.url)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=2)

    deliver(delivery_of(publish_draft(county), endpoint))

    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0
    assert endpoint.is_active


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_an_endpoint_on_a_private_address_is_refused_at_send_time_without_connecting(county, receiver, settings, host):
    endpoint = police_endpoint(county, f"https://{host}:{receiver.port}/hook")
    delivery = delivery_of(publish_draft(county), endpoint)
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False

    delivery = deliver(delivery)

    assert receiver.connections == 0
    assert receiver.requests == []
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.status_code is None
    assert attempt.error.startswith("Refused before connecting")
    assert "private" in attempt.error
    assert delivery.status == DeliveryStatus.PENDING


def test_a_plain_http_endpoint_is_refused_at_send_time_once_private_addresses_are_off(county, receiver, settings):
    delivery = delivery_of(publish_draft(county), police_endpoint(county, receiver.url))
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False

    deliver(delivery)

    assert receiver.connections == 0
    assert "https" in WebhookAttempt.objects.get(delivery=delivery).error


def test_a_delivery_is_cancelled_when_the_plan_was_unshared_before_it_went_out(county, receiver):
    delivery = delivery_of(publish_draft(county), police_endpoint(county, receiver.url))
    plan_services.plan_unshare(plan=county.plan, agency=county.police, actor=county.owner_admin)

    delivery = deliver(delivery)

    assert receiver.connections == 0
    assert delivery.status == DeliveryStatus.CANCELLED
    assert "no longer see" in delivery.last_error


def test_a_delivery_of_a_disabled_endpoint_or_an_unknown_id_sends_nothing(county, receiver):
    endpoint = police_endpoint(county, receiver.url)
    delivery = delivery_of(publish_draft(county), endpoint)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)

    delivery = deliver(delivery)
    webhooks.webhook_deliver(delivery_id=delivery.pk + 1000)

    assert receiver.connections == 0
    assert delivery.status == DeliveryStatus.CANCELLED
    assert WebhookAttempt.objects.count() == 0


def test_a_sent_delivery_is_not_sent_again(county, receiver):
    delivery = deliver(delivery_of(publish_draft(county), police_endpoint(county, receiver.url)))
    make_due(delivery)  # even a stale schedule does not matter once it is sent

    deliver(delivery)

    assert len(receiver.requests) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_with_the_same_delivery_send_it_once(county, receiver):
    receiver.delay_seconds = 0.5  # keep the first request open while the second worker tries
    delivery = delivery_of(publish_draft(county), police_endpoint(county, receiver.url))
    # Committed for real here: where Celery runs eagerly, the publish may already have sent it; start afresh.
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    WebhookAttempt.objects.filter(delivery=delivery).delete()
    receiver.requests.clear()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            connection.ensure_connection()  # so both workers reach the delivery at the same moment
            start.wait(timeout=5)
            webhooks.webhook_deliver(delivery_id=delivery.pk)
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(receiver.posts) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 1
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "https://localhost./hook",
        "https://LOCALHOST/hook",
        "https://0x7f000001/hook",
        "https://2130706433/hook",
        "https://127.1/hook",
        "https://[0:0:0:0:0:ffff:7f00:1]/hook",
        "https://[fe80::1%25eth0]/hook",
    ],
)
def test_other_spellings_of_internal_addresses_are_refused_at_registration(county, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False

    with pytest.raises(InvalidInputError) as refused:
        webhook_services.webhook_endpoint_create(agency=county.police, url=url, events=["plan.shared"], actor=SYSTEM)

    assert refused.value.field == "url"
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "100.64.0.1",
        "169.254.169.254",
        "0.0.0.0",  # noqa: S104 - an address under test, not a bind
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.10",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd00:ec2::254",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::7f00:1",
        "2002:7f00:1::1",
        "2001:db8::1",
    ],
)
def test_internal_addresses_are_never_webhook_targets(address):
    assert not webhook_address_allowed(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_are_webhook_targets(address):
    assert webhook_address_allowed(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["169.254.169.254", "fd00:ec2::254", "::ffff:169.254.169.254"])
def test_cloud_metadata_stays_refused_even_when_private_addresses_are_allowed(address):
    assert not webhook_address_allowed(ipaddress.ip_address(address), allow_private=True)
    assert webhook_address_allowed(ipaddress.ip_address("10.0.0.1"), allow_private=True)


def test_the_message_is_json_with_type_timestamp_and_thin_data(county):
    event = publish_draft(county)

    message = webhooks.webhook_message(event)

    assert set(message) == {"type", "timestamp", "data"}
    assert message["timestamp"].endswith("Z")
    assert json.loads(json.dumps(message)) == message
    assert "sections" not in message["data"]


def test_the_admin_shows_webhooks_deliveries_and_attempts_read_only_without_the_secret(county, receiver, client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    receiver.answer(500)
    endpoint = police_endpoint(county, receiver.url)
    delivery = deliver(delivery_of(publish_draft(county), endpoint))
    attempt = WebhookAttempt.objects.get(delivery=delivery)

    for model, obj in ((WebhookEndpoint, endpoint), (Delivery, delivery), (WebhookAttempt, attempt)):
        opts = model._meta
        listing = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        assert listing.status_code == 200
        assert page.status_code == 200
        assert endpoint.secret not in listing.content.decode() + page.content.decode()
        assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 403
        assert (
            client.post(reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])).status_code == 403
        )
    assert "HTTP 500" in client.get(reverse("admin:notifications_delivery_change", args=[delivery.pk])).content.decode()

"""Webhook connections are kept alive and reused within a worker process, against real HTTP receivers, while every
delivery still resolves and checks its URL: a host that moves gets a new connection, and one rebound to a refused
address is refused even though a connection to its old address is kept."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from access.actors import SYSTEM
from notifications import webhook_services
from notifications.channels import webhooks
from notifications.channels.webhook_pools import POOLS
from notifications.channels.webhook_targets import webhook_post, webhook_target_resolve
from notifications.models import Delivery, DeliveryStatus, EventType, OutboxEvent, WebhookAttempt, WebhookEndpoint
from notifications.services import outbox_event_fan_out
from plans import services as plan_services
from plans.models import VersionState
from tests.notifications.webhook_receiver import Receiver, running_receiver
from tests.plans.factories import changed_draft

HOST = "hooks.partner.test"


@pytest.fixture(autouse=True)
def _pools_start_empty(settings) -> Iterator[None]:
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # the receivers live on loopback addresses
    settings.WEBHOOK_CONNECTION_REUSE = True
    POOLS.clear()
    yield
    POOLS.clear()


@pytest.fixture
def dns(monkeypatch) -> dict[str, str]:
    """What HOST resolves to (the resolver is the only thing stubbed; connections are real)."""
    answers: dict[str, str] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        return real(answers.get(host, host), port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.fixture
def keep_alive_receiver() -> Iterator[Receiver]:
    with running_receiver(keep_alive=True) as receiver:
        yield receiver


def endpoint_for(county, url: str) -> WebhookEndpoint:
    return webhook_services.webhook_endpoint_create(
        agency=county.police, url=url, events=[EventType.VERSION_PUBLISHED], actor=SYSTEM
    )


def publish_again(county) -> OutboxEvent:
    """Publish a new version of the county's plan; the event it recorded."""
    plan = county.plan
    draft = plan.versions.filter(state=VersionState.DRAFT).first() or changed_draft(
        plan, county.owner_planner, f"Updated after drill {OutboxEvent.objects.count()}."
    )
    plan_services.plan_version_publish(version=draft, actor=county.owner_admin)
    return OutboxEvent.objects.filter(event_type="version.published").latest("id")


def deliver_event(event: OutboxEvent, endpoint: WebhookEndpoint) -> Delivery:
    outbox_event_fan_out(event_id=event.pk)
    delivery = Delivery.objects.get(event=event, endpoint=endpoint)
    webhooks.webhook_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


@pytest.mark.django_db
@pytest.mark.parametrize(("reuse", "connections"), [(True, 1), (False, 2)])
def test_two_deliveries_to_one_endpoint_share_one_connection_unless_reuse_is_off(
    county, keep_alive_receiver, settings, reuse, connections
):
    settings.WEBHOOK_CONNECTION_REUSE = reuse
    endpoint = endpoint_for(county, keep_alive_receiver.url)

    first = deliver_event(publish_again(county), endpoint)
    second = deliver_event(publish_again(county), endpoint)

    assert first.status == second.status == DeliveryStatus.SENT
    assert [request.headers["webhook-id"] for request in keep_alive_receiver.posts] == [
        first.message_id,
        second.message_id,
    ]
    assert keep_alive_receiver.connections == connections


@pytest.mark.django_db
def test_a_host_that_resolves_to_another_address_gets_a_new_connection_and_the_old_one_is_closed(county, dns):
    with (
        running_receiver(keep_alive=True) as old,
        running_receiver(keep_alive=True, address="127.0.0.2", port=old.port) as new,
    ):
        dns[HOST] = "127.0.0.1"
        endpoint = endpoint_for(county, f"http://{HOST}:{old.port}/hook")
        assert deliver_event(publish_again(county), endpoint).status == DeliveryStatus.SENT

        dns[HOST] = "127.0.0.2"
        moved = deliver_event(publish_again(county), endpoint)

        assert moved.status == DeliveryStatus.SENT
        assert (old.connections, len(old.posts)) == (1, 1)
        assert (new.connections, len(new.posts)) == (1, 1)
        assert new.posts[0].headers["host"] == f"{HOST}:{old.port}"
        assert [key.address for key in POOLS.held()] == ["127.0.0.2"]


@pytest.mark.django_db
def test_a_host_rebound_to_a_refused_address_is_refused_although_its_old_connection_was_kept(
    county, dns, keep_alive_receiver
):
    dns[HOST] = "127.0.0.1"
    endpoint = endpoint_for(county, f"http://{HOST}:{keep_alive_receiver.port}/hook")
    assert deliver_event(publish_again(county), endpoint).status == DeliveryStatus.SENT
    assert [key.host for key in POOLS.held()] == [HOST]

    dns[HOST] = "169.254.169.254"  # DNS rebinding to the cloud metadata service
    refused = deliver_event(publish_again(county), endpoint)

    assert refused.status == DeliveryStatus.PENDING
    attempt = WebhookAttempt.objects.get(delivery=refused)
    assert attempt.status_code is None
    assert attempt.error.startswith("Refused before connecting")
    assert len(keep_alive_receiver.posts) == 1
    assert keep_alive_receiver.connections == 1
    assert POOLS.held() == []


@contextmanager
def one_answer_per_connection() -> Iterator[dict[str, list[str]]]:
    """A keep-alive HTTP/1.1 receiver that answers the first request of each connection and drops the connection
    on the next one without answering: what a receiver closing an idle connection as it is reused looks like."""
    seen: dict[str, list[str]] = {"answered": [], "dropped": []}
    listener = socket.create_server(("127.0.0.1", 0))

    def serve(conn: socket.socket) -> None:
        with conn, conn.makefile("rb") as stream:
            for number in range(2):
                head = [line for line in iter(stream.readline, b"\r\n") if line]
                if not head:
                    return
                headers = dict(line.decode().split(":", 1) for line in head[1:])
                stream.read(int(headers.get("Content-Length", "0")))
                webhook_id = headers.get("webhook-id", "").strip()
                if number == 1:
                    seen["dropped"].append(webhook_id)
                    return
                seen["answered"].append(webhook_id)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    seen["url"] = [f"http://127.0.0.1:{listener.getsockname()[1]}/hook"]
    try:
        yield seen
    finally:
        listener.close()


def test_a_kept_connection_the_receiver_drops_unanswered_is_retried_once_over_a_new_one():
    with one_answer_per_connection() as seen:
        target = webhook_target_resolve(seen["url"][0])
        statuses = [webhook_post(target=target, body=b"{}", headers={"webhook-id": f"m{i}"}).status for i in range(3)]

    assert statuses == [200, 200, 200]
    # Each later POST went out on the kept connection first, was dropped, and was sent again on a new one.
    assert seen["answered"] == ["m0", "m1", "m2"]
    assert seen["dropped"] == ["m1", "m2"]


def test_a_receiver_that_closes_every_connection_gets_every_post_over_a_new_one():
    with running_receiver(keep_alive=False) as receiver:
        target = webhook_target_resolve(receiver.url)
        statuses = [webhook_post(target=target, body=b"{}", headers={"webhook-id": f"m{i}"}).status for i in range(3)]

    assert statuses == [200, 200, 200]
    assert [request.headers["webhook-id"] for request in receiver.posts] == ["m0", "m1", "m2"]
    assert receiver.connections == 3


def test_threads_posting_at_once_share_the_pool_safely(keep_alive_receiver, settings):
    settings.WEBHOOK_POOL_CONNECTIONS = 4
    target = webhook_target_resolve(keep_alive_receiver.url)
    statuses: list[int] = []
    lock = threading.Lock()

    def post_many(thread: int) -> None:
        for i in range(10):
            status = webhook_post(target=target, body=b"{}", headers={"webhook-id": f"msg_{thread}_{i}"}).status
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=post_many, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert statuses == [200] * 40
    assert len(keep_alive_receiver.posts) == 40
    assert keep_alive_receiver.connections <= 4

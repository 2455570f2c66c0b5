"""A slow partner never delays anyone else's alerts (issue 11, item 6).

Real Celery workers, started with the commands docker-compose.yml gives production, consume the real
Redis broker. One agency's twenty webhook receivers accept connections and never answer; meanwhile an
unrelated agency publishes, and its member's in-app alert and its own webhook must arrive at once.
"""

import time
from datetime import timedelta

import psycopg
import pytest
from django.utils import timezone

from agencies.models import AgencyKind, Role
from notifications.channels import webhooks
from notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    EventType,
    Notification,
    OutboxEvent,
    WebhookEndpoint,
)
from notifications.services import outbox_event_fan_out
from plans import services as plan_services
from plans.models import ShareLevel
from portal.celery import app as celery_app
from tests.agencies.factories import AgencyFactory, member
from tests.notifications.alert_checks import wait_for
from tests.notifications.conftest import publish_draft
from tests.notifications.webhook_receiver import hanging_receivers, running_receiver
from tests.notifications.workers import database_url, production_workers
from tests.plans.factories import draft, make_plan, publish

pytestmark = pytest.mark.django_db(transaction=True)

HANGING_ENDPOINTS = 20
# Each promise is measured from the unrelated publish; the hanging deliveries alone take minutes.
PROMPT_SECONDS = 5.0


def test_tasks_are_routed_so_fan_out_never_queues_behind_deliveries():
    def queue(task: str) -> str:
        return celery_app.amqp.router.route({}, task)["queue"].name

    alerts = {queue("notifications.fan_out_event"), queue("notifications.sweep_outbox")}
    assert len(alerts) == 1
    assert queue("notifications.send_event_emails") not in alerts
    assert queue("notifications.send_daily_digests") not in alerts
    assert queue("notifications.deliver_webhook") not in alerts
    assert queue("notifications.deliver_webhook") != queue("notifications.send_event_emails")


def test_hanging_webhooks_of_one_agency_do_not_delay_an_unrelated_agencys_alerts(county, tmp_path):
    # An unrelated pair: Far County's plan shared with Far County EMS, whose liaison and gateway hear of it.
    ems = AgencyFactory(name="Far County EMS", slug="far-county-ems", kind=AgencyKind.EMS)
    ems_liaison = member(ems, Role.LIAISON, username="ems_liaison")
    far_plan = make_plan(owner=county.unrelated, actor=county.unrelated_admin, title="Far County fair plan")
    publish(far_plan, county.unrelated_admin, "Gate C is the casualty collection point.")
    plan_services.plan_share(plan=far_plan, agency=ems, level=ShareLevel.VIEW, actor=county.unrelated_admin)
    far_draft = draft(far_plan, county.unrelated_admin, "Gate D is the casualty collection point.")

    with (
        hanging_receivers(HANGING_ENDPOINTS) as hanging,
        running_receiver() as healthy,
        production_workers(tmp_path),
    ):
        for url in hanging.urls:
            WebhookEndpoint.objects.create(agency=county.police, url=url, events=[EventType.VERSION_PUBLISHED])
        WebhookEndpoint.objects.create(agency=ems, url=healthy.url, events=[EventType.VERSION_PUBLISHED])

        plan_services.plan_version_publish(version=county.draft, actor=county.owner_admin)
        wait_for(lambda: hanging.connections >= 2, timeout=30, what="the hanging receivers to be called")

        started = time.monotonic()
        plan_services.plan_version_publish(version=far_draft, actor=county.unrelated_admin)
        event = OutboxEvent.objects.filter(plan=far_plan, event_type=EventType.VERSION_PUBLISHED).latest("id")
        in_app = wait_for(
            lambda: Notification.objects.filter(event=event, user=ems_liaison).exists(),
            timeout=30,
            what="the EMS liaison's in-app alert",
        )
        wait_for(
            lambda: any(b'"version.published"' in post.body for post in healthy.posts),
            timeout=30,
            what="the EMS gateway's webhook",
        )
        webhook = time.monotonic() - started

        police = Delivery.objects.filter(channel=Channel.WEBHOOK, endpoint__agency=county.police)
        assert police.count() == HANGING_ENDPOINTS
        assert not police.filter(status=DeliveryStatus.SENT).exists()
        assert police.filter(status=DeliveryStatus.PENDING).count() == HANGING_ENDPOINTS  # still being retried
    assert in_app < PROMPT_SECONDS, f"in-app alert after {in_app:.1f} s"
    assert webhook < PROMPT_SECONDS, f"webhook after {webhook:.1f} s"
    ems_delivery = Delivery.objects.get(event=event, endpoint__agency=ems)
    assert ems_delivery.status == DeliveryStatus.SENT


def test_a_delivery_whose_agency_uses_every_slot_waits_its_turn_without_holding_a_worker(county, settings):
    settings.WEBHOOK_AGENCY_CONCURRENCY = 2
    with running_receiver() as receiver:
        endpoint = WebhookEndpoint.objects.create(
            agency=county.police, url=receiver.url, events=[EventType.VERSION_PUBLISHED]
        )
        event = publish_draft(county)
        outbox_event_fan_out(event_id=event.pk)
        delivery = Delivery.objects.get(event=event, endpoint=endpoint)
        # Two other workers are sending to Ridgeford Police's endpoints right now (they hold both slots).
        others = psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=True)
        try:
            for slot in range(2):
                others.execute(
                    "SELECT pg_advisory_lock(%s, %s)", [webhooks.AGENCY_SLOT_LOCK_BASE + slot, county.police.pk]
                )
            started = time.monotonic()
            wait = webhooks.webhook_deliver(delivery_id=delivery.pk)
            assert time.monotonic() - started < 1
            assert wait is not None
            assert webhooks.AGENCY_BUSY_SECONDS <= wait <= 2 * webhooks.AGENCY_BUSY_SECONDS
            delivery.refresh_from_db()
            assert receiver.requests == []
            assert delivery.status == DeliveryStatus.PENDING
            assert delivery.attempts == 0
            assert timezone.now() < delivery.next_attempt_at <= timezone.now() + timedelta(seconds=wait)
        finally:
            others.close()  # the other workers finish (or die): their slots are free again

        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) is None
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.SENT
        assert len(receiver.posts) == 1

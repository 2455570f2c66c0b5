"""Prometheus metrics: only for the scraper holding METRICS_TOKEN, with Concord's own figures read at scrape time."""

from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from notifications.models import Channel, Delivery, DeliveryStatus, EventType, OutboxEvent, WebhookEndpoint
from notifications.tasks import fan_out_event, send_reminders
from tests.sign_in import SIGN_IN_URL, sign_in_form

pytestmark = pytest.mark.django_db

URL = "/metrics/"
TOKEN = "scrape-" + "s" * 40


@pytest.fixture
def scrape(client, settings):
    settings.METRICS_TOKEN = TOKEN

    def read() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        return {
            (sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.content.decode())
            for sample in family.samples
        }

    return read


def test_metrics_are_404_unless_the_scraper_sends_the_configured_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get(URL).status_code == 404
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer ").status_code == 404
    settings.METRICS_TOKEN = TOKEN
    assert client.get(URL).status_code == 404
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get(URL, HTTP_AUTHORIZATION=TOKEN).status_code == 404
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


def test_the_outbox_backlog_and_the_age_of_its_oldest_event(county, scrape):
    OutboxEvent.objects.update(dispatched_at=timezone.now())
    assert scrape()[("concord_outbox_events_waiting", ())] == 0
    assert scrape()[("concord_outbox_oldest_waiting_seconds", ())] == 0
    old = OutboxEvent.objects.create(event_type=EventType.PLAN_SHARED, plan=county.plan)
    OutboxEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    OutboxEvent.objects.create(event_type=EventType.PLAN_SHARED, plan=county.plan)
    OutboxEvent.objects.create(event_type=EventType.PLAN_SHARED, plan=county.plan, dispatched_at=timezone.now())
    metrics = scrape()
    assert metrics[("concord_outbox_events_waiting", ())] == 2
    assert 600 <= metrics[("concord_outbox_oldest_waiting_seconds", ())] < 900


def test_pending_and_failed_deliveries_per_channel_and_receiving_agency(county, scrape):
    event = OutboxEvent.objects.create(event_type=EventType.PLAN_SHARED, plan=county.plan)
    police_hook = WebhookEndpoint.objects.create(agency=county.police, url="https://police.example.org/hook")
    fire_hook = WebhookEndpoint.objects.create(agency=county.fire, url="https://fire.example.org/hook")
    Delivery.objects.create(event=event, channel=Channel.WEBHOOK, endpoint=police_hook)
    Delivery.objects.create(event=event, channel=Channel.WEBHOOK, endpoint=fire_hook, status=DeliveryStatus.FAILED)
    Delivery.objects.create(event=event, channel=Channel.EMAIL, user=county.partner_view_member)
    Delivery.objects.create(event=event, channel=Channel.EMAIL, user=county.owner_member, status=DeliveryStatus.SENT)
    long_ago = OutboxEvent.objects.create(event_type=EventType.PLAN_SHARED, plan=county.plan)
    old_failure = Delivery.objects.create(
        event=long_ago, channel=Channel.WEBHOOK, endpoint=police_hook, status=DeliveryStatus.FAILED
    )
    Delivery.objects.filter(pk=old_failure.pk).update(created_at=timezone.now() - timedelta(days=2))

    metrics = scrape()
    pending = {labels: value for (name, labels), value in metrics.items() if name == "concord_deliveries_pending"}
    failed = {labels: value for (name, labels), value in metrics.items() if name == "concord_deliveries_failed_recent"}
    assert pending == {
        (("agency_id", str(county.police.pk)), ("channel", "webhook")): 1,
        (("agency_id", str(county.police.pk)), ("channel", "email")): 1,
    }
    assert failed == {(("agency_id", str(county.fire.pk)), ("channel", "webhook")): 1}


def test_task_runs_fan_out_duration_and_reminder_runs_are_counted(county, scrape):
    event = OutboxEvent.objects.create(event_type=EventType.PLAN_SHARED, plan=county.plan)
    fan_out_event.apply(args=[event.pk])
    send_reminders.apply()
    metrics = scrape()
    fan_out = (("task", "notifications.fan_out_event"),)
    assert metrics[("concord_task_runs_total", (("state", "SUCCESS"), *fan_out))] == 1
    assert metrics[("concord_task_duration_seconds_count", fan_out)] == 1
    assert metrics[("concord_task_duration_seconds_sum", fan_out)] > 0
    reminders = (("task", "notifications.send_reminders"),)
    assert metrics[("concord_task_runs_total", (("state", "SUCCESS"), *reminders))] == 1
    last_run = metrics[("concord_task_last_success_timestamp_seconds", reminders)]
    assert abs(last_run - timezone.now().timestamp()) < 300
    assert metrics[("concord_counters_available", ())] == 1


def test_sign_in_lockouts_are_counted(client, scrape, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert scrape()[("concord_sign_in_lockouts_total", ())] == 0
    for _ in range(3):
        client.post(SIGN_IN_URL, sign_in_form("nobody-in-particular", "wrong password"))
    assert scrape()[("concord_sign_in_lockouts_total", ())] >= 1


def test_requests_latency_and_errors_are_counted_per_view(client, scrape):
    client.get("/health/live/")
    client.get("/plans/999999/")
    metrics = scrape()
    assert (
        metrics[
            (
                "django_http_requests_latency_seconds_by_view_method_count",
                (("method", "GET"), ("view", "operations:live")),
            )
        ]
        >= 1
    )
    responses = {
        dict(labels).get("status")
        for (name, labels), _ in metrics.items()
        if name == "django_http_responses_total_by_status_view_method_total"
    }
    assert {"200", "404"} <= responses


def test_a_scrape_costs_the_same_few_queries_whatever_the_backlog(county, scrape, django_assert_max_num_queries):
    for _ in range(20):
        OutboxEvent.objects.create(event_type=EventType.PLAN_SHARED, plan=county.plan)
    with django_assert_max_num_queries(3):
        scrape()


def test_redis_down_still_answers_the_database_figures(county, scrape, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    metrics = scrape()
    assert metrics[("concord_counters_available", ())] == 0
    assert ("concord_outbox_events_waiting", ()) in metrics

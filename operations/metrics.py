"""Concord's own Prometheus metrics, computed when Prometheus scrapes: the database and Redis are the truth,
so every web process answers the same and nothing is lost to a restart or a second machine.

Request counts, latency and errors per view come from django-prometheus's middleware (see views.metrics).
"""

from collections.abc import Iterator
from datetime import timedelta

from django.db.models import Count, Min
from django.db.models.functions import Coalesce
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric, SummaryMetricFamily
from prometheus_client.registry import Collector

from notifications.models import Delivery, DeliveryStatus, OutboxEvent
from operations.counters import counters_read

# Failed deliveries are counted over this window (a failure is final: the gauge shows the recent ones).
FAILED_WINDOW = timedelta(days=1)


def _outbox() -> Iterator[Metric]:
    waiting = OutboxEvent.objects.filter(dispatched_at__isnull=True).aggregate(n=Count("id"), oldest=Min("created_at"))
    yield GaugeMetricFamily(
        "concord_outbox_events_waiting", "Outbox events recorded but not fanned out yet.", value=waiting["n"]
    )
    age = (timezone.now() - waiting["oldest"]).total_seconds() if waiting["oldest"] else 0.0
    yield GaugeMetricFamily(
        "concord_outbox_oldest_waiting_seconds",
        "Age of the oldest outbox event not fanned out yet (0 when none waits).",
        value=max(age, 0.0),
    )


def _deliveries() -> Iterator[Metric]:
    # A webhook belongs to the endpoint's agency; an e-mail to each agency its recipient is a member of.
    agency = Coalesce("endpoint__agency_id", "user__memberships__agency_id")
    for name, documentation, rows in (
        (
            "concord_deliveries_pending",
            "E-mail and webhook deliveries not sent yet, per channel and receiving agency.",
            Delivery.objects.filter(status=DeliveryStatus.PENDING),
        ),
        (
            "concord_deliveries_failed_recent",
            "Deliveries given up on, created in the last 24 hours, per channel and receiving agency.",
            Delivery.objects.filter(status=DeliveryStatus.FAILED, created_at__gte=timezone.now() - FAILED_WINDOW),
        ),
    ):
        gauge = GaugeMetricFamily(name, documentation, labels=["channel", "agency_id"])
        counts = rows.values("channel", agency_id=agency).annotate(n=Count("id")).order_by()
        for row in counts:
            gauge.add_metric([row["channel"], str(row["agency_id"] or "none")], row["n"])
        yield gauge


def _counters() -> Iterator[Metric]:
    counters = counters_read()
    yield GaugeMetricFamily(
        "concord_counters_available", "1 when the Redis-kept counters below could be read.", value=counters.available
    )
    runs = CounterMetricFamily(
        "concord_task_runs", "Celery task runs finished, per task and state.", labels=["task", "state"]
    )
    per_task: dict[str, int] = {}
    for (task, state), count in sorted(counters.task_runs.items()):
        runs.add_metric([task, state], count)
        per_task[task] = per_task.get(task, 0) + count
    yield runs
    duration = SummaryMetricFamily(
        "concord_task_duration_seconds",
        "Time Celery tasks took, per task (fan-out: notifications.fan_out_event and fan_out_events).",
        labels=["task"],
    )
    for task, seconds in sorted(counters.task_seconds.items()):
        duration.add_metric([task], count_value=per_task.get(task, 0), sum_value=seconds)
    yield duration
    last = GaugeMetricFamily(
        "concord_task_last_success_timestamp_seconds",
        "When each task last finished successfully (reminders: notifications.send_reminders, reading.daily_reminders).",
        labels=["task"],
    )
    for task, when in sorted(counters.task_last_success.items()):
        last.add_metric([task], when)
    yield last
    yield CounterMetricFamily(
        "concord_sign_in_lockouts",
        "Sign-ins refused because the account or address is locked out (django-axes).",
        value=counters.sign_in_lockouts,
    )


class ConcordCollector(Collector):
    """Collected at each scrape: a few aggregate queries and one Redis round trip."""

    def collect(self) -> Iterator[Metric]:
        yield from _outbox()
        yield from _deliveries()
        yield from _counters()

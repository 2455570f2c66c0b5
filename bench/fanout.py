"""Alert fan-out: publish requests, in-app fan-out against PostgreSQL COPY, e-mail batching, webhooks, worker memory.

Everything runs on the real services: the publish goes through the API in this process (its on-commit
hand-off reaches Redis), and a real Celery worker (`celery -A portal worker`, a subprocess) does the
fan-out, sends e-mail to an aiosmtpd sink and webhooks to an HTTP receiver, both on 127.0.0.1 in this
process. Every wait is a bounded poll of the database.
"""

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.django_env import ROOT, bench_environ
from bench.scales import COLD_PLAN_TITLE, HOT_PLAN_TITLE, PUBLISHER_USERNAME, WEBHOOK_PLAN_TITLE

Progress = Callable[[str], None]
POLL_SECONDS = 0.01
# The fan-out's commit is polled more often: at ~500 recipients the whole fan-out takes ~40 ms.
COMMIT_POLL_SECONDS = 0.002
WAIT_LIMIT_SECONDS = 900
PUBLISH_REPEATS = 7
# Fan-outs to fewer people than this are measured SMALL_REPEATS times (median) after the warm-up one.
SMALL_AUDIENCE = 1_000
SMALL_REPEATS = 5


class Worker:
    """One Celery worker subprocess on the bench's Redis; its peak RSS is read from /proc before it stops."""

    _serial = 0

    def __init__(self, *, pool: str = "solo", concurrency: int = 1, env: dict[str, str] | None = None) -> None:
        Worker._serial += 1
        self.pool, self.concurrency = pool, concurrency
        self.nodename = f"bench{os.getpid()}-{Worker._serial}@{socket.gethostname()}"
        self.env = bench_environ(DJANGO_SETTINGS_MODULE="portal.settings", **(env or {}))
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "Worker":
        from portal.celery import app

        command = [
            sys.executable, "-m", "celery", "-A", "portal", "worker", f"--pool={self.pool}",
            f"--concurrency={self.concurrency}", "-n", self.nodename, "-l", "warning",
            "--without-mingle", "--without-gossip", "--without-heartbeat",
        ]  # fmt: skip
        self.log = tempfile.NamedTemporaryFile(prefix="bench-worker-", suffix=".log", delete=False)
        self.process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=self.env, start_new_session=True, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[self.nodename], timeout=0.5):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError(f"The Celery worker did not come up within 60 s; see {self.log.name}.")
        return self

    def memory_mb(self) -> dict[str, float]:
        """Current and peak resident memory of the worker process (VmRSS, VmHWM)."""
        if self.process is None:
            return {}
        values = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values["rss" if key == "VmRSS" else "peak"] = round(int(rest.split()[0]) / 1024, 1)
        return values

    def __exit__(self, *exc: object) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def _wait_for(condition: Callable[[], bool], what: str, poll: float = POLL_SECONDS) -> tuple[float, datetime]:
    """Poll until `condition()` holds; returns when it was first seen to hold (perf_counter, wall clock)."""
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"Gave up waiting for {what} after {WAIT_LIMIT_SECONDS} s.")
        time.sleep(poll)
    return time.perf_counter(), datetime.now(UTC)


class Publisher:
    """Starts drafts through the services and publishes them through the API, as the owner's admin."""

    def __init__(self) -> None:
        from django.contrib.auth import get_user_model

        from bench.clients import token_client

        self.user = get_user_model().objects.get(username=PUBLISHER_USERNAME)
        self.client = token_client(self.user)

    def publish(self, plan: Any) -> tuple[float, float, Any]:
        """Publish a new version of `plan`; returns (request ms, perf_counter at start, outbox event)."""
        from bench.drafts import changed_draft
        from notifications.models import EventType, OutboxEvent

        draft = changed_draft(
            plan=plan, actor=self.user, summary="Bench: yearly review", note="Reviewed in the benchmark"
        )
        started = time.perf_counter()
        response = self.client.post(f"/api/v1/plans/{plan.pk}/versions/{draft.number}/publish/")
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"Publishing answered {response.status_code}: {response.content[:300]!r}")
        event = OutboxEvent.objects.filter(plan=plan, event_type=EventType.VERSION_PUBLISHED).latest("id")
        return elapsed, started, event


def _audience(plan: Any, publisher: Any) -> int:
    from notifications.recipients import _agencies_that_may_view, _members

    agencies = _agencies_that_may_view(plan.pk)
    return _members(agencies).exclude(user_id=publisher.pk).values("user_id").distinct().count()


def publish_latency(*, publisher: Publisher, plans: list[Any], progress: Progress) -> list[dict[str, Any]]:
    """The publish request's own time against the number of people it will reach (no worker running:
    the fan-out messages wait in Redis and are purged; those events are marked as not fanned out)."""
    from django.utils import timezone

    from notifications.models import OutboxEvent
    from portal.celery import app

    rows = []
    for plan in plans:
        audience = _audience(plan, publisher.user)
        samples, events = [], []
        for _ in range(PUBLISH_REPEATS):
            elapsed, _, event = publisher.publish(plan)
            samples.append(elapsed)
            events.append(event.pk)
        app.control.purge()
        OutboxEvent.objects.filter(pk__in=events).update(
            dispatched_at=timezone.now(), last_error="bench: publish-latency sample, deliberately not fanned out"
        )
        row = {
            "plan": plan.title,
            "partners": plan.shares.count(),
            "recipients": audience,
            "median_ms": round(statistics.median(samples), 1),
            "max_ms": round(max(samples), 1),
            "samples_ms": [round(s, 1) for s in samples],
        }
        progress(
            f"[fan-out] publish request, {audience:,} recipients: median {row['median_ms']} ms, max {row['max_ms']} ms"
        )
        rows.append(row)
    return rows


def copy_limit(*, event: Any, repeats: int = 3) -> dict[str, Any]:
    """Insert the same in-app notification rows with COPY (autocommit: the commit is inside the time)."""
    from django.db import connection
    from django.utils import timezone

    from notifications.models import Notification, OutboxEvent

    rows = list(
        Notification.objects.filter(event=event).values_list(
            "user_id", "event_type", "plan_id", "version_number", "title"
        )
    )
    samples = []
    for _ in range(repeats):
        dummy = OutboxEvent.objects.create(
            event_type=event.event_type, plan_id=event.plan_id, payload={}, dispatched_at=timezone.now()
        )
        now = timezone.now()
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            started = time.perf_counter()
            columns = "user_id, event_id, event_type, plan_id, version_number, title, created_at"
            with cursor.copy(f"COPY notifications_notification ({columns}) FROM STDIN") as copy:
                for user_id, event_type, plan_id, number, title in rows:
                    copy.write_row((user_id, dummy.pk, event_type, plan_id, number, title, now))
            samples.append((time.perf_counter() - started) * 1000)
        Notification.objects.filter(event=dummy).delete()
        dummy.delete()
    return {
        "rows": len(rows),
        "median_ms": round(statistics.median(samples), 1),
        "samples_ms": [round(s, 1) for s in samples],
    }


def _db_span_ms(first: datetime | None, last: datetime | None) -> float | None:
    if first is None or last is None:
        return None
    return round((last - first).total_seconds() * 1000, 1)


def _one_fan_out(publisher: Publisher, plan: Any) -> dict[str, Any]:
    """Publish once and wait for the fan-out and then the e-mails; the timings of that one publish."""
    from notifications.models import Channel, Delivery, DeliveryStatus, OutboxEvent

    publish_ms, started, event = publisher.publish(plan)
    # The fan-out commits every notification and sets dispatched_at in one transaction.
    inapp_at, committed = _wait_for(
        lambda: OutboxEvent.objects.filter(pk=event.pk, dispatched_at__isnull=False).exists(),
        "the fan-out",
        poll=COMMIT_POLL_SECONDS,
    )
    emails = Delivery.objects.filter(event=event, channel=Channel.EMAIL)
    email_at, _ = _wait_for(lambda: not emails.filter(status=DeliveryStatus.PENDING).exists(), "the e-mails")
    event.refresh_from_db()
    # dispatched_at is the worker's clock when it began the fan-out (same machine, same clock).
    in_worker_ms = round((committed - event.dispatched_at).total_seconds() * 1000, 1)
    return {
        "event": event,
        "publish_ms": publish_ms,
        "publish_to_all_inapp_ms": (inapp_at - started) * 1000,
        "fan_out_in_worker_ms": in_worker_ms,
        "email_phase_ms": (email_at - inapp_at) * 1000,
        "publish_to_all_email_ms": (email_at - started) * 1000,
    }


def fan_out_run(
    *, publisher: Publisher, plan: Any, smtp_port: int, received_mail: Any, progress: Progress
) -> dict[str, Any]:
    """Publish `plan` with one fresh solo worker running; time in-app fan-out and e-mail, read the worker's memory.

    The worker first fans out one publish of the same plan (warm-up: a long-running worker has imported
    and connected before; that first, cold figure is kept as `cold_fan_out_in_worker_ms`). Then
    audiences under SMALL_AUDIENCE are published SMALL_REPEATS times and the medians reported: there a
    fan-out takes tens of milliseconds and one sample moved by a third from run to run.
    """
    from notifications.models import Channel, Delivery, DeliveryStatus, Notification

    audience = _audience(plan, publisher.user)
    repeats = SMALL_REPEATS if audience < SMALL_AUDIENCE else 1
    with Worker(env={"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_port)}) as worker:
        idle = worker.memory_mb()
        cold = _one_fan_out(publisher, plan)
        mail_before = received_mail.count
        runs = [_one_fan_out(publisher, plan) for _ in range(repeats)]
        memory = worker.memory_mb()
    event = runs[-1]["event"]
    emails = Delivery.objects.filter(event=event, channel=Channel.EMAIL)

    def median(key: str) -> float:
        return round(statistics.median(run[key] for run in runs), 1)

    in_worker_ms = median("fan_out_in_worker_ms")
    result = {
        "plan": plan.title,
        "recipients": audience,
        "notifications": Notification.objects.filter(event=event).count(),
        "publish_ms": median("publish_ms"),
        "publish_to_all_inapp_ms": median("publish_to_all_inapp_ms"),
        # From the worker claiming the event until its transaction was seen committed (polled every 2 ms).
        "fan_out_in_worker_ms": in_worker_ms,
        "fan_out_in_worker_samples_ms": [run["fan_out_in_worker_ms"] for run in runs],
        "cold_fan_out_in_worker_ms": cold["fan_out_in_worker_ms"],
        "publish_to_worker_start_ms": round(median("publish_to_all_inapp_ms") - in_worker_ms, 1),
        "emails": emails.count(),
        "emails_sent": emails.filter(status=DeliveryStatus.SENT).count(),
        "emails_received_by_sink": (received_mail.count - mail_before) // repeats,
        "email_batches": -(-emails.count() // 100),
        # After the fan-out committed: the e-mail task's own work (the solo worker runs it next).
        "email_phase_ms": median("email_phase_ms"),
        "publish_to_all_email_ms": median("publish_to_all_email_ms"),
        "worker_rss_mb": {"idle": idle.get("rss"), "peak": memory.get("peak"), "after": memory.get("rss")},
    }
    result["copy"] = copy_limit(event=event)
    result["fan_out_over_copy"] = round(in_worker_ms / result["copy"]["median_ms"], 2)
    progress(
        f"[fan-out] {audience:,} recipients: publish {result['publish_ms']} ms; all in-app after "
        f"{result['publish_to_all_inapp_ms']} ms, fan-out in the worker {in_worker_ms} ms (median of {repeats}; "
        f"cold worker {cold['fan_out_in_worker_ms']} ms; COPY of the same rows {result['copy']['median_ms']} ms, "
        f"x{result['fan_out_over_copy']}); {result['emails_sent']} e-mails in {result['email_phase_ms']} ms; "
        f"worker peak RSS {memory.get('peak')} MB"
    )
    return result


def webhook_run(
    *,
    publisher: Publisher,
    plan: Any,
    receiver: Any,
    smtp_port: int,
    endpoints: int,
    pool: str,
    concurrency: int,
    progress: Progress,
) -> dict[str, Any]:
    """Publish the webhook plan to `endpoints` receivers on loopback; time until every delivery is sent."""
    from django.db.models import Max, Min

    from notifications.models import Channel, Delivery, DeliveryStatus, WebhookAttempt, WebhookEndpoint

    agencies = list(plan.shares.values_list("agency_id", flat=True))
    WebhookEndpoint.objects.filter(agency_id__in=agencies).delete()
    WebhookEndpoint.objects.bulk_create(
        WebhookEndpoint(agency_id=agencies[i % len(agencies)], url=receiver.url(i), events=["version.published"])
        for i in range(endpoints)
    )
    received_before = receiver.received.count
    mail_env = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_port)}
    with Worker(pool=pool, concurrency=concurrency, env=mail_env) as worker:
        publish_ms, started, event = publisher.publish(plan)
        hooks = Delivery.objects.filter(event=event, channel=Channel.WEBHOOK)
        _wait_for(lambda: hooks.exists(), "the webhook deliveries")
        done_at, _ = _wait_for(lambda: not hooks.filter(status=DeliveryStatus.PENDING).exists(), "every webhook")
        memory = worker.memory_mb()
    attempts = WebhookAttempt.objects.filter(delivery__event=event).aggregate(first=Min("attempted_at"))
    sent = hooks.filter(status=DeliveryStatus.SENT).aggregate(last=Max("sent_at"))
    phase = _db_span_ms(attempts["first"], sent["last"])
    result = {
        "endpoints": endpoints,
        "pool": pool,
        "concurrency": concurrency,
        "publish_ms": round(publish_ms, 1),
        "sent": hooks.filter(status=DeliveryStatus.SENT).count(),
        "received": receiver.received.count - received_before,
        "publish_to_all_delivered_ms": round((done_at - started) * 1000, 1),
        "delivery_phase_ms": phase,
        "deliveries_per_second": round(endpoints / (phase / 1000), 1) if phase else None,
        "worker_peak_rss_mb": memory.get("peak"),
    }
    progress(
        f"[webhooks] {endpoints} endpoints, {pool} x{concurrency}: all delivered "
        f"{result['publish_to_all_delivered_ms']} ms after the publish (delivery phase {phase} ms, "
        f"{result['deliveries_per_second']}/s); {result['received']} received"
    )
    return result


def measure_fan_out(*, webhooks: int, progress: Progress = print) -> dict[str, Any]:
    """Every alerting measurement for the generated data set in the default database."""
    from bench.sinks import SmtpSink, WebhookReceiver
    from plans.models import Plan
    from portal.celery import app

    app.control.purge()
    publisher = Publisher()
    hot = sorted(Plan.objects.filter(title__startswith=HOT_PLAN_TITLE.split("{")[0]), key=lambda p: p.shares.count())
    cold = Plan.objects.get(title=COLD_PLAN_TITLE)
    hook_plan = Plan.objects.get(title=WEBHOOK_PLAN_TITLE)
    result: dict[str, Any] = {
        "publish_latency": publish_latency(publisher=publisher, plans=[cold, *hot], progress=progress)
    }
    with SmtpSink() as sink, WebhookReceiver() as receiver:
        result["fan_out"] = [
            fan_out_run(
                publisher=publisher, plan=plan, smtp_port=sink.port, received_mail=sink.received, progress=progress
            )
            for plan in hot
        ]
        result["webhooks"] = [
            webhook_run(publisher=publisher, plan=hook_plan, receiver=receiver, smtp_port=sink.port, endpoints=webhooks,
                        pool=pool, concurrency=concurrency, progress=progress)
            for pool, concurrency in (("solo", 1), ("threads", 8))
        ]  # fmt: skip
    return result

"""Alert throughput: webhook deliveries a second to 500 receivers and e-mails a second to an SMTP sink, through a
real Celery worker, against the floor of the same clients posting the same messages without Celery.

    .venv/bin/python -m bench.alert_throughput            # what `make bench-alerts` runs (small scale, ~3 min)
    .venv/bin/python -m bench.alert_throughput --reuse    # keep the generated database

Uses its own database (BENCH_DATABASE_URL, default concord_bench_alerts, dropped and generated at small scale
unless --reuse) and Redis (BENCH_REDIS_URL, default db 5). Webhooks: `--endpoints` endpoints (500) registered for
the webhook plan's agencies, all on one HTTP/1.1 receiver on 127.0.0.1 (a shared receiver: distinct paths, one
host) that answers 200 at once and counts requests and TCP connections; one publish of that plan, with a fresh
worker per variant: one connection per delivery (WEBHOOK_CONNECTION_REUSE=false, as before) and kept-alive
connections (the default), each with a solo worker and with a threads pool of 8 (as docker-compose runs the
webhooks queue). The floor: urllib3 posting the same signed bodies, with the same headers, to the same URLs over
kept-alive connections, in 1 and in 8 threads. E-mail: the hot plan's event given an immediate e-mail delivery
for every person it reached, sent by one `send_event_emails` task on a solo worker to an aiosmtpd sink; the floor
is smtplib sending the same rendered messages over one connection. Every wait is a bounded poll.
"""

import argparse
import json
import multiprocessing
import os
import smtplib
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.django_env import ROOT

Progress = Callable[[str], None]
RESULTS = ROOT / "bench" / "results"  # figures in results/alerts/ (bench/report.py reads only results/*.json)
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/concord_bench_alerts"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/5"
WAIT_LIMIT_SECONDS = 300
VARIANTS = (("solo", 1), ("threads", 8))


def _progress(line: str) -> None:
    print(line, flush=True)


def _wait_for(condition: Callable[[], bool], what: str) -> float:
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"Gave up waiting for {what} after {WAIT_LIMIT_SECONDS} s.")
        time.sleep(0.01)
    return time.perf_counter()


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process (all its threads) has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _worker_env(**extra: str) -> dict[str, str]:
    """The worker's database and broker are this process's (the test database too, in the smoke test)."""
    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    database = f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {"DATABASE_URL": database, "REDIS_URL": settings.REDIS_URL, **extra}


def _database_sessions() -> int:
    """Sessions ever opened on this database (PostgreSQL 14+ counts them): the worker's connections per task."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _per_second(count: int, seconds: float | None) -> float | None:
    return round(count / seconds, 1) if seconds else None


def publish(plan: Any, actor: Any) -> Any:
    """Publish a changed version of `plan` through the service (its fan-out goes to Redis after the commit)."""
    from bench.drafts import changed_draft
    from notifications.models import EventType, OutboxEvent
    from plans import services

    draft = changed_draft(plan=plan, actor=actor, summary="Bench", note="Reviewed in the alert benchmark")
    services.plan_version_publish(version=draft, actor=actor)
    plan.refresh_from_db()
    return OutboxEvent.objects.filter(plan=plan, event_type=EventType.VERSION_PUBLISHED).latest("id")


def register_endpoints(plan: Any, receiver: Any, count: int) -> None:
    from notifications.models import WebhookEndpoint

    agencies = list(plan.shares.values_list("agency_id", flat=True))
    WebhookEndpoint.objects.filter(agency_id__in=agencies).delete()
    WebhookEndpoint.objects.bulk_create(
        WebhookEndpoint(agency_id=agencies[i % len(agencies)], url=receiver.url(i), events=["version.published"])
        for i in range(count)
    )


def webhook_worker_run(
    *, plan: Any, actor: Any, receiver: Any, smtp_port: int, reuse: bool, pool: str, concurrency: int
) -> dict[str, Any]:
    """One publish of the webhook plan with a fresh worker; every delivery sent, timed, connections counted."""
    from django.db.models import Max, Min

    from bench.fanout import Worker
    from notifications.models import Channel, Delivery, DeliveryStatus, WebhookAttempt

    env = _worker_env(
        EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_port), WEBHOOK_CONNECTION_REUSE="true" if reuse else "false"
    )
    with Worker(pool=pool, concurrency=concurrency, env=env) as worker:
        if worker.process is None:
            raise RuntimeError("The worker did not start.")
        requests, connections = receiver.requests.count, receiver.connections.count
        cpu, sessions = _cpu_seconds(worker.process.pid), _database_sessions()
        started = time.perf_counter()
        event = publish(plan, actor)
        hooks = Delivery.objects.filter(event=event, channel=Channel.WEBHOOK)
        _wait_for(hooks.exists, "the webhook deliveries")
        done = _wait_for(lambda: not hooks.filter(status=DeliveryStatus.PENDING).exists(), "every webhook")
        cpu = _cpu_seconds(worker.process.pid) - cpu
        sessions = _database_sessions() - sessions
    first = WebhookAttempt.objects.filter(delivery__event=event).aggregate(at=Min("attempted_at"))["at"]
    last = hooks.filter(status=DeliveryStatus.SENT).aggregate(at=Max("sent_at"))["at"]
    phase = (last - first).total_seconds() if first and last else None
    sent = hooks.filter(status=DeliveryStatus.SENT).count()
    return {
        "event": event.pk,
        "connection_reuse": reuse,
        "pool": pool,
        "concurrency": concurrency,
        "deliveries": hooks.count(),
        "sent": sent,
        "received": receiver.requests.count - requests,
        "connections": receiver.connections.count - connections,
        "publish_to_all_delivered_ms": round((done - started) * 1000),
        "delivery_phase_ms": round(phase * 1000) if phase else None,
        "deliveries_per_second": _per_second(sent, phase),
        # The worker's CPU over the whole publish (its fan-out and e-mails too, the same in every variant).
        "worker_cpu_ms_per_delivery": round(cpu * 1000 / sent, 2) if sent else None,
        # PostgreSQL sessions opened meanwhile (the bench's own polling holds one; a worker thread opens one per task).
        "database_sessions": sessions,
    }


def signed_requests(event_id: int) -> list[tuple[str, bytes, dict[str, str]]]:
    """(URL, body, headers) of each webhook delivery of the event, signed as notifications/channels/webhooks.py
    signs them (same body, same Standard Webhooks headers, same Host, Content-Type and User-Agent)."""
    from standardwebhooks import Webhook

    from notifications.channels.webhook_targets import USER_AGENT
    from notifications.channels.webhooks import webhook_message
    from notifications.models import Channel, Delivery, OutboxEvent

    event = OutboxEvent.objects.get(pk=event_id)
    text = json.dumps(webhook_message(event), separators=(",", ":"))
    requests = []
    hooks = Delivery.objects.filter(event=event, channel=Channel.WEBHOOK).exclude(endpoint=None)
    for delivery in hooks.select_related("endpoint"):
        if delivery.endpoint is None:
            continue
        timestamp = int(time.time())
        signature = Webhook(delivery.endpoint.secret).sign(
            delivery.message_id, datetime.fromtimestamp(timestamp, tz=UTC), text
        )
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "webhook-id": delivery.message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature,
        }
        requests.append((delivery.endpoint.url, text.encode(), headers))
    return requests


def _post_all(requests: list[tuple[str, bytes, dict[str, str]]], port: int, threads: int) -> dict[str, Any]:
    """POST every request over kept-alive urllib3 connections in `threads` threads (run in a child process)."""
    import urllib3

    client = urllib3.HTTPConnectionPool("127.0.0.1", port, maxsize=threads, retries=False)
    statuses: list[int] = []
    cpu: list[float] = []
    lock = threading.Lock()

    def post(part: list[tuple[str, bytes, dict[str, str]]]) -> None:
        started = time.thread_time()
        for url, body, headers in part:
            status = client.urlopen("POST", url.split(str(port), 1)[1], body=body, headers=headers).status
            with lock:
                statuses.append(status)
        with lock:
            cpu.append(time.thread_time() - started)

    workers = [threading.Thread(target=post, args=(requests[n::threads],)) for n in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=WAIT_LIMIT_SECONDS)
    seconds = time.perf_counter() - started
    client.close()
    return {"ok": sum(1 for status in statuses if status == 200), "seconds": seconds, "cpu": sum(cpu)}


def webhook_floor(*, requests: list[tuple[str, bytes, dict[str, str]]], receiver: Any, threads: int) -> dict[str, Any]:
    """urllib3 posting the same requests over kept-alive connections in `threads` threads: no Celery, no database.

    The client runs in a process of its own, as the worker does: in this process it would wait for the receiver's
    threads to get the interpreter lock on every request."""
    with multiprocessing.get_context("fork").Pool(1) as pool:
        connections = receiver.connections.count
        posted = pool.apply(_post_all, (requests, receiver.port, threads))
    ok, seconds = posted["ok"], posted["seconds"]
    return {
        "threads": threads,
        "sent": ok,
        "connections": receiver.connections.count - connections,
        "ms": round(seconds * 1000),
        "deliveries_per_second": _per_second(ok, seconds),
        "client_cpu_ms_per_delivery": round(posted["cpu"] * 1000 / ok, 2) if ok else None,
    }


def _post_through_the_channel(requests: list[tuple[str, bytes, dict[str, str]]], reuse: bool) -> dict[str, float]:
    """Resolve, check and POST each request with the channel's own code (run in a child process)."""
    from django.conf import settings

    from notifications.channels.webhook_pools import POOLS
    from notifications.channels.webhook_targets import webhook_post, webhook_target_resolve

    settings.WEBHOOK_CONNECTION_REUSE = reuse
    POOLS.clear()
    ok = 0
    started, cpu = time.perf_counter(), time.process_time()
    for url, body, headers in requests:
        ok += webhook_post(target=webhook_target_resolve(url), body=body, headers=headers).status == 200
    return {"ok": ok, "seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu}


def webhook_channel_client(
    *, requests: list[tuple[str, bytes, dict[str, str]]], receiver: Any, reuse: bool
) -> dict[str, Any]:
    """The channel's HTTP part alone (webhook_target_resolve and webhook_post, one thread, no Celery, no database):
    what connection reuse changes, without the rest of a delivery around it."""
    with multiprocessing.get_context("fork").Pool(1) as pool:
        connections = receiver.connections.count
        posted = pool.apply(_post_through_the_channel, (requests, reuse))
    ok, seconds = posted["ok"], posted["seconds"]
    return {
        "connection_reuse": reuse,
        "sent": ok,
        "connections": receiver.connections.count - connections,
        "ms": round(seconds * 1000),
        "deliveries_per_second": _per_second(ok, seconds),
        "client_cpu_ms_per_delivery": round(posted["cpu"] * 1000 / ok, 2) if ok else None,
    }


def _hot_event_with_everyone_mailed(*, plan: Any, actor: Any) -> tuple[Any, int]:
    """Publish the hot plan (a worker running), then give every person it reached an immediate e-mail delivery."""
    from notifications.models import Channel, Delivery, DeliveryStatus, Notification, OutboxEvent

    event = publish(plan, actor)
    _wait_for(lambda: OutboxEvent.objects.filter(pk=event.pk, dispatched_at__isnull=False).exists(), "the fan-out")
    emails = Delivery.objects.filter(event=event, channel=Channel.EMAIL)
    _wait_for(lambda: not emails.filter(status=DeliveryStatus.PENDING).exists(), "the fan-out's own e-mails")
    mailed = set(emails.values_list("user_id", flat=True))
    people = Notification.objects.filter(event=event).exclude(user_id__in=mailed).values_list("user_id", flat=True)
    Delivery.objects.bulk_create(Delivery(event=event, channel=Channel.EMAIL, user_id=user) for user in people)
    return event, emails.filter(status=DeliveryStatus.PENDING).count()


def email_worker_run(*, plan: Any, actor: Any, sink: Any) -> dict[str, Any]:
    """One `send_event_emails` task on a solo worker for every pending e-mail of the hot plan's event."""
    from django.db.models import Max

    from bench.fanout import Worker
    from notifications.models import Channel, Delivery, DeliveryStatus
    from notifications.tasks import send_event_emails

    with Worker(env=_worker_env(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(sink.port))):
        event, pending = _hot_event_with_everyone_mailed(plan=plan, actor=actor)
        emails = Delivery.objects.filter(event=event, channel=Channel.EMAIL)
        messages, sessions = sink.messages.count, sink.sessions
        started, started_at = time.perf_counter(), datetime.now(UTC)
        send_event_emails.delay(event.pk)
        done = _wait_for(lambda: not emails.filter(status=DeliveryStatus.PENDING).exists(), "every e-mail")
    last = emails.aggregate(at=Max("sent_at"))["at"]
    sent = emails.filter(status=DeliveryStatus.SENT, sent_at__gte=started_at).count()
    return {
        "event": event.pk,
        "emails": pending,
        "sent": sent,
        "received": sink.messages.count - messages,
        "smtp_sessions": sink.sessions - sessions,
        "enqueue_to_all_sent_ms": round((done - started) * 1000),
        "enqueue_to_last_sent_ms": round((last - started_at).total_seconds() * 1000) if last else None,
        "emails_per_second": _per_second(sent, (last - started_at).total_seconds() if last else None),
    }


def email_floor(*, event_id: int, sink: Any) -> dict[str, Any]:
    """smtplib sending the same messages (rendered as the channel renders them, untimed) over one connection."""
    from django.conf import settings

    from notifications.channels.email import _immediate_mail
    from notifications.channels.email_content import mentioned_agency_names
    from notifications.models import Channel, Delivery

    deliveries = list(
        Delivery.objects.filter(event_id=event_id, channel=Channel.EMAIL).select_related(
            "user", "event", "event__plan", "event__plan__owner_agency"
        )
    )
    names = mentioned_agency_names(d.event for d in deliveries)
    messages = [_immediate_mail([d], names).message() for d in deliveries]
    received, sessions = sink.messages.count, sink.sessions
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
        for message in messages:
            smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [message["To"]], message.as_bytes(linesep="\r\n"))
    seconds = time.perf_counter() - started
    return {
        "emails": len(messages),
        "received": sink.messages.count - received,
        "smtp_sessions": sink.sessions - sessions,
        "ms": round(seconds * 1000),
        "emails_per_second": _per_second(len(messages), seconds),
    }


def measure_alert_throughput(*, endpoints: int, variants: tuple[tuple[str, int], ...], progress: Progress) -> dict:
    """Every figure of this benchmark on the generated data in the default database."""
    from django.contrib.auth import get_user_model

    from bench.alert_sinks import CountingReceiver, CountingSmtpSink
    from bench.scales import HOT_PLAN_TITLE, PUBLISHER_USERNAME, WEBHOOK_PLAN_TITLE
    from plans.models import Plan
    from portal.celery import app

    app.control.purge()
    actor = get_user_model().objects.get(username=PUBLISHER_USERNAME)
    hook_plan = Plan.objects.get(title=WEBHOOK_PLAN_TITLE)
    hot = Plan.objects.filter(title__startswith=HOT_PLAN_TITLE.split("{")[0]).order_by("id").first()
    result: dict[str, Any] = {"endpoints": endpoints, "webhooks": [], "webhook_floor": []}
    with CountingReceiver() as receiver, CountingSmtpSink() as sink:
        register_endpoints(hook_plan, receiver, endpoints)
        for number, (pool, concurrency) in enumerate(variants):
            # Alternate which goes first: the machine's load drifts during a run.
            for reuse in (False, True) if number % 2 == 0 else (True, False):
                run = webhook_worker_run(
                    plan=hook_plan, actor=actor, receiver=receiver, smtp_port=sink.port,
                    reuse=reuse, pool=pool, concurrency=concurrency,
                )  # fmt: skip
                result["webhooks"].append(run)
                progress(
                    f"[webhooks] {pool} x{concurrency}, {'kept-alive' if reuse else 'one connection per delivery'}: "
                    f"{run['sent']}/{run['deliveries']} sent, {run['deliveries_per_second']}/s "
                    f"(phase {run['delivery_phase_ms']} ms), {run['connections']} TCP connections"
                )
        requests = signed_requests(result["webhooks"][-1]["event"])
        for threads in sorted({concurrency for _, concurrency in variants}):
            floor = webhook_floor(requests=requests, receiver=receiver, threads=threads)
            result["webhook_floor"].append(floor)
            progress(
                f"[webhooks] floor, urllib3 in {threads} thread(s): {floor['sent']} sent, "
                f"{floor['deliveries_per_second']}/s, {floor['connections']} TCP connections"
            )
        result["webhook_channel_client"] = []
        for reuse in (False, True):
            client = webhook_channel_client(requests=requests, receiver=receiver, reuse=reuse)
            result["webhook_channel_client"].append(client)
            progress(
                f"[webhooks] the channel's HTTP part alone, {'kept-alive' if reuse else 'one connection per post'}: "
                f"{client['deliveries_per_second']}/s, {client['client_cpu_ms_per_delivery']} ms CPU per post, "
                f"{client['connections']} TCP connections"
            )
        if hot is not None:
            result["email"] = email_worker_run(plan=hot, actor=actor, sink=sink)
            progress(
                f"[e-mail] worker: {result['email']['sent']}/{result['email']['emails']} sent, "
                f"{result['email']['emails_per_second']}/s, {result['email']['smtp_sessions']} SMTP sessions"
            )
            result["email_floor"] = email_floor(event_id=result["email"]["event"], sink=sink)
            progress(
                f"[e-mail] floor, smtplib: {result['email_floor']['emails']} sent, "
                f"{result['email_floor']['emails_per_second']}/s"
            )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="small", help="data set to generate (bench/scales.py)")
    parser.add_argument("--reuse", action="store_true", help="keep the database if it is already generated")
    parser.add_argument("--endpoints", type=int, default=500)
    parser.add_argument("--out", default=str(RESULTS / "alerts" / "throughput.json"))
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    from bench.run import _machine, _recreate_database, generate_step

    if not args.reuse:
        _recreate_database(os.environ["DATABASE_URL"])
    from bench.django_env import setup

    setup()
    started = time.perf_counter()
    result: dict[str, Any] = {"scale": args.scale, "machine": _machine(), "load_average_start": os.getloadavg()}
    result["generation"] = generate_step(args.scale, args.reuse)
    result.update(measure_alert_throughput(endpoints=args.endpoints, variants=VARIANTS, progress=_progress))
    result["load_average_end"] = os.getloadavg()
    result["seconds"] = round(time.perf_counter() - started, 1)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(f"[alerts] done in {result['seconds']:.0f} s; figures in {args.out}", flush=True)


if __name__ == "__main__":
    main()

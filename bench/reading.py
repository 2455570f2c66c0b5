"""Required reading at scale: the nightly sync, the reminders for every person, and the compliance reads.

    .venv/bin/python -m bench.reading --scale state     # on the database `make bench SCALE=state` generated

Adds the reading data (bench/generate_reading.py) to the generated bench database of that scale (once: a
second run reuses it), then measures in this one process (one worker's worth of work):

- the reminders: every open obligation made due (half overdue, half due in 2 days), then the overdue and
  due-soon stages (one event per person, their items marked), the same again (nothing to do), and the
  weekly escalation; the fan-out of a sample of those events, per event (in the worker's batches, and a
  few by the generic per-event path to compare);
- the ORM reads the compliance view and the queue are built on: per-plan counts for the department (from
  the summary, and by counting the obligations), one person's open items (median of N, query count);
- the pages and API (`/to-read/`, `/agencies/<id>/reading/compliance/`, `/api/v1/me/to-read/`,
  `/api/v1/agencies/<id>/reading-compliance/`) when those URLs resolve, "not built" otherwise; each page
  against its HTML floor twice: the floor in a block after the page's (`ratio_to_floor`, wall), and the
  page and floor requested in turn (`alternated`: wall and process-CPU medians and ratios, as
  bench/page_ratio.py measures).

Figures go to bench/results/reading-<scale>.json.

Every run makes every open obligation due again and runs the reminders for all of them (a few minutes at state
scale), so that each run measures the same worst day. To measure the pages again once the data exists, use
`bench/reading_pages.py` instead: the same reads (`measure_reads`, each page's HTML floor in the same minute)
without the reminders, in about a minute. (After the reminders the due dates are shared: a database that never
had them has one due date per person, the summary one row per obligation, and a much slower compliance page.)
"""

import argparse
import json
import os
import resource
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.django_env import ROOT

RESULTS = ROOT / "bench" / "results"
Progress = Callable[[str], None]
# Per scale: (department people, department plans, requirements per other agency).
# Reminder events fanned out one by one by the generic path, to compare with the batches.
SINGLE_SAMPLE = 200
SIZES = {"tiny": (50, 10, 2), "small": (2_000, 200, 3), "medium": (2_000, 200, 3), "state": (2_000, 200, 3)}


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _timed(function: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


def _make_everything_due(now: Any) -> dict[str, int]:
    """Half of every open obligation overdue since yesterday, the other half due in 2 days; marks cleared."""
    from django.db import connection
    from psycopg import sql

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reading_readingobligation SET acknowledged_at = NULL, "
            "due_at = CASE WHEN plan_id %% 2 = 0 THEN %s ELSE %s END",
            [now - timedelta(days=1), now + timedelta(days=2)],
        )
        cursor.execute("TRUNCATE reading_readingreminder")
        # A previous run's events, with what its fan-out sample made of them (so the bench runs again).
        for table in ("notifications_delivery", "notifications_notification"):
            cursor.execute(
                sql.SQL(
                    "DELETE FROM {} WHERE event_id IN (SELECT id FROM notifications_outboxevent "
                    "WHERE event_type LIKE 'reading.%%')"
                ).format(sql.Identifier(table))
            )
        cursor.execute("DELETE FROM notifications_outboxevent WHERE event_type LIKE 'reading.%%'")
        cursor.execute("ANALYZE reading_readingobligation")
        # The UPDATE above (the bench's, not the product's) rewrote each summary row many times: vacuum it as
        # autovacuum would within a minute (15,000 rows), so the reads don't measure the bench's own bloat.
        # (The smoke test runs inside a transaction, where VACUUM cannot: there it is only analysed.)
        cursor.execute(("" if connection.in_atomic_block else "VACUUM ") + "ANALYZE reading_readingsummary")
        cursor.execute("SELECT count(DISTINCT user_id), count(*) FROM reading_readingobligation")
        people, obligations = cursor.fetchone()
    return {"people": people, "obligations": obligations}


def measure_reminders(*, fan_out_sample: int, progress: Progress) -> dict[str, Any]:
    from django.utils import timezone

    from notifications.fan_out_batch import outbox_events_fan_out
    from notifications.models import OutboxEvent
    from notifications.services import outbox_event_fan_out
    from portal.celery import app as celery_app
    from reading.reminders import HANDOFF_BATCH, reading_escalations_record, reading_reminders_record_stage

    now = timezone.now()
    owed = _make_everything_due(now)
    progress(f"[reading] reminders for {owed['people']:,} people, {owed['obligations']:,} open obligations…")
    result: dict[str, Any] = {"owed": owed, "stages": []}
    for label, run in (
        ("overdue", lambda: reading_reminders_record_stage(stage="overdue", now=now)),
        ("due soon", lambda: reading_reminders_record_stage(stage="due_soon", now=now)),
        ("overdue, again", lambda: reading_reminders_record_stage(stage="overdue", now=now)),
        ("due soon, again", lambda: reading_reminders_record_stage(stage="due_soon", now=now)),
        ("weekly escalation", lambda: reading_escalations_record(now=now)),
        ("weekly escalation, again", lambda: reading_escalations_record(now=now)),
    ):
        recorded, seconds = _timed(run)
        result["stages"].append(
            {"stage": label, "events": recorded.events, "obligations": recorded.obligations, "ms": _ms(seconds)}
        )
        progress(f"[reading]   {label}: {recorded.events:,} events, {recorded.obligations:,} marked, {seconds:.2f} s")
    celery_app.control.purge()  # the hand-offs went to Redis with no worker; the sample is fanned out here
    sample = list(
        OutboxEvent.objects.filter(event_type__startswith="reading.", dispatched_at__isnull=True)
        .order_by("id")
        .values_list("pk", flat=True)[:fan_out_sample]
    )
    # The generic per-event path on a few, for comparison; the rest as the worker takes them, in hand-off batches.
    # (At most half of a small sample, so both paths are measured.)
    single_count = min(SINGLE_SAMPLE, len(sample) // 2)
    single, batched = sample[:single_count], sample[single_count:]
    _, single_seconds = _timed(lambda: [outbox_event_fan_out(event_id=pk) for pk in single])
    batches = [batched[i : i + HANDOFF_BATCH] for i in range(0, len(batched), HANDOFF_BATCH)]
    _, seconds = _timed(lambda: [outbox_events_fan_out(event_ids=batch) for batch in batches])
    per_event = seconds / max(1, len(batched))
    events = sum(stage["events"] for stage in result["stages"])
    result["fan_out"] = {
        "sample": len(batched),
        "batch": HANDOFF_BATCH,
        "ms_total": _ms(seconds),
        "ms_per_event": round(per_event * 1000, 2),
        "all_events": events,
        "seconds_all_events_one_process": round(per_event * events, 1),
        "per_event_path": {
            "sample": len(single),
            "ms_per_event": round(single_seconds * 1000 / max(1, len(single)), 2),
        },
    }
    progress(
        f"[reading]   fan-out: {len(batched):,} events in batches of {HANDOFF_BATCH} in {seconds:.2f} s "
        f"({per_event * 1000:.2f} ms each); per-event path {result['fan_out']['per_event_path']['ms_per_event']} ms"
    )
    return result


def _alternated_ms(page: Callable[[], Any], floor: Callable[[], Any], rounds: int) -> dict[str, float]:
    """Median wall and process-CPU ms of a page and of its floor, requested in turn (as bench/page_ratio.py does):
    a busy moment of a shared machine, or a cache the page leaves cold, falls on both alike."""
    page()
    floor()
    timings: dict[str, list[tuple[float, float]]] = {"page": [], "floor": []}
    for _ in range(rounds):
        for name, function in (("page", page), ("floor", floor)):
            wall, cpu = time.perf_counter(), time.process_time()
            function()
            timings[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    result = {}
    for name, pairs in timings.items():
        result[f"{name}_ms"] = _ms(statistics.median(wall for wall, _ in pairs))
        result[f"{name}_cpu_ms"] = _ms(statistics.median(cpu for _, cpu in pairs))
    return result


def _median_ms(function: Callable[[], Any], rounds: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    function()
    timings = []
    for _ in range(rounds):
        _, seconds = _timed(function)
        timings.append(seconds)
    with CaptureQueriesContext(connection) as queries:
        function()
    return _ms(statistics.median(timings)), len(queries)


_DISAGREEMENTS_SQL = """
WITH counted AS (
    SELECT agency_id, plan_id, version_id, due_at, count(*)::int AS people,
        (count(*) FILTER (WHERE acknowledged_at IS NULL))::int AS unread
    FROM reading_readingobligation GROUP BY 1, 2, 3, 4
),
summed AS (SELECT agency_id, plan_id, version_id, due_at, people, unread FROM reading_readingsummary)
SELECT (SELECT count(*) FROM (SELECT * FROM counted EXCEPT SELECT * FROM summed) a)
     + (SELECT count(*) FROM (SELECT * FROM summed EXCEPT SELECT * FROM counted) b),
    (SELECT count(*) FROM reading_readingsummary)
"""


def summary_check(progress: Progress) -> dict[str, int]:
    """After everything the bench wrote (the sync, the raw UPDATE of the due dates): does the summary agree?"""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_DISAGREEMENTS_SQL)
        disagreements, rows = cursor.fetchone()
    progress(f"[reading]   summary: {rows:,} rows, {disagreements} disagreeing with the obligations")
    return {"summary_rows": rows, "disagreements": disagreements}


def measure_reads(*, department_id: int, rounds: int, progress: Progress) -> list[dict[str, Any]]:
    """The ORM aggregates under the compliance view and the queue, then the pages if they exist."""
    from django.db.models import Count, Q
    from django.urls import Resolver404, resolve
    from django.utils import timezone

    from agencies.models import Membership
    from bench import views as bench_views
    from bench.clients import HOST, token_client
    from reading.models import ReadingObligation
    from reading.selectors_compliance import plan_counts_summed

    now = timezone.now()
    open_ = Q(acknowledged_at__isnull=True)
    rows = ReadingObligation.objects.filter(agency_id=department_id)
    person = rows.filter(open_).values_list("user_id", flat=True).order_by("user_id").first()
    admin = Membership.objects.filter(agency_id=department_id, role="admin").values_list("user_id", flat=True)[0]

    def per_plan() -> list[dict[str, Any]]:
        return list(
            rows.values("plan_id")
            .annotate(
                required=Count("id"),
                read=Count("id", filter=Q(acknowledged_at__isnull=False)),
                overdue=Count("id", filter=open_ & Q(due_at__lt=now)),
                due=Count("id", filter=open_ & Q(due_at__gte=now)),
            )
            .order_by("plan_id")
        )

    def queue() -> list[Any]:
        return list(
            ReadingObligation.objects.filter(open_, user_id=person)
            .select_related("plan", "version")
            .order_by("due_at", "id")[:50]
        )

    def per_plan_summed() -> list[dict[str, Any]]:
        return list(plan_counts_summed(agency_id=department_id, now=now).order_by("plan_id"))

    figures = []
    for name, function in (
        (f"ORM: per-plan counts, one agency ({len(per_plan())} plans), counting the obligations", per_plan),
        (f"ORM: per-plan counts, one agency ({len(per_plan_summed())} plans), from the summary", per_plan_summed),
        (f"ORM: one person's open items ({len(queue())})", queue),
    ):
        median, queries = _median_ms(function, rounds)
        figures.append({"name": name, "median_ms": median, "queries": queries, "status": "measured"})
        progress(f"[reading]   {name}: {median} ms, {queries} queries")
    from django.contrib.auth import get_user_model
    from django.test import Client

    users = get_user_model().objects
    pages = (
        ("page: /to-read/ (one person)", "/to-read/", person, True),
        ("page: compliance (department admin)", f"/agencies/{department_id}/reading/compliance/", admin, True),
        ("API: /api/v1/me/to-read/", "/api/v1/me/to-read/", person, False),
        ("API: reading-compliance (admin)", f"/api/v1/agencies/{department_id}/reading-compliance/", admin, False),
    )
    for name, url, user_id, session in pages:
        try:
            resolve(url)
        except Resolver404:
            figures.append({"name": name, "url": url, "status": "not built"})
            progress(f"[reading]   {name}: not built")
            continue
        user = users.get(pk=user_id)
        if session:
            client = Client(HTTP_HOST=HOST)
            client.force_login(user)
        else:
            client = token_client(user)
        response = client.get(url)
        median, queries = _median_ms(lambda client=client, url=url: client.get(url), rounds)
        figure = {"name": name, "url": url, "status": response.status_code, "median_ms": median, "queries": queries}
        if session:
            # The HTML floor of this page, in the same moment: its own bytes as a constant page behind the
            # same sign-in and middleware (bench/views.py), so the ratio holds even on a loaded machine. First
            # in a block of its own (as before), then requested in turn with the page, wall and process CPU:
            # alone, the floor runs with warm caches and read 35-45% less than in turn with the page.
            bench_views.FLOOR_HTML = response.content
            floor, _ = _median_ms(lambda client=client: client.get("/bench/html-floor/"), rounds)
            figure.update(floor_ms=floor, ratio_to_floor=round(median / floor, 1), bytes=len(response.content))
            alternated = _alternated_ms(
                lambda client=client, url=url: client.get(url),
                lambda client=client: client.get("/bench/html-floor/"),
                rounds,
            )
            alternated["ratio"] = round(alternated["page_ms"] / alternated["floor_ms"], 1)
            alternated["cpu_ratio"] = round(alternated["page_cpu_ms"] / alternated["floor_cpu_ms"], 1)
            figure["alternated"] = alternated
        figures.append(figure)
        extra = (
            f" (HTML floor {figure['floor_ms']} ms: {figure['ratio_to_floor']}x; in turn with the floor: "
            f"wall {figure['alternated']['ratio']}x, CPU {figure['alternated']['cpu_ratio']}x)"
            if session
            else ""
        )
        progress(f"[reading]   {name}: HTTP {response.status_code}, {median} ms, {queries} queries{extra}")
    return figures


def measure_reading(*, scale: str, rounds: int, fan_out_sample: int, progress: Progress) -> dict[str, Any]:
    """Generate the reading data if absent, then every reading measurement (see the module docstring)."""
    from agencies.models import Agency
    from bench.generate_reading import DEPARTMENT_SLUG, generate_reading

    people, plans, per_agency = SIZES[scale]
    result: dict[str, Any] = {"scale": scale}
    department = Agency.objects.filter(slug=DEPARTMENT_SLUG).first()
    if department is None:
        data = generate_reading(
            department_people=people, department_plans=plans, per_agency=per_agency, progress=progress
        )
        result["generation"] = data.__dict__
        department_id = data.department_id
    else:
        progress("[reading] reusing the reading data already generated")
        department_id = department.pk
        result["generation"] = {"reused": True}
    result["reminders"] = measure_reminders(fan_out_sample=fan_out_sample, progress=progress)
    result["reads"] = measure_reads(department_id=department_id, rounds=rounds, progress=progress)
    result["summary"] = summary_check(progress)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(SIZES), default="small")
    parser.add_argument("--rounds", type=int, default=30, help="requests per read figure")
    parser.add_argument("--fan-out-sample", type=int, default=2000, help="reminder events fanned out here")
    args = parser.parse_args()
    default_database = f"postgres://postgres@127.0.0.1:5432/concord_bench_{args.scale}"
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", default_database)
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
    from bench.django_env import setup

    setup()
    started = time.perf_counter()
    result = measure_reading(scale=args.scale, rounds=args.rounds, fan_out_sample=args.fan_out_sample, progress=print)
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["load_average"] = os.getloadavg()
    RESULTS.mkdir(exist_ok=True)
    out = Path(RESULTS / f"reading-{args.scale}.json")
    out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(f"[reading] done in {result['seconds']:.0f} s; figures in {out}", flush=True)


if __name__ == "__main__":
    main()

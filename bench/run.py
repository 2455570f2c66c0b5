"""Run every benchmark at one scale and write the figures to bench/results/<scale>.json.

    .venv/bin/python -m bench.run --scale small            # what `make bench` runs
    .venv/bin/python -m bench.run --scale state --reuse    # keep an already generated database

Uses its own database (`concord_bench_<scale>`, dropped and created again unless --reuse) and Redis
db 7, whatever DATABASE_URL / REDIS_URL say (set BENCH_DATABASE_URL / BENCH_REDIS_URL to move them).
Steps: create and migrate the database, generate the data (COPY), VACUUM ANALYZE, the read path in a
separate web process (its peak RSS is that process's), then publish latency, fan-out, e-mail and
webhooks with real Celery workers, then required reading (bench/reading.py).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.django_env import ROOT, bench_environ
from bench.scales import SCALES

RESULTS = ROOT / "bench" / "results"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"


def progress(line: str) -> None:
    print(line, flush=True)


def _machine() -> dict[str, Any]:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    total_kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())  # fmt: skip
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout  # noqa: S607
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "memory_gib": round(total_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "git_commit": commit.strip(),
    }


def _recreate_database(url: str) -> None:
    """Drop and create the bench database (only databases named concord_bench…)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith("concord_bench"):
        sys.exit(f"Refusing to drop {name!r}: bench databases are named concord_bench_<something>.")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _versions() -> dict[str, str]:
    from django.conf import settings
    from django.db import connection
    from redis import Redis

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    redis_version = Redis.from_url(settings.REDIS_URL).info("server")["redis_version"]
    return {"postgresql": postgres, "redis": redis_version}


def generate_step(scale_name: str, reuse: bool) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection, transaction

    from bench.generate import generate
    from plans.models import Plan

    if reuse and Plan.objects.exists():
        progress(f"[run] reusing the generated database ({Plan.objects.count():,} plans)")
        return {"reused": True}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - started
    with transaction.atomic():
        generated = generate(scale=SCALES[scale_name], progress=progress, rebuild_indexes=True)
    vacuum_started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    generated.stages["vacuum analyze"] = time.perf_counter() - vacuum_started
    total = time.perf_counter() - started
    progress(f"[run] generated {scale_name} in {total:.1f} s (load {generated.seconds:.1f} s)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    return {
        "seconds_total": round(total, 1),
        "seconds_migrate": round(migrate_s, 1),
        "seconds_load": round(generated.seconds, 1),
        "stages": {k: round(v, 2) for k, v in generated.stages.items()},
        "counts": generated.counts,
        "database_mb": round(size / 1024 / 1024),
    }


def read_step(iterations: int, dashboard_url: str | None) -> dict[str, Any]:
    """The read path in a fresh process, so its peak RSS is the web process's own."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [sys.executable, "-m", "bench.readpath", "--iterations", str(iterations), "--out", out.name]
        if dashboard_url:
            command += ["--dashboard-url", dashboard_url]
        subprocess.run(command, cwd=ROOT, env=bench_environ(), check=True)  # noqa: S603
        return json.loads(Path(out.name).read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--reuse", action="store_true", help="keep the database if it is already generated")
    parser.add_argument("--iterations", type=int, default=200, help="rounds of read-path requests")
    parser.add_argument("--dashboard-url", help="default: the URL named 'dashboard', once the web dashboard exists")
    parser.add_argument(
        "--skip", action="append", default=[], choices=["read", "fanout", "reading"], help="leave a part out"
    )
    parser.add_argument("--out", help="results file (default bench/results/<scale>.json)")
    args = parser.parse_args()
    scale = SCALES[args.scale]
    default_database = f"postgres://postgres@127.0.0.1:5432/concord_bench_{args.scale}"
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", default_database)
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    if not args.reuse:
        _recreate_database(os.environ["DATABASE_URL"])
    from bench.django_env import setup

    setup()
    started = time.perf_counter()
    result: dict[str, Any] = {"scale": args.scale, "sizes": scale.__dict__, "machine": _machine()}
    result["machine"].update(_versions())
    result["load_average_start"] = os.getloadavg()
    result["generation"] = generate_step(args.scale, args.reuse)
    if "read" not in args.skip:
        progress("[run] read path…")
        result["read"] = read_step(args.iterations, args.dashboard_url)
    if "fanout" not in args.skip:
        from bench.fanout import measure_fan_out

        progress("[run] publish, fan-out, e-mail and webhooks…")
        result["alerts"] = measure_fan_out(webhooks=scale.webhooks, progress=progress)
    if "reading" not in args.skip:
        from bench.reading import measure_reading

        progress("[run] required reading: nightly sync, reminders, compliance reads…")
        result["reading"] = measure_reading(scale=args.scale, rounds=30, fan_out_sample=2000, progress=progress)
    result["load_average_end"] = os.getloadavg()
    result["seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.mkdir(exist_ok=True)
    out = Path(args.out) if args.out else RESULTS / f"{args.scale}.json"
    if args.reuse and out.exists():
        # Measuring one part again on the same database keeps the other parts' last figures.
        previous = json.loads(out.read_text())
        for part in ("generation", "read", "alerts", "reading"):
            if part in previous and (part not in result or result[part] == {"reused": True}):
                result[part] = previous[part]
                result.setdefault("carried_over", []).append(part)
    out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    progress(f"[run] {args.scale} done in {result['seconds']:.0f} s; figures in {out}")


if __name__ == "__main__":
    main()

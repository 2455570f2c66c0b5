"""How long Concord's migrations lock the tables they change, on a generated bench database.

    .venv/bin/python -m bench.run --scale state --skip read --skip fanout --skip reading   # generate only
    .venv/bin/python -m bench.migration_locks --scale state                                 # then measure

Each migration runs in one transaction, so an ACCESS EXCLUSIVE lock that its DDL takes on a table is held from
that statement until the commit, and every request of the version still serving that touches the table waits
that long. The tool rolls each app back to its first migration (the tables and their generated rows stay), then
applies everything again, and for each applied migration reports its duration and, per table it locked
exclusively, how long the lock was held and how many rows the table had. Only databases named concord_bench*:
rolling back drops columns, indexes and triggers and what they held.
"""

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.scales import SCALES

# Locks that block the previous version's reads (ACCESS EXCLUSIVE) or writes (SHARE, e.g. CREATE INDEX).
BLOCKING_MODES = ("AccessExclusiveLock", "ExclusiveLock", "ShareLock", "ShareRowExclusiveLock")


def _tables_locked(raw_connection: Any) -> dict[str, str]:
    """The ordinary tables this session holds a blocking lock on, with the strongest mode."""
    with raw_connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted "
            "AND c.relkind IN ('r', 'p') AND l.mode = ANY(%s)",
            [list(BLOCKING_MODES)],
        )
        held: dict[str, str] = {}
        for table, mode in cursor.fetchall():
            if table not in held or BLOCKING_MODES.index(mode) < BLOCKING_MODES.index(held[table]):
                held[table] = mode
        return held


class LockClock:
    """Notes when each table was locked inside the running migration (an execute wrapper)."""

    def __init__(self) -> None:
        self.first_locked: dict[str, tuple[float, str]] = {}

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        started = time.perf_counter()
        result = execute(sql, params, many, context)
        connection = context["connection"]
        if connection.in_atomic_block:
            for table, mode in _tables_locked(connection.connection).items():
                # The strongest lock counts, from the start of the statement that took it.
                seen = self.first_locked.get(table)
                if seen is None or BLOCKING_MODES.index(mode) < BLOCKING_MODES.index(seen[1]):
                    self.first_locked[table] = (started, mode)
        return result


def _row_counts() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relkind IN ('r', 'p')")
        return {table: max(rows, 0) for table, rows in cursor.fetchall()}


def measure(progress: Callable[[str], None] = print) -> list[dict[str, Any]]:
    """Roll every app back to its first migration, apply all again, and time each migration's locks."""
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    rows = _row_counts()
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    leaves = graph.leaf_nodes()
    local = {config.label for config in apps.get_app_configs() if not config.path.startswith(sys.prefix)}
    firsts = [
        next(node for node in graph.forwards_plan(leaf) if node[0] == leaf[0]) for leaf in leaves if leaf[0] in local
    ]
    clock = LockClock()
    started: dict[str, float] = {}
    results: list[dict[str, Any]] = []

    def callback(action: str, migration: Any = None, fake: bool = False) -> None:
        if migration is None:
            return
        name = f"{migration.app_label}.{migration.name}"
        if action in ("apply_start", "unapply_start"):
            clock.first_locked.clear()
            started[name] = time.perf_counter()
        elif action == "apply_success":
            done = time.perf_counter()
            locks = sorted(
                (
                    {"table": table, "mode": mode, "seconds": round(done - at, 3), "rows": rows.get(table, 0)}
                    for table, (at, mode) in clock.first_locked.items()
                ),
                key=lambda lock: -lock["rows"],
            )
            results.append(
                {
                    "migration": name,
                    "seconds": round(done - started[name], 3),
                    "atomic": migration.atomic,
                    "locks": locks,
                }
            )

    executor.progress_callback = callback
    progress(f"[migration_locks] rolling {len(firsts)} apps back to their first migrations…")
    rolled = time.perf_counter()
    # One app at a time: Django plans either backwards or forwards; an app whose first migration an earlier
    # step rolled back too (its tables depended on a later one; the generator leaves them empty) is done.
    for first in firsts:
        executor.loader.build_graph()
        if first in executor.loader.applied_migrations:
            executor.migrate([first])
    progress(f"[migration_locks] rolled back in {time.perf_counter() - rolled:.1f} s; applying every migration…")
    executor.loader.build_graph()
    with connection.execute_wrapper(clock):
        executor.migrate(leaves)
    return sorted(results, key=lambda result: -result["seconds"])


def report(results: list[dict[str, Any]], top: int) -> str:
    lines = ["| migration | seconds | longest lock on a table with rows |", "| --- | ---: | --- |"]
    for result in results[:top]:
        held = [lock for lock in result["locks"] if lock["rows"]]
        longest = max(held, key=lambda lock: lock["seconds"], default=None)
        lock = (
            f"{longest['table']} ({longest['rows']:,} rows): {longest['mode']} {longest['seconds']:.2f} s"
            if longest
            else "none"
        )
        lines.append(f"| {result['migration']} | {result['seconds']:.2f} | {lock} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--top", type=int, default=12, help="migrations listed (the slowest)")
    parser.add_argument("--out", help="all figures as JSON")
    args = parser.parse_args()
    default_database = f"postgres://postgres@127.0.0.1:5432/concord_bench_{args.scale}"
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", default_database)
    if not os.environ["DATABASE_URL"].rsplit("/", 1)[-1].startswith("concord_bench"):
        sys.exit("Refusing: the tool rolls migrations back, so only bench databases (concord_bench…) are allowed.")
    from bench.django_env import setup

    setup()
    from plans.models import Plan

    if not Plan.objects.exists():
        sys.exit(f"Generate the {args.scale} data first: python -m bench.run --scale {args.scale} --skip read …")
    results = measure()
    print(report(results, args.top))
    if args.out:
        with open(args.out, "w") as out:
            json.dump(results, out, indent=2)


if __name__ == "__main__":
    main()

"""What the obligations sync costs for a burst of writes: the department's obligations for 20 plans deleted and
written again by `obligations_sync`, in a transaction rolled back afterwards (the database is left as it was).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/concord_bench_state \\
      .venv/bin/python -m bench.reading_sync_cost --rounds 3

Needs the reading data (`python -m bench.reading` adds it once). The deferred triggers that replace the pages'
tokens at commit (reading.0005) are fired inside the timing (`SET CONSTRAINTS ALL IMMEDIATE`), so run from two trees
on databases with and without a migration, it shows what that migration's triggers cost the sync.
"""

import argparse
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--plans", type=int, default=20, help="the department's plans whose obligations are rewritten")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/concord_bench_state"
    )
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
    from bench.django_env import setup

    setup()
    from django.db import connection, transaction

    from agencies.models import Agency
    from bench.generate_reading import DEPARTMENT_SLUG
    from reading.models import ReadingObligation
    from reading.sync import obligations_sync

    department = Agency.objects.get(slug=DEPARTMENT_SLUG)
    obligations = ReadingObligation.objects.filter(agency_id=department.pk)
    plans = list(obligations.values_list("plan_id", flat=True).distinct().order_by("plan_id")[: args.plans])
    seconds = []
    for _ in range(args.rounds):
        with transaction.atomic():
            deleted = obligations.filter(plan_id__in=plans).delete()[0]
            started = time.perf_counter()
            result = obligations_sync(agency_ids=[department.pk], plan_ids=plans)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            seconds.append(time.perf_counter() - started)
            transaction.set_rollback(True)
        print(f"[sync] {deleted:,} deleted, {result.created:,} written again in {seconds[-1]:.2f} s", flush=True)
    print(f"[sync] median {statistics.median(seconds):.2f} s; load {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()

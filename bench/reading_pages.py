"""The reading pages and API alone (no reminders): `/to-read/` and the compliance page against their HTML floors.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/concord_bench_state \\
      .venv/bin/python -m bench.reading_pages --out bench/results/reading-pages-state.json

Needs the reading data (`python -m bench.reading` adds it once). The same figures as the "read" part of
`bench.reading` (`measure_reads`: each HTML page's floor measured in the same minute), in about a minute, so
that two trees (main's and a branch's) can be measured one after the other on the same database. Copied into
another tree's `bench/`, it measures that tree's code (it only needs `bench.reading.measure_reads`).
"""

import argparse
import json
import os
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30, help="requests per figure")
    parser.add_argument("--out", type=Path, required=True, help="where the figures go (JSON)")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/concord_bench_state"
    )
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
    from bench.django_env import setup

    setup()
    from agencies.models import Agency
    from bench.generate_reading import DEPARTMENT_SLUG
    from bench.reading import measure_reads

    department = Agency.objects.get(slug=DEPARTMENT_SLUG)
    load_before = os.getloadavg()
    reads = measure_reads(department_id=department.pk, rounds=args.rounds, progress=print)
    result = {"load_average_before": load_before, "load_average_after": os.getloadavg(), "reads": reads}
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(f"[reading] load {load_before[0]:.1f} → {os.getloadavg()[0]:.1f}; figures in {args.out}", flush=True)


if __name__ == "__main__":
    main()

"""Where the time of `/to-read/` and the compliance page goes: cProfile over the test client on a bench database.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/concord_bench_small \\
      .venv/bin/python -m bench.profile_reading_pages --requests 15

Needs the reading data (`python -m bench.reading` adds it once). Prints each page's median, then the profile
sorted by cumulative and by own time (the profiler slows Python several-fold: read the shares, not the ms).
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=15, help="requests per page, timed and then profiled")
    parser.add_argument("--lines", type=int, default=45, help="profile lines printed per ordering")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/concord_bench_small"
    )
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
    from bench.django_env import setup

    setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from agencies.models import Agency, Membership
    from bench.clients import HOST
    from bench.generate_reading import DEPARTMENT_SLUG
    from reading.models import ReadingObligation

    department = Agency.objects.get(slug=DEPARTMENT_SLUG)
    person = (
        ReadingObligation.objects.filter(agency_id=department.pk, acknowledged_at__isnull=True)
        .values_list("user_id", flat=True)
        .order_by("user_id")
        .first()
    )
    admin = Membership.objects.filter(agency_id=department.pk, role="admin").values_list("user_id", flat=True)[0]
    users = get_user_model().objects
    pages = (("to-read", "/to-read/", person), ("compliance", f"/agencies/{department.pk}/reading/compliance/", admin))
    for label, url, user_id in pages:
        client = Client(HTTP_HOST=HOST)
        client.force_login(users.get(pk=user_id))
        status = client.get(url).status_code
        if status != 200:
            raise SystemExit(f"{url} answered {status}")
        timings = []
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get(url)
            timings.append(time.perf_counter() - started)
        median = statistics.median(timings) * 1000
        print(f"{label}: median {median:.1f} ms over {args.requests} (load {os.getloadavg()[0]:.1f})")
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.requests):
            client.get(url)
        profile.disable()
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(order).print_stats(args.lines)
            print(out.getvalue())


if __name__ == "__main__":
    main()

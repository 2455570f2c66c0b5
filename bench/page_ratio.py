"""The facility page and a plan's page against the HTML floor, in-process, as the load benchmark opens them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<bench db> REDIS_URL=redis://127.0.0.1:6379/<db> \
        .venv/bin/python -m bench.page_ratio -n 40

Signed in as the generated reader with a session, it opens the facility and the 20 plans bench/load.py picks
(the plans in turn), after one warm-up pass over all of them so that every plan's section HTML is stored: the
figures are the steady state, second view onwards. Requests alternate between the pages and the HTML floor, so
all three medians come from the same minute; each line also gives the median CPU time of the process (which
waiting for a core or for PostgreSQL does not count, so it holds on a shared machine) and the queries of one request.
"""

import argparse
import os
import statistics
import time


def _pages() -> tuple[int | None, list[int]]:
    """The facility and the 20 plans bench/load.py's `prepare` picks, for the generated reader."""
    from django.contrib.auth import get_user_model

    from access.plans import plans_visible_to
    from agencies.models import Facility
    from bench.scales import DETAIL_PLAN_TITLE, READER_AGENCY_SLUG, READER_USERNAME
    from plans.models import Plan

    reader = get_user_model().objects.get(username=READER_USERNAME)
    visible = plans_visible_to(user=reader).filter(current_version__isnull=False)
    detail = Plan.objects.get(title=DETAIL_PLAN_TITLE)
    facility = (
        Facility.objects.filter(plans__in=visible).order_by("id").first()
        or Facility.objects.filter(owner_agency__slug=READER_AGENCY_SLUG).order_by("id").first()
    )
    plans = [detail.pk, *visible.exclude(pk=detail.pk).order_by("id").values_list("pk", flat=True)[:19]]
    return (facility.pk if facility else None), plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=40, help="requests per page")
    args = parser.parse_args()
    from bench.django_env import setup

    setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.clients import reader_client

    client = reader_client(session=True)
    facility, plans = _pages()
    urls: dict[str, list[str]] = {
        "HTML floor": ["/bench/html-floor/"],
        "facility page": [f"/facilities/{facility}/"],
        "plan page (20 plans in turn)": [f"/plans/{pk}/" for pk in plans],
    }
    for group in urls.values():
        for url in group:
            for _ in range(2):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)  # noqa: S101
    timings: dict[str, list[float]] = {name: [] for name in urls}
    cpu: dict[str, list[float]] = {name: [] for name in urls}
    for index in range(args.n):
        for name, group in urls.items():
            url = group[index % len(group)]
            started, used = time.perf_counter(), time.process_time()
            client.get(url)
            timings[name].append(1000 * (time.perf_counter() - started))
            cpu[name].append(1000 * (time.process_time() - used))
    floor = statistics.median(timings["HTML floor"])
    floor_cpu = statistics.median(cpu["HTML floor"])
    print(f"load average {os.getloadavg()[0]:.2f}; {args.n} requests each; medians")
    for name, group in urls.items():
        with CaptureQueriesContext(connection) as queries:
            client.get(group[0])
        median, median_cpu = statistics.median(timings[name]), statistics.median(cpu[name])
        print(
            f"{name:30} {median:6.1f} ms {median / floor:5.1f}x the HTML floor;"
            f" CPU {median_cpu:5.1f} ms {median_cpu / floor_cpu:5.1f}x; {len(queries):3d} queries"
        )


if __name__ == "__main__":
    main()

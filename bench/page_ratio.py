"""Web pages against the HTML floor, in-process and in the same minute, as the load benchmark opens them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<bench db> REDIS_URL=redis://127.0.0.1:6379/<db> \\
        .venv/bin/python -m bench.page_ratio -n 40 facility plans diff panels /plans/

Pages: "facility" (the building bench/load.py opens), "plans" (the 20 plans it opens, in turn), "diff" (the
"What changed" page of the reader's first visible plan with two versions or more), "panels" (the dashboard's
four htmx groups for the reader's agency), or any path. Signed in as the generated reader with a session. Every
page is opened twice first, so a plan's stored section HTML and stored comparisons exist: the figures are the
steady state, second view onwards. Requests alternate between the pages and the HTML floor (`/bench/html-floor/`,
a constant page through the same middleware and base template), so a busy moment on a shared machine falls on
all of them; each line gives the median wall-clock and CPU time of the process (which waiting for a core or for
PostgreSQL does not count, so it holds on a shared machine), both as ratios to the floor's, and the queries of
one request.
"""

import argparse
import os
import statistics
import time
from typing import Any

FLOOR = "HTML floor"
FLOOR_URL = "/bench/html-floor/"
PANELS = ("attention", "own-plans", "partner-plans", "side")
# The dashboard's fragments answer what htmx asks for; other pages ignore the header.
HEADERS = {"HX-Request": "true"}


def _pages(names: list[str]) -> dict[str, list[str]]:
    """Each page's name and its URLs (opened in turn), for the generated reader."""
    from django.contrib.auth import get_user_model

    from access.plans import plans_visible_to
    from agencies.models import Agency, Facility
    from bench.scales import DETAIL_PLAN_TITLE, READER_AGENCY_SLUG, READER_USERNAME
    from plans.models import Plan

    reader = get_user_model().objects.get(username=READER_USERNAME)
    visible = plans_visible_to(user=reader).filter(current_version__isnull=False)
    agency = Agency.objects.get(slug=READER_AGENCY_SLUG)
    pages: dict[str, list[str]] = {FLOOR: [FLOOR_URL]}
    for name in names:
        if name == "facility":
            facility = (
                Facility.objects.filter(plans__in=visible).order_by("id").first()
                or Facility.objects.filter(owner_agency=agency).order_by("id").first()
            )
            if facility is None:
                raise SystemExit("the reader sees no building")
            pages["facility page"] = [f"/facilities/{facility.pk}/"]
        elif name == "plans":
            detail = Plan.objects.get(title=DETAIL_PLAN_TITLE)
            others = visible.exclude(pk=detail.pk).order_by("id").values_list("pk", flat=True)[:19]
            pages["plan page (20 plans in turn)"] = [f"/plans/{pk}/" for pk in (detail.pk, *others)]
        elif name == "diff":
            compared = visible.filter(current_version__number__gte=2).order_by("id").values_list("pk", flat=True)
            pages["what changed"] = [f"/plans/{compared.first()}/diff/"]
        elif name == "panels":
            for panel in PANELS:
                pages[f"dashboard panel {panel}"] = [f"/dashboard/{agency.pk}/panels/{panel}/"]
        else:
            pages[name] = [name]
    return pages


def _warm_up(client: Any, pages: dict[str, list[str]]) -> None:
    for urls in pages.values():
        for url in urls:
            for _ in range(2):
                status = client.get(url, headers=HEADERS).status_code
                if status != 200:
                    raise SystemExit(f"{url} answered {status}: is this the generated bench database?")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="+", help='"facility", "plans", "diff", "panels" or a path')
    parser.add_argument("-n", type=int, default=40, help="requests to each page")
    args = parser.parse_args()
    from bench.django_env import setup

    setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.clients import reader_client

    client = reader_client(session=True)
    pages = _pages(args.pages)
    _warm_up(client, pages)
    wall: dict[str, list[float]] = {name: [] for name in pages}
    cpu: dict[str, list[float]] = {name: [] for name in pages}
    for index in range(args.n):
        for name, urls in pages.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(urls[index % len(urls)], headers=HEADERS)
            wall[name].append(1000 * (time.perf_counter() - started))
            cpu[name].append(1000 * (time.process_time() - started_cpu))
    floor, floor_cpu = statistics.median(wall[FLOOR]), statistics.median(cpu[FLOOR])
    print(f"load average {os.getloadavg()[0]:.2f}; {args.n} requests each; medians")
    for name, urls in pages.items():
        with CaptureQueriesContext(connection) as queries:
            client.get(urls[0], headers=HEADERS)
        median, median_cpu = statistics.median(wall[name]), statistics.median(cpu[name])
        print(
            f"{name:34} {median:6.1f} ms {median / floor:5.1f}x the HTML floor;"
            f" CPU {median_cpu:5.1f} ms {median_cpu / floor_cpu:5.1f}x; {len(queries):3d} queries",
            flush=True,
        )


if __name__ == "__main__":
    main()

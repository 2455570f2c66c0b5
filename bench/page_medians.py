"""Median wall-clock and CPU milliseconds and the query count of web pages as the generated reader (session),
in this process, each next to the HTML floor measured just before it.

DATABASE_URL=... REDIS_URL=... .venv/bin/python -m bench.page_medians -n 40 diff panels
    "diff": the "What changed" page of the plan `make bench-load` compares (the reader's first visible plan with
    two versions or more); "panels": the dashboard's four htmx fragments for the reader's agency; or any path.
"""

import argparse
import os
import statistics
import time
from typing import Any

FLOOR = "/bench/html-floor/"
PANELS = ("attention", "own-plans", "partner-plans", "side")


def _urls(names: list[str]) -> list[str]:
    from django.contrib.auth import get_user_model

    from access.plans import plans_visible_to
    from agencies.models import Agency
    from bench.scales import READER_AGENCY_SLUG, READER_USERNAME

    reader = get_user_model().objects.get(username=READER_USERNAME)
    urls: list[str] = []
    for name in names:
        if name == "diff":
            visible = plans_visible_to(user=reader).filter(current_version__number__gte=2).order_by("id")
            urls.append(f"/plans/{visible.values_list('pk', flat=True).first()}/diff/")
        elif name == "panels":
            agency = Agency.objects.get(slug=READER_AGENCY_SLUG)
            urls.extend(f"/dashboard/{agency.pk}/panels/{panel}/" for panel in PANELS)
        else:
            urls.append(name)
    return urls


def _measure(client: Any, url: str, n: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = {"HX-Request": "true"}  # the fragments are what htmx asks for; other pages ignore it
    for _ in range(3):
        status = client.get(url, headers=headers).status_code
        if status != 200:
            raise SystemExit(f"{url} answered {status}")
    wall, cpu = [], []
    for _ in range(n):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url, headers=headers)
        wall.append(1000 * (time.perf_counter() - started))
        cpu.append(1000 * (time.process_time() - started_cpu))
    with CaptureQueriesContext(connection) as queries:
        client.get(url, headers=headers)
    return {"wall": statistics.median(wall), "cpu": statistics.median(cpu), "queries": len(queries)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="+", help='"diff", "panels" or a path')
    parser.add_argument("-n", type=int, default=40, help="requests per page")
    args = parser.parse_args()
    from bench.django_env import setup

    setup()
    from bench.clients import reader_client

    client = reader_client(session=True)
    print(f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'page':42} {'ms':>7} {'CPU ms':>7} {'queries':>7} {'floor ms':>8} {'x floor':>7}")
    for url in _urls(args.pages):
        floor = _measure(client, FLOOR, args.n)
        page = _measure(client, url, args.n)
        print(
            f"{url:42} {page['wall']:7.1f} {page['cpu']:7.1f} {page['queries']:7d} {floor['wall']:8.2f}"
            f" {page['wall'] / floor['wall']:7.1f}",
            flush=True,
        )
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

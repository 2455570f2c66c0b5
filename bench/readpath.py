"""Read path: the reader's plan list, a plan, a version with 12 sections (and the dashboard when it exists),
side by side with the floor, the raw SQL of the same page, and the naive guardian peer.

    DATABASE_URL=... REDIS_URL=... .venv/bin/python -m bench.readpath --iterations 200 --out /tmp/read.json

Method: Django's test `Client` calls the WSGI handler in this process (no network, no server in front), so
a figure is the server's own time for a request: middleware, token authentication, throttle (a Redis
round trip), view, queries, rendering. Endpoints are called round-robin so that noise from other work on
the machine falls on all of them alike. The process's peak RSS is recorded too (this process is the web
process serving the list).
"""

import argparse
import contextlib
import json
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.scales import DETAIL_PLAN_TITLE, READER_USERNAME

Progress = Callable[[str], None]
LIST_URL = "/api/v1/plans/?page=1&page_size={size}"
# The web dashboard is being built alongside: measured under this URL name once it exists, skipped before.
DASHBOARD_URL_NAME = "dashboard"
# The dashboard's panels that htmx loads once the page is there (dashboard/panels.py): each measured on its own.
DASHBOARD_FRAGMENT = re.compile(r'hx-get="(/dashboard/\d+/panels/([\w-]+)/)"')


@dataclass
class Figure:
    """Timings of one endpoint (milliseconds) with its query count and response size."""

    name: str
    url: str
    status: int
    queries: int
    response_bytes: int
    samples_ms: list[float] = field(default_factory=list)
    skipped: str = ""

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms) if self.samples_ms else float("nan")

    @property
    def p95_ms(self) -> float:
        if len(self.samples_ms) < 2:
            return self.median_ms
        return statistics.quantiles(self.samples_ms, n=20, method="inclusive")[18]

    def summary(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("samples_ms")
        data.update(median_ms=round(self.median_ms, 2), p95_ms=round(self.p95_ms, 2), n=len(self.samples_ms))
        return data


def _memory_mb() -> dict[str, float]:
    """This process's resident memory now and its peak (VmRSS, VmHWM: unlike ru_maxrss, not inherited
    from the parent that started this process)."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = round(int(rest.split()[0]) / 1024, 1)
    return values


def _reset_peak_memory() -> None:
    """Start VmHWM again from the current RSS (Linux: writing 5 to clear_refs), to see the peak of the rounds."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def _dashboard_url(explicit: str | None) -> str | None:
    from django.urls import NoReverseMatch, reverse

    if explicit:
        return explicit
    try:
        return reverse(DASHBOARD_URL_NAME)
    except NoReverseMatch:
        return None


def measure_read_path(
    *, iterations: int = 200, warmup: int = 5, dashboard_url: str | None = None, progress: Progress = print
) -> dict[str, Any]:
    """Measure the read path for the generated reader; needs `bench.urls` as the URLconf."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from access.plans import plans_visible_to
    from bench import views
    from bench.clients import reader_client
    from plans.models import Plan

    reader = get_user_model().objects.get(username=READER_USERNAME)
    api, browser = reader_client(), reader_client(session=True)
    plan = Plan.objects.select_related("current_version").get(title=DETAIL_PLAN_TITLE)
    version = plan.current_version
    sections = version.sections.count()
    visible = plans_visible_to(user=reader).count()
    list_url = LIST_URL.format(size=50)
    dashboard = _dashboard_url(dashboard_url)
    endpoints: dict[str, tuple[Client, str]] = {
        "plan list (page 1 of 50)": (api, list_url),
        "plan detail": (api, f"/api/v1/plans/{plan.pk}/"),
        f"version detail ({sections} sections)": (api, f"/api/v1/plans/{plan.pk}/versions/{version.number}/"),
        "dashboard page": (browser, dashboard or "/no-dashboard-yet/"),
        "floor: constant page": (api, "/bench/floor/"),
        "HTML floor: constant page, session": (browser, "/bench/html-floor/"),
        "naive peer: plan list": (api, "/bench/naive/plans/?page=1&page_size=50"),
        "naive peer: plan detail": (api, f"/bench/naive/plans/{plan.pk}/"),
    }
    fragments: dict[str, str] = {}
    if dashboard is not None:
        for url, name in DASHBOARD_FRAGMENT.findall(browser.get(dashboard).content.decode()):
            fragments[f"dashboard fragment: {name}"] = url
            endpoints[f"dashboard fragment: {name}"] = (browser, url)
    first_page = api.get(list_url)
    if first_page.status_code != 200:
        raise RuntimeError(f"The plan list answered {first_page.status_code}: {first_page.content[:300]!r}")
    views.FLOOR_PAGE = json.loads(first_page.content)
    if dashboard is not None:
        views.FLOOR_HTML = browser.get(dashboard).content
    figures: dict[str, Figure] = {}
    for name, (client, url) in endpoints.items():
        for _ in range(warmup):
            client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        figure = Figure(name, url, response.status_code, len(captured), len(response.content))
        if name == "dashboard page" and (dashboard is None or response.status_code != 200):
            figure.skipped = (
                f"no URL named {DASHBOARD_URL_NAME!r} yet"
                if dashboard is None
                else f"{url} answered {response.status_code}"
            ) + ": the web dashboard is not built yet; this slot fills in once it exists (or pass --dashboard-url)."
            progress(f"[read] skipped: {figure.skipped}")
        elif response.status_code != 200:
            raise RuntimeError(f"{name} {url} answered {response.status_code}")
        figures[name] = figure
        if name == "plan list (page 1 of 50)":
            list_sql = [query["sql"] for query in captured]
    naive_ids = [row["id"] for row in json.loads(api.get(endpoints["naive peer: plan list"][1]).content)["results"]]
    product_ids = [row["id"] for row in views.FLOOR_PAGE["results"]]
    query_counts = {}
    for size in (5, 50, 200):
        with CaptureQueriesContext(connection) as captured:
            api.get(LIST_URL.format(size=size))
        query_counts[size] = len(captured)
    after_warmup = _memory_mb()
    _reset_peak_memory()
    raw = Figure("raw SQL of the list page (psycopg)", "-", 200, len(list_sql), 0)
    raw_cursor = connection.connection.cursor()

    def run_raw_sql() -> None:
        for statement in list_sql:
            raw_cursor.execute(statement)
            raw_cursor.fetchall()

    measured = [f for f in figures.values() if not f.skipped]
    progress(f"[read] reader sees {visible:,} plans; {iterations} rounds over {len(measured) + 1} endpoints…")
    for round_ in range(iterations):
        for figure in measured:
            client = endpoints[figure.name][0]
            elapsed, _ = _timed(lambda client=client, url=figure.url: client.get(url))
            figure.samples_ms.append(elapsed)
        raw.samples_ms.append(_timed(run_raw_sql)[0])
        if (round_ + 1) % max(iterations // 4, 1) == 0:
            lst = figures["plan list (page 1 of 50)"]
            progress(f"[read] {round_ + 1}/{iterations}: list median so far {lst.median_ms:.1f} ms")
    raw_cursor.close()
    figures[raw.name] = raw
    floor = figures["floor: constant page"].median_ms
    product = figures["plan list (page 1 of 50)"]
    # The whole dashboard as a person gets it: the page and every fragment (the browser fetches them at once).
    dashboard_whole = figures["dashboard page"].median_ms + sum(figures[name].median_ms for name in fragments)
    return {
        "method": "django.test.Client in-process (WSGI handler, no network); endpoints round-robin",
        "visible_plans": visible,
        "total_plans": Plan.objects.count(),
        "iterations": iterations,
        "figures": [f.summary() for f in figures.values()],
        "list_queries_by_page_size": query_counts,
        "naive_same_page": naive_ids == product_ids,
        "ratios": {
            "list / floor": round(product.median_ms / floor, 2),
            "list / raw SQL": round(product.median_ms / raw.median_ms, 2),
            "naive list / list": round(figures["naive peer: plan list"].median_ms / product.median_ms, 2),
            "plan detail / floor": round(figures["plan detail"].median_ms / floor, 2),
            "dashboard / floor": round(figures["dashboard page"].median_ms / floor, 2),
            "dashboard / HTML floor": round(
                figures["dashboard page"].median_ms / figures["HTML floor: constant page, session"].median_ms, 2
            ),
            "dashboard page + fragments / floor": round(dashboard_whole / floor, 2),
            **{f"{name} / floor": round(figures[name].median_ms / floor, 2) for name in fragments},
            "version detail / floor": round(
                next(f for n, f in figures.items() if n.startswith("version detail")).median_ms / floor, 2
            ),
        },
        "rss_mb": {"after_warmup": after_warmup.get("VmRSS"), "peak": _memory_mb().get("VmHWM")},
        "list_sql": list_sql,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--dashboard-url", help=f"default: the URL named {DASHBOARD_URL_NAME!r}, if any")
    parser.add_argument("--out", help="write the figures here as JSON")
    args = parser.parse_args()
    from bench.django_env import setup

    setup()
    result = measure_read_path(iterations=args.iterations, dashboard_url=args.dashboard_url)
    text = json.dumps(result, indent=2)
    if args.out:
        with open(args.out, "w") as out:
            out.write(text)
    for figure in result["figures"]:
        if figure["skipped"]:
            print(f"{figure['name']:<40} skipped")
        else:
            print(f"{figure['name']:<40} median {figure['median_ms']:7.2f} ms  p95 {figure['p95_ms']:7.2f} ms  "
                  f"{figure['queries']:3d} queries")  # fmt: skip
    print(json.dumps(result["ratios"]), json.dumps(result["list_queries_by_page_size"]), result["rss_mb"])


if __name__ == "__main__":
    main()

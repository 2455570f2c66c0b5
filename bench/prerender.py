"""Rendered once at publish: the web plan page, a version and "What changed" as the generated reader, with the
sections' HTML read from storage (the product since plans.0008) and rendered from Markdown on every view (as
before), interleaved request by request in one process; and the backfill's pace.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/concord_bench_prerender REDIS_URL=redis://127.0.0.1:6379/2 \\
        .venv/bin/python -m bench.prerender --iterations 60

On a database made by `python -m bench.run` (any scale). It first empties plans_sectionhtml and times
`manage.py plans_render_sections` filling it (the backfill of a deployment), then measures. "Rendered every
view" treats every version as a draft (the sections' HTML is rendered and nothing is stored): the same work the
pages did before, plus the one LEFT JOIN to plans_sectionhtml that the product's query now carries.
"""

import argparse
import json
import os
import statistics
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

MODES = ("stored", "rendered every view")
LARGE_PLAN_TITLE = "Bench prerender plan: a school plan of 24 long sections"
LARGE_SECTIONS = 24


def _long_body(rng: Any, index: int, version: int) -> str:
    """About 3 KB of Markdown as a school's annex reads: headings, paragraphs, a list and a table."""
    from bench.content import _paragraph

    parts = []
    for phase in ("Before", "During", "After"):
        parts.append(f"### {phase} an incident")
        parts.extend(_paragraph(rng) for _ in range(2))
        parts.append("\n".join(f"- **Step {n}:** {_paragraph(rng)[:90]}" for n in range(1, 4)))
    parts.append("| Role | Who | Radio |\n| --- | --- | --- |")
    parts[-1] += "".join(f"\n| Role {n} | Team {index}-{n} | Channel {n + version} |" for n in range(1, 5))
    return "\n\n".join(parts)


def _large_plan() -> Any:
    """A plan of 24 sections of about 3 KB (70 KB in all, as a real school plan), v1 and v2 published through the
    service and shared with the reader's agency; made once per database."""
    import random

    from agencies.models import Agency, Membership, Role
    from bench.scales import HOT_OWNER_SLUG, READER_AGENCY_SLUG
    from plans import services
    from plans.models import Plan, ShareLevel

    existing = Plan.objects.filter(title=LARGE_PLAN_TITLE).first()
    if existing is not None:
        return existing
    owner = Agency.objects.get(slug=HOT_OWNER_SLUG)
    admin = Membership.objects.filter(agency=owner, role=Role.ADMIN).select_related("user").first().user
    plan = services.plan_create(
        actor=admin, title=LARGE_PLAN_TITLE, kind="school_eop", owner_agency=owner, facilities=[]
    )
    rng = random.Random(18)
    for version in (1, 2):
        rows = [
            {"key": f"part-{i}", "title": f"Annex {i}", "body": _long_body(rng, i, version)}
            for i in range(1, LARGE_SECTIONS + 1)
        ]
        draft = services.plan_version_create_draft(plan=plan, actor=admin, change_summary=f"v{version}", sections=rows)
        services.plan_version_publish(version=draft, actor=admin)
    services.plan_share(
        plan=plan, agency=Agency.objects.get(slug=READER_AGENCY_SLUG), level=ShareLevel.VIEW, actor=admin
    )
    return Plan.objects.select_related("current_version").get(pk=plan.pk)


@contextmanager
def _rendered_every_view() -> Any:
    import plans.changes_shown
    import plans.selectors
    from plans import section_html

    original = section_html.sections_html_attach

    def as_drafts(sections: Any, *, released: dict[int, bool]) -> None:
        original(sections, released={})

    plans.selectors.sections_html_attach = as_drafts  # type: ignore[assignment]
    plans.changes_shown.sections_html_attach = as_drafts  # type: ignore[assignment]
    try:
        yield
    finally:
        plans.selectors.sections_html_attach = original
        plans.changes_shown.sections_html_attach = original


def _get(client: Any, url: str, mode: str) -> tuple[float, float, int]:
    """Wall-clock and CPU milliseconds (this process: Django, not PostgreSQL) to answer, and the answer's size."""
    started, cpu = time.perf_counter(), time.process_time()
    if mode == "stored":
        response = client.get(url)
    else:
        with _rendered_every_view():
            response = client.get(url)
    elapsed, cpu = 1000 * (time.perf_counter() - started), 1000 * (time.process_time() - cpu)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return elapsed, cpu, len(response.content)


def _queries(client: Any, url: str, mode: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        _get(client, url, mode)
    return len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=60)
    parser.add_argument("--out", default="bench/results/prerender-small.json")
    args = parser.parse_args()
    from bench.django_env import setup

    setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.clients import reader_client
    from bench.scales import DETAIL_PLAN_TITLE
    from plans.models import Plan, Section, SectionHtml, VersionState

    load_start = os.getloadavg()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE plans_sectionhtml")
    released = Section.objects.exclude(version__state=VersionState.DRAFT).count()
    started = time.perf_counter()
    call_command("plans_render_sections", stdout=open(os.devnull, "w"))  # noqa: SIM115
    backfill_s = time.perf_counter() - started
    stored = SectionHtml.objects.count()
    print(f"backfill: {stored:,} of {released:,} released sections in {backfill_s:.1f} s", flush=True)

    pages: dict[str, tuple[str, int]] = {}
    for label, plan in (
        ("12 short sections", Plan.objects.select_related("current_version").get(title=DETAIL_PLAN_TITLE)),
        ("24 long sections", _large_plan()),
    ):
        current = plan.current_version
        count = Section.objects.filter(version=current).count()
        pages[f"plan page, {label}"] = (f"/plans/{plan.pk}/", count)
        pages[f"version detail, {label}"] = (f"/plans/{plan.pk}/versions/{current.number}/", count)
        pages[f'"What changed" v1 to v{current.number}, {label}'] = (
            f"/plans/{plan.pk}/diff/?from=1&to={current.number}",
            count,
        )
    client = reader_client(session=True)
    samples: dict[tuple[str, str], list[float]] = {(page, mode): [] for page in pages for mode in MODES}
    cpu: dict[tuple[str, str], list[float]] = {(page, mode): [] for page in pages for mode in MODES}
    shape: dict[tuple[str, str], tuple[int, int]] = {}
    for page, (url, _) in pages.items():
        for mode in MODES:
            for _ in range(3):
                size = _get(client, url, mode)[2]
            shape[page, mode] = (_queries(client, url, mode), size)
    for round_ in range(args.iterations):
        for page, (url, _) in pages.items():
            for mode in MODES if round_ % 2 == 0 else reversed(MODES):
                wall, used, _ = _get(client, url, mode)
                samples[page, mode].append(wall)
                cpu[page, mode].append(used)
    load_end = os.getloadavg()
    rows = []
    for page, (url, count) in pages.items():
        stored_ms = statistics.median(samples[page, "stored"])
        live_ms = statistics.median(samples[page, "rendered every view"])
        stored_cpu = statistics.median(cpu[page, "stored"])
        live_cpu = statistics.median(cpu[page, "rendered every view"])
        rows.append(
            {
                "page": page,
                "url": url,
                "sections": count,
                "stored_cpu_median_ms": round(stored_cpu, 2),
                "rendered_cpu_median_ms": round(live_cpu, 2),
                "rendered / stored (CPU)": round(live_cpu / stored_cpu, 2),
                "stored_median_ms": round(stored_ms, 2),
                "rendered_median_ms": round(live_ms, 2),
                "stored_p95_ms": round(statistics.quantiles(samples[page, "stored"], n=20)[18], 2),
                "rendered_p95_ms": round(statistics.quantiles(samples[page, "rendered every view"], n=20)[18], 2),
                "saved_ms": round(live_ms - stored_ms, 2),
                "rendered / stored": round(live_ms / stored_ms, 2),
                "queries stored / rendered": [shape[page, "stored"][0], shape[page, "rendered every view"][0]],
                "bytes stored / rendered": [shape[page, "stored"][1], shape[page, "rendered every view"][1]],
            }
        )
    result = {
        "database": connection.settings_dict["NAME"],
        "iterations": args.iterations,
        "load_average_start": [round(x, 2) for x in load_start],
        "load_average_end": [round(x, 2) for x in load_end],
        "backfill": {
            "released_sections": released,
            "stored": stored,
            "seconds": round(backfill_s, 2),
            "sections_per_second": round(stored / backfill_s) if backfill_s else None,
        },
        "pages": rows,
    }
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

"""bench/results/load-<scale>.json into the load section of docs/benchmarks.md and docs/benchmarks-load.png.

    .venv/bin/python -m bench.load_report

The tables replace what stands between the `bench:load` markers of docs/benchmarks.md (added at the end of the
page the first time); the method and the reading of the figures around them are written by hand.
"""

import json
from typing import Any

from bench.load_mix import ALONE_KINDS, API_FLOOR, HTML_FLOOR, PAGE_KINDS, PUBLISH
from bench.report import DOC, ORDER, RESULTS, _ms, _table

PLOT = DOC.parent / "benchmarks-load.png"
START, END = "<!-- bench:load:start -->", "<!-- bench:load:end -->"


def load() -> list[dict[str, Any]]:
    runs = [json.loads(path.read_text()) for path in RESULTS.glob("load-*.json")]
    return sorted(runs, key=lambda r: ORDER.index(r["scale"]) if r["scale"] in ORDER else 99)


def _cpu(step: dict[str, Any]) -> str:
    busy = step["cpu"]["cores_busy"]
    return ", ".join(f"{name.split(' (')[0]} {value:.2f}" for name, value in busy.items())


def _variant(run: dict[str, Any], variant: dict[str, Any]) -> str:
    saturation = variant["saturation"]
    ramp = _table(
        ["users (closed loop)", "requests/s", "errors", "cores busy: web, worker, PostgreSQL, locust, whole machine"],
        [[s["users"], f"{s['rps']:.1f}", s["failures"], _cpu(s)] for s in variant["ramp"]],
    )
    rows = []
    for level in variant["levels"]:
        for name in (*PAGE_KINDS, PUBLISH):
            page = level["pages"].get(name)
            if page is None:
                continue
            ratio = "" if name in (HTML_FLOOR, API_FLOOR, PUBLISH) else f"{page.get('p50_over_html_floor', 0):.1f}x"
            api_ratio = "" if name in (HTML_FLOOR, API_FLOOR, PUBLISH) else f"{page.get('p50_over_api_floor', 0):.1f}x"
            rows.append([
                f"{round(level['fraction'] * 100)}% ({level['rps']:.1f}/s)", name, page["requests"],
                _ms(page["p50_ms"]), _ms(page["p95_ms"]), _ms(page["p99_ms"]), page["failures"], ratio, api_ratio,
            ])  # fmt: skip
    levels = _table(["load (served)", "page", "requests", "p50 ms", "p95 ms", "p99 ms", "errors",
                     "p50 ÷ HTML floor", "p50 ÷ API floor"], rows)  # fmt: skip
    memory = variant["memory_mb"]
    web = memory["web (gunicorn master, then workers)"]["processes"]
    worker = memory["worker (celery, then its children)"]["processes"]
    workers = ", ".join(str(p.get("peak")) for p in web[1:])
    rss = (f"peak RSS: gunicorn workers {workers} MB (master {web[0].get('peak')} MB); "
           f"Celery worker {', '.join(str(p.get('peak')) for p in worker)} MB")  # fmt: skip
    cpu_rows = [[f"{round(level['fraction'] * 100)}%", _cpu(level)] for level in variant["levels"]]
    return "\n\n".join([
        f"**{variant['server']['name']}** — saturation **{saturation['rps']:.1f} requests/s** at "
        f"{saturation['users']} users; bound: {saturation['bound']}; {rss}",
        ramp, levels, _table(["load", "cores busy at that load"], cpu_rows),
    ])  # fmt: skip


def _alone(variant: dict[str, Any]) -> str:
    """The pages-alone phase: issue 18's "within 3x the HTML floor in throughput", page by page."""
    alone = variant.get("alone")
    if not alone:
        return ""
    rows = []
    for kind in ALONE_KINDS:
        page = alone["pages"].get(kind)
        if page is None:
            continue
        ratio = page.get("html_floor_rps_over_page_rps")
        cpu = page["cpu_ms_per_request"]
        rows.append([
            kind, f"{page['rps']:.1f}", _ms(page["p50_ms"]), _ms(page["p99_ms"]), page["failures"],
            f"{ratio:.1f}x" if ratio else "", f"{cpu['web']:.1f}", f"{cpu['postgresql']:.1f}",
        ])  # fmt: skip
    head = (
        f"**Each page alone ({alone['users']} users, closed loop)** — {variant['server']['name']}; no think "
        f"time, {alone['seconds']:g} s per page kind, one kind after another; the dashboard without its panels, "
        'the panels one per request; "x the HTML floor in throughput" is the password change page\'s '
        "requests/s over the page's (issue 18 asks ≤ 3x); CPU per request: the step's CPU seconds of the gunicorn "
        "workers and of PostgreSQL (every backend of the server) over the requests served"
    )
    table = _table(["page", "requests/s", "p50 ms", "p99 ms", "errors", "x the HTML floor in throughput",
                    "web CPU ms/request", "PostgreSQL CPU ms/request"], rows)  # fmt: skip
    return f"{head}\n\n{table}"


def _summary(run: dict[str, Any]) -> str:
    rows = []
    for variant in run["variants"]:
        top = variant["levels"][-1]["pages"] if variant.get("levels") else {}
        dashboard, floor = top.get("dashboard", {}), top.get(HTML_FLOOR, {})
        rows.append([
            variant["server"]["name"], f"{variant['saturation']['rps']:.1f}", variant["saturation"]["users"],
            _ms(dashboard.get("p50_ms")), _ms(dashboard.get("p99_ms")), _ms(floor.get("p50_ms")),
            f"{dashboard.get('p50_over_html_floor', 0):.1f}x",
            sum(level["failures"] for level in variant.get("levels", [])),
        ])  # fmt: skip
    return _table(["server", "saturation requests/s", "users", "dashboard p50 at 90%", "dashboard p99 at 90%",
                   "HTML floor p50 at 90%", "dashboard ÷ HTML floor", "errors"], rows)  # fmt: skip


def _run(run: dict[str, Any]) -> str:
    load = run["load_average_start"], run["load_average_end"]
    head = (f"**{run['scale']}** — {run['plans']:,} plans, the reader's agency sees {run['visible_plans']:,}; the "
            f"admin publishes to {run['publish_audience']:,} people halfway through each level; "
            f"{run['options']['users']} signed-in people; load average {load[0][0]:.1f} at the start, "
            f"{load[1][0]:.1f} at the end; {run['seconds']:.0f} s; commit {run['machine']['git_commit']}")  # fmt: skip
    alone = [_alone(v) for v in run["variants"] if v.get("alone")]
    return "\n\n".join([head, _summary(run), *alone, *(_variant(run, v) for v in run["variants"])])


def plot(runs: list[dict[str, Any]]) -> None:
    """Left: throughput against users in the saturation search; right: p50 and p99 per page at each level."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    run = runs[-1]  # the largest scale measured
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    for variant in run["variants"]:
        ramp = variant["ramp"]
        left.plot([s["users"] for s in ramp], [s["rps"] for s in ramp], "o-", label=variant["server"]["name"])
    users = sorted({s["users"] for variant in run["variants"] for s in variant["ramp"]})
    left.set(xscale="log", xlabel="users (closed loop, no think time)", ylabel="requests/s")
    left.set_xticks(users, [str(u) for u in users])
    left.minorticks_off()
    left.set_title(f"Saturation search ({run['scale']} scale)")
    left.legend(fontsize=7)
    main = run["variants"][0]
    kinds = [k for k in PAGE_KINDS if any(k in level["pages"] for level in main["levels"])]
    width = 0.8 / max(len(main["levels"]), 1)
    for index, level in enumerate(main["levels"]):
        xs = [i + index * width for i in range(len(kinds))]
        p50 = [level["pages"].get(k, {}).get("p50_ms", 0) for k in kinds]
        p99 = [level["pages"].get(k, {}).get("p99_ms", 0) for k in kinds]
        label = f"{round(level['fraction'] * 100)}% of saturation"
        bars = right.bar(xs, p99, width, alpha=0.35)
        right.bar(xs, p50, width, color=bars.patches[0].get_facecolor()[:3], label=f"{label}: p50 (p99 pale)")
    right.set_xticks([i + width for i in range(len(kinds))], kinds, rotation=30, ha="right", fontsize=7)
    right.set(yscale="log", ylabel="ms")
    right.set_title(f"Per page: {main['server']['name']}")
    right.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(PLOT, dpi=110)


def main() -> None:
    runs = load()
    if not runs:
        raise SystemExit("No load results yet: run `make bench-load` (bench/load.py) first.")
    block = "\n\n".join(_run(run) for run in runs)
    text = DOC.read_text()
    if START not in text:
        text += f"\n## Under load (gunicorn, locust)\n\n{START}\n{END}\n"
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    DOC.write_text(f"{head}{START}\n\n{block}\n\n{END}{tail}")
    plot(runs)
    print(f"Wrote the load figures of {', '.join(r['scale'] for r in runs)} into {DOC} and {PLOT}.")


if __name__ == "__main__":
    main()

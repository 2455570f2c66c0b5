"""Turn bench/results/*.json into the figure tables of docs/benchmarks.md and the plot docs/benchmarks.png.

    .venv/bin/python -m bench.report

The tables replace what stands between the `bench:figures` markers in docs/benchmarks.md; the rest of
that page (method, analysis) is written by hand.
"""

import json
import math
from typing import Any

from bench.django_env import ROOT

RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "benchmarks.md"
PLOT = ROOT / "docs" / "benchmarks.png"
START, END = "<!-- bench:figures:start -->", "<!-- bench:figures:end -->"
ORDER = ["tiny", "small", "medium", "state"]
LIST, FLOOR = "plan list (page 1 of 50)", "floor: constant page"
DASHBOARD, HTML_FLOOR = "dashboard page", "HTML floor: constant page, session"
READ_TARGET_RATIO, COPY_TARGET_RATIO, PUBLISH_TARGET_MS = 3.0, 3.0, 200.0


def load() -> list[dict[str, Any]]:
    """Every results file, smallest scale first."""
    # Only bench/run.py's <scale>.json: the load benchmark's, the reading benchmark's and the migration locks'
    # files have their own sections (bench/load_report.py, docs written by hand).
    runs = [json.loads(path.read_text()) for scale in ORDER if (path := RESULTS / f"{scale}.json").exists()]
    return runs


def _figure(run: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    for figure in run.get("read", {}).get("figures", []):
        if figure["name"].startswith(prefix) and not figure["skipped"]:
            return figure
    return None


def _ms(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _generation(runs: list[dict[str, Any]]) -> str:
    rows = []
    for run in runs:
        gen, counts = run["generation"], run["generation"].get("counts", {})
        if gen.get("reused"):
            continue
        rows.append([
            run["scale"], f"{counts.get('agencies_agency', 0):,}", f"{counts.get('auth_user', 0):,}",
            f"{counts.get('plans_plan', 0):,}", f"{counts.get('plans_planversion', 0):,}",
            f"{counts.get('plans_section', 0):,}", f"{counts.get('plans_planshare', 0):,}",
            f"{counts.get('plans_plangroupobjectpermission', 0):,}", f"{gen['seconds_total']:.0f} s",
            f"{gen['database_mb']:,} MB",
        ])  # fmt: skip
    header = [
        "scale",
        "agencies",
        "users",
        "plans",
        "versions",
        "sections",
        "shares",
        "grants",
        "generation",
        "db size",
    ]
    return _table(header, rows)


def _read(run: dict[str, Any]) -> str:
    read = run["read"]
    floor, html_floor = _figure(run, FLOOR), _figure(run, HTML_FLOOR)
    rows = []
    for figure in read["figures"]:
        if figure["skipped"]:
            rows.append([figure["name"], "skipped", "", "", "", figure["skipped"]])
            continue
        ratio = figure["median_ms"] / floor["median_ms"] if floor else float("nan")
        note = ""
        if figure["name"] == DASHBOARD and html_floor:
            note = f"{figure['median_ms'] / html_floor['median_ms']:.1f}x the HTML floor"
        rows.append(
            [figure["name"], _ms(figure["median_ms"]), _ms(figure["p95_ms"]), figure["queries"], f"{ratio:.1f}x", note]
        )
    title = (
        f"**{run['scale']}** — {read['total_plans']:,} plans, the reader sees {read['visible_plans']:,}; "
        f"{read['iterations']} rounds; list queries for page sizes 5/50/200: "
        f"{'/'.join(str(v) for v in read['list_queries_by_page_size'].values())}; naive peer returns the same page: "
        f"{'yes' if read['naive_same_page'] else 'NO'}; web process peak RSS {read['rss_mb']['peak']} MB"
    )
    return title + "\n\n" + _table(["endpoint", "median ms", "p95 ms", "queries", "x floor", "note"], rows)


def _samples(row: dict[str, Any]) -> str:
    """The individual fan-out times when the figure is a median of several publishes."""
    samples = row.get("fan_out_in_worker_samples_ms") or []
    return f" ({', '.join(_ms(s) for s in samples)})" if len(samples) > 1 else ""


def _alerts(runs: list[dict[str, Any]]) -> str:
    publish, fan, hooks = [], [], []
    for run in runs:
        alerts = run.get("alerts")
        if not alerts:
            continue
        for index, row in enumerate(alerts["publish_latency"]):
            warm = row["samples_ms"][1:] if index == 0 else row["samples_ms"]
            first = _ms(row["samples_ms"][0]) if index == 0 else ""
            publish.append([
                run["scale"], row["partners"], f"{row['recipients']:,}", _ms(row["median_ms"]), _ms(max(warm)), first
            ])  # fmt: skip
        for row in alerts["fan_out"]:
            fan.append([
                run["scale"], f"{row['recipients']:,}", _ms(row["publish_ms"]), _ms(row["publish_to_all_inapp_ms"]),
                _ms(row["fan_out_in_worker_ms"]) + _samples(row), _ms(row.get("cold_fan_out_in_worker_ms")),
                _ms(row["copy"]["median_ms"]), f"{row['fan_out_over_copy']:.1f}x",
                f"{row['emails_sent']:,} / {row['emails_received_by_sink']:,}", _ms(row["email_phase_ms"]),
                f"{row['worker_rss_mb']['idle']} → {row['worker_rss_mb']['peak']}",
            ])  # fmt: skip
        for row in alerts["webhooks"]:
            hooks.append([
                run["scale"], f"{row['pool']} x {row['concurrency']}", row["endpoints"], f"{row['received']}",
                _ms(row["publish_to_all_delivered_ms"]), _ms(row["delivery_phase_ms"]), row["deliveries_per_second"],
            ])  # fmt: skip
    return "\n\n".join([
        "**Publish request** (API, in-process; no worker running, so nothing competes with it)\n\n"
        + _table(["scale", "partners", "recipients", "median ms", "max ms", "first request of a process ms"], publish),
        "**Fan-out** (one solo worker; COPY = the same notification rows through psycopg `copy`, autocommit)\n\n"
        + _table(["scale", "recipients", "publish ms", "publish → all in-app ms", "fan-out in worker ms",
                  "cold worker ms", "COPY ms",
                  "fan-out ÷ COPY", "e-mails sent / received", "e-mail phase ms", "worker RSS MB idle → peak"], fan)
        + "\n\nFan-out in worker: after one warm-up publish on the same worker; under 1,000 recipients the median"
        " of 5 publishes (samples in brackets). Cold worker: that warm-up publish, the fresh worker's first task.",
        "**Webhooks** (receiver on 127.0.0.1 answering 200)\n\n"
        + _table(["scale", "pool x concurrency", "endpoints", "received", "publish → all delivered ms",
                  "delivery phase ms", "per second"], hooks),
    ])  # fmt: skip


PRODUCT_READS = [LIST, "plan detail", "version detail", "dashboard page"]


def _targets(runs: list[dict[str, Any]]) -> str:
    rows = []
    for run in runs:
        floor = _figure(run, FLOOR)
        for prefix in PRODUCT_READS if floor else []:
            figure = _figure(run, prefix)
            if figure is None:
                continue
            ratio = figure["median_ms"] / floor["median_ms"]
            rows.append([
                run["scale"], f"{figure['name']}: median <= 3x floor",
                f"{_ms(figure['median_ms'])} ms vs {_ms(floor['median_ms'])} ms = {ratio:.1f}x",
                "met" if ratio <= READ_TARGET_RATIO else "**not met**",
            ])  # fmt: skip
        if run.get("read"):
            counts = run["read"]["list_queries_by_page_size"]
            rows.append([
                run["scale"], "list query count independent of rows",
                "page size 5/50/200: " + "/".join(str(v) for v in counts.values()),
                "met" if len(set(counts.values())) == 1 else "**not met**",
            ])  # fmt: skip
        alerts = run.get("alerts") or {}
        medians = [r["median_ms"] for r in alerts.get("publish_latency", [])]
        if medians:
            latency = alerts["publish_latency"]
            # The process's very first request also imports the URLconf and opens the broker connection.
            first = latency[0]["samples_ms"][0]
            worst = max(max(r["samples_ms"][1:] if i == 0 else r["samples_ms"]) for i, r in enumerate(latency))
            recipients = ", ".join(f"{r['recipients']:,}" for r in latency)
            rows.append([
                run["scale"], f"publish request < 200 ms ({recipients} recipients)",
                f"medians {', '.join(_ms(m) for m in medians)} ms; max {_ms(worst)} ms "
                f"(a process's first request, which also imports the URLconf and connects to Redis: {_ms(first)} ms)",
                "met" if worst < PUBLISH_TARGET_MS else "**not met**",
            ])  # fmt: skip
        for row in alerts.get("fan_out", []):
            rows.append([
                run["scale"], f"in-app fan-out <= 3x COPY ({row['recipients']:,} recipients)",
                f"{_ms(row['fan_out_in_worker_ms'])} ms vs {_ms(row['copy']['median_ms'])} ms"
                f" = {row['fan_out_over_copy']:.1f}x",
                "met" if row["fan_out_over_copy"] <= COPY_TARGET_RATIO else "**not met**",
            ])  # fmt: skip
    across = {r["scale"]: _figure(r, LIST)["queries"] for r in runs if _figure(r, LIST)}
    if across:
        rows.append([
            "all", "list query count independent of the number of plans",
            ", ".join(f"{scale} {count}" for scale, count in across.items()),
            "met" if len(set(across.values())) == 1 else "**not met**",
        ])  # fmt: skip
    return _table(["scale", "target", "figure", "status"], rows)


GROWTH_PAGES = [LIST, "plan detail", "version detail", "dashboard page", FLOOR]


def _growth(runs: list[dict[str, Any]]) -> str:
    """One row per page (median ms and queries) and for the largest fan-out, one column per scale."""
    scaled = [r for r in runs if r["scale"] != "tiny" and (r.get("read") or r.get("alerts"))]
    if not scaled:
        return "No scale measured yet."
    header = ["measured"] + [
        f"{r['scale']} ({r['read']['total_plans']:,} plans)" if r.get("read") else r["scale"] for r in scaled
    ]
    header.append("largest ÷ smallest")
    rows = []
    for prefix in GROWTH_PAGES:
        figures = [_figure(r, prefix) for r in scaled]
        cells = [f"{_ms(f['median_ms'])} ms, {f['queries']} q" if f else "-" for f in figures]
        known = [f["median_ms"] for f in figures if f]
        growth = f"{known[-1] / known[0]:.2f}x" if len(known) > 1 else "-"
        name = next((f["name"] for f in figures if f), prefix)
        rows.append([f"{name} (median)", *cells, growth])
    fans = [max((r.get("alerts") or {}).get("fan_out", []), key=lambda row: row["recipients"], default=None)
            for r in scaled]  # fmt: skip
    cells = [f"{_ms(f['fan_out_in_worker_ms'])} ms for {f['recipients']:,}" if f else "-" for f in fans]
    per_thousand = [1000 * f["fan_out_in_worker_ms"] / f["recipients"] for f in fans if f]
    growth = f"{per_thousand[-1] / per_thousand[0]:.2f}x per recipient" if len(per_thousand) > 1 else "-"
    rows.append(["in-app fan-out of the largest audience (in the worker)", *cells, growth])
    rss = [f"{r['read']['rss_mb']['peak']} MB" if r.get("read") else "-" for r in scaled]
    rows.append(["web process peak RSS (read path)", *rss, ""])
    return _table(header, rows)


def plot(runs: list[dict[str, Any]]) -> None:
    """Latency against plans, fan-out time against recipients."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    read_runs = [r for r in runs if r.get("read") and r["scale"] != "tiny"]
    for prefix, style in [(LIST, "o-"), ("plan detail", "s-"), ("version detail", "^-"), ("dashboard", "D-"),
                          (FLOOR, "k--"), ("raw SQL", "k:"), ("naive peer: plan list", "x-")]:  # fmt: skip
        points = [(r["read"]["total_plans"], f["median_ms"]) for r in read_runs if (f := _figure(r, prefix))]
        if points:
            left.plot(*zip(*points, strict=True), style, label=prefix)
    target = [
        (r["read"]["total_plans"], READ_TARGET_RATIO * f["median_ms"]) for r in read_runs if (f := _figure(r, FLOOR))
    ]
    if target:
        left.plot(*zip(*target, strict=True), color="0.6", linewidth=3, alpha=0.5, label="target: 3x the floor")
    left.set(xscale="log", yscale="log", xlabel="plans in the database", ylabel="median server time (ms)")
    left.set_title("Read path (the reader sees ~1,000 plans)")
    left.legend(fontsize=7, loc="upper right", bbox_to_anchor=(1.0, 0.93))
    # One point per audience size: from the largest scale that measured it (all of them at state scale).
    fan_by_size: dict[int, tuple[dict[str, Any], str]] = {}
    publish_by_size: dict[int, float] = {}
    for r in runs:
        for row in (r.get("alerts") or {}).get("fan_out", []):
            fan_by_size[row["recipients"]] = (row, r["scale"])
        for row in (r.get("alerts") or {}).get("publish_latency", []):
            publish_by_size[row["recipients"]] = row["median_ms"]
    if fan_by_size:
        xs = sorted(fan_by_size)
        rows = [fan_by_size[x][0] for x in xs]
        right.plot(xs, [row["fan_out_in_worker_ms"] for row in rows], "o-", label="in-app fan-out (in the worker)")
        right.plot(xs, [row["publish_to_all_inapp_ms"] for row in rows], "s-", label="publish -> all in-app")
        right.plot(xs, [row["copy"]["median_ms"] for row in rows], "k--", label="COPY of the same rows (limit)")
        sizes = sorted(publish_by_size)
        right.plot(sizes, [publish_by_size[x] for x in sizes], "^:", label="publish request (median)")
        for x in xs:
            right.annotate(fan_by_size[x][1], (x, fan_by_size[x][0]["publish_to_all_inapp_ms"]), fontsize=7,
                           textcoords="offset points", xytext=(4, 4))  # fmt: skip
    right.set(xscale="log", yscale="log", xlabel="recipients", ylabel="ms")
    right.set_title("Alert fan-out (one solo worker)")
    right.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(PLOT, dpi=110)


def main() -> None:
    runs = load()
    if not runs:
        raise SystemExit("No results yet: run `make bench` (bench/run.py) first.")
    parts = ["### Targets", _targets(runs), "### Growth with the data", _growth(runs), "### Generation"]
    parts += [_generation(runs), "### Read path"]
    parts += [_read(run) for run in runs if run.get("read")]
    parts += ["### Alerts", _alerts(runs)]
    block = "\n\n".join(parts)
    text = DOC.read_text() if DOC.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    DOC.write_text(f"{head}{START}\n\n{block}\n\n{END}{tail}")
    plot(runs)
    print(f"Wrote the figures of {', '.join(r['scale'] for r in runs)} into {DOC} and {PLOT}.")


if __name__ == "__main__":
    main()

"""Write bench/results/alerts/throughput.json into docs/benchmarks.md, between the `bench:alerts` markers.

    .venv/bin/python -m bench.alert_report

The method and the reading of the figures around the markers are written by hand.
"""

import json
from typing import Any

from bench.django_env import ROOT

RESULT = ROOT / "bench" / "results" / "alerts" / "throughput.json"
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench:alerts:start -->", "<!-- bench:alerts:end -->"
HOOK_HEADER = [
    "worker", "connections", "sent", "received", "TCP connections", "delivery phase ms", "per second",
    "floor / worker", "CPU ms per delivery", "PostgreSQL sessions",
]  # fmt: skip


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join("-" if cell is None else str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _ratio(value: float | None, floor: float | None) -> str:
    return f"{floor / value:.1f}x" if value and floor else "-"


def render(result: dict[str, Any]) -> str:
    floors = {floor["threads"]: floor for floor in result["webhook_floor"]}
    hooks = []
    for run in result["webhooks"]:
        floor = floors.get(run["concurrency"], {})
        hooks.append([
            f"{run['pool']} x {run['concurrency']}",
            "kept alive" if run["connection_reuse"] else "one per delivery (before)",
            f"{run['sent']} / {run['deliveries']}", run["received"], run["connections"],
            f"{run['delivery_phase_ms']:,}" if run["delivery_phase_ms"] else None, run["deliveries_per_second"],
            _ratio(run["deliveries_per_second"], floor.get("deliveries_per_second")),
            run.get("worker_cpu_ms_per_delivery"), run.get("database_sessions"),
        ])  # fmt: skip
    for threads, floor in sorted(floors.items()):
        hooks.append([
            f"floor: urllib3, {threads} thread(s)", "kept alive", f"{floor['sent']} / {floor['sent']}", floor["sent"],
            floor["connections"], f"{floor['ms']:,}", floor["deliveries_per_second"], "1.0x",
            floor.get("client_cpu_ms_per_delivery"), 0,
        ])  # fmt: skip
    for client in result.get("webhook_channel_client", []):
        hooks.append([
            "channel's HTTP part alone, 1 thread",
            "kept alive" if client["connection_reuse"] else "one per delivery (before)",
            f"{client['sent']} / {client['sent']}", client["sent"], client["connections"], f"{client['ms']:,}",
            client["deliveries_per_second"], "-", client["client_cpu_ms_per_delivery"], 0,
        ])  # fmt: skip
    parts = [
        f"Scale {result['scale']}, {result['endpoints']} endpoints on one receiver; load average "
        f"{', '.join(f'{x:.1f}' for x in result['load_average_start'])} at the start and "
        f"{', '.join(f'{x:.1f}' for x in result['load_average_end'])} at the end (1, 5, 15 min; 2 cores, shared); "
        f"commit {result['machine'].get('git_commit', '?')}.",
        "",
        _table(HOOK_HEADER, hooks),
    ]
    email, floor = result.get("email"), result.get("email_floor")
    if email and floor:
        rows = [
            ["worker (solo), one `send_event_emails` task", f"{email['sent']} / {email['emails']}", email["received"],
             email["smtp_sessions"], f"{email['enqueue_to_last_sent_ms']:,}", email["emails_per_second"],
             _ratio(email["emails_per_second"], floor["emails_per_second"])],
            ["floor: smtplib, one connection", f"{floor['emails']} / {floor['emails']}", floor["received"],
             floor["smtp_sessions"], f"{floor['ms']:,}", floor["emails_per_second"], "1.0x"],
        ]  # fmt: skip
        parts += [
            "",
            _table(["e-mail", "sent", "received", "SMTP sessions", "ms", "per second", "floor / worker"], rows),
        ]
    return "\n".join(parts)


def main() -> None:
    result = json.loads(RESULT.read_text())
    text = DOC.read_text()
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    DOC.write_text(f"{before}{START}\n{render(result)}\n{END}{after}")
    print(f"[alerts] figures written to {DOC}")


if __name__ == "__main__":
    main()

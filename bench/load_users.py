"""One step of the load benchmark: locust (headless, as a library) drives the server for a fixed time.

    .venv/bin/python -m bench.load_users step.json out.json

Run by bench/load.py in a process of its own, because importing locust monkey-patches the standard library
for gevent. The step file says where the server is, who signs in (session cookies and API tokens prepared
by bench/load.py), which pages to open, how many users, at what rate and for how long; the figures per page
are written to out.json. Users are signed-in people of the reader's agency opening the dashboard, the plan
list, a plan, "What changed" and a facility; liaisons also acknowledge; the floor pages are in the same mix,
so they are measured under the same server and concurrency. With `publish`, one more user (the hot plan's
admin) publishes a plan halfway through the step. With `only` (a page kind), every user opens that page alone,
over and over: the dashboard is then its page alone, and "dashboard panel (htmx)" one of its panels per request
(`panels`, in turn), the way the pages-alone phase measures each page's throughput.
"""

import itertools
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import gevent
from locust import HttpUser, constant, constant_throughput, events, task
from locust.env import Environment
from locust.exception import StopUser

from bench.load_mix import (
    ACKNOWLEDGE,
    API_FLOOR,
    DASHBOARD,
    DASHBOARD_PANEL,
    DASHBOARD_PANEL_URL,
    DIFF,
    FACILITY,
    HTML_FLOOR,
    MIX,
    PAGE_KINDS,
    PLAN,
    PLAN_LIST,
    PUBLISH,
)

PERCENTILES = (0.5, 0.95, 0.99)
# A step runs its seconds, then on until every page kind has been measured once, up to this much longer.
EXTEND_LIMIT_SECONDS = 60

STEP: dict[str, Any] = {}
_people: "itertools.cycle[dict[str, Any]]"


class Person(HttpUser):
    """A signed-in member of the reader's agency (a liaison for some); sends the session cookie as a browser does."""

    weight = 1

    def on_start(self) -> None:
        if rate := STEP.get("rate_per_user"):
            # Paced users start spread over one pacing interval, as people arrive: started together, they would
            # keep sending their rounds in one burst, and the queue behind each burst would be the latency.
            gevent.sleep(random.random() / rate)
        self.person = next(_people)
        self.cookies = {"Cookie": f"sessionid={self.person['session']}; csrftoken={self.person['csrf_cookie']}"}
        self.round = itertools.count()
        self.pages = {DASHBOARD: self.dashboard, PLAN_LIST: self.plan_list, PLAN: self.plan, DIFF: self.what_changed,
                      FACILITY: self.facility, ACKNOWLEDGE: self.acknowledge, HTML_FLOOR: self.html_floor,
                      API_FLOOR: self.api_floor}  # fmt: skip
        self.alone = {**self.pages, DASHBOARD: self.dashboard_page, DASHBOARD_PANEL: self.dashboard_panel}

    def _get(self, url: str, name: str, headers: dict[str, str] | None = None) -> str:
        with self.client.get(url, name=name, headers=headers or self.cookies, catch_response=True,
                             allow_redirects=False) as response:  # fmt: skip
            if response.status_code != 200:
                response.failure(f"{response.status_code} from {url}")
            return response.text or ""

    @task
    def next_page(self) -> None:
        """The next page of this person's round (see MIX), or the one page kind of the step (`only`)."""
        if only := STEP.get("only"):
            self.alone[only]()
            return
        kind = MIX[next(self.round) % len(MIX)]
        if kind == ACKNOWLEDGE and not self.person["liaison"]:
            kind = MIX[next(self.round) % len(MIX)]  # only liaisons acknowledge; the others read on
        self.pages[kind]()

    def dashboard(self) -> None:
        """The page, then each of its panels as htmx fetches them once the page is there."""
        for url in DASHBOARD_PANEL_URL.findall(self._get("/", DASHBOARD)):
            self._get(url, DASHBOARD_PANEL, {**self.cookies, "HX-Request": "true", "X-Concord-Background": "1"})

    def dashboard_page(self) -> None:
        """The dashboard's page without its panels (alone: the panels are measured as a kind of their own)."""
        self._get("/", DASHBOARD)

    def dashboard_panel(self) -> None:
        """One of the dashboard's panels per request, in turn, as htmx fetches it."""
        panels = STEP["panels"]
        self.panel_index = getattr(self, "panel_index", -1) + 1
        url = panels[self.panel_index % len(panels)]
        self._get(url, DASHBOARD_PANEL, {**self.cookies, "HX-Request": "true", "X-Concord-Background": "1"})

    def plan_list(self) -> None:
        self._get("/plans/", PLAN_LIST)

    def plan(self) -> None:
        plans = STEP["plans"]
        self.plan_index = getattr(self, "plan_index", -1) + 1
        self._get(f"/plans/{plans[self.plan_index % len(plans)]}/", PLAN)

    def what_changed(self) -> None:
        self._get(f"/plans/{STEP['diff_plan']}/diff/", DIFF)

    def facility(self) -> None:
        self._get(f"/facilities/{STEP['facility']}/", FACILITY)

    def acknowledge(self) -> None:
        """Liaisons acknowledge the plan they read (for their agency); the page answers with a redirect back."""
        ack = STEP["acknowledge"]
        url = f"/plans/{ack['plan']}/acknowledge/"
        headers = {**self.cookies, "X-CSRFToken": self.person["csrf_token"]}
        with self.client.post(url, data={"version": ack["version"]}, name=ACKNOWLEDGE, headers=headers,
                              catch_response=True, allow_redirects=False) as response:  # fmt: skip
            if response.status_code != 302:
                response.failure(f"{response.status_code} from {url}")

    def html_floor(self) -> None:
        self._get("/accounts/password_change/", HTML_FLOOR)

    def api_floor(self) -> None:
        self._get(STEP["api_list"], API_FLOOR, {"Authorization": f"Token {self.person['token']}"})


class Publisher(HttpUser):
    """The hot plan's admin: publishes the prepared draft once, halfway through the step, through the API."""

    fixed_count = 1
    wait_time = constant(3600)

    @task
    def publish(self) -> None:
        gevent.sleep(STEP["seconds"] / 2)
        publish = STEP["publish"]
        headers = {"Authorization": f"Token {publish['token']}"}
        with self.client.post(publish["url"], name=PUBLISH, headers=headers, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
        raise StopUser


def _figures(env: Environment) -> dict[str, Any]:
    pages: dict[str, Any] = {}
    for (name, _method), entry in env.stats.entries.items():
        pages[name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "rps": round(entry.num_requests / STEP["elapsed"], 2),
            "mean_ms": round(entry.avg_response_time, 1),
            **{f"p{round(p * 100)}_ms": entry.get_response_time_percentile(p) for p in PERCENTILES},
            "max_ms": round(entry.max_response_time or 0, 1),
            "bytes": round(entry.avg_content_length),
        }
    total = env.stats.total
    errors = [{"page": e.name, "error": str(e.error), "count": e.occurrences} for e in env.stats.errors.values()]
    return {
        "pages": pages,
        "requests": total.num_requests,
        "failures": total.num_failures,
        "rps": round(total.num_requests / STEP["elapsed"], 2),
        "seconds": round(STEP["elapsed"], 1),
        "errors": errors[:20],
    }


def run(step: dict[str, Any]) -> dict[str, Any]:
    global _people
    STEP.clear()
    STEP.update(step)
    _people = itertools.cycle(step["people"])
    rate = step.get("rate_per_user")
    Person.wait_time = constant_throughput(rate) if rate else constant(0)
    classes: list[type[HttpUser]] = [Person, Publisher] if step.get("publish") else [Person]
    env = Environment(user_classes=classes, host=step["host"], events=events, stop_timeout=30)
    runner = env.create_local_runner()
    users = step["users"] + (1 if step.get("publish") else 0)
    started = time.monotonic()
    runner.start(users, spawn_rate=max(users, 1) * 10)
    gevent.sleep(step["seconds"])
    kinds = set(PAGE_KINDS) - ({ACKNOWLEDGE} if not any(p["liaison"] for p in step["people"]) else set())
    if step.get("only"):
        kinds = {step["only"]}
    while time.monotonic() - started < step["seconds"] + EXTEND_LIMIT_SECONDS:
        seen = {name for (name, _), entry in env.stats.entries.items() if entry.num_requests}
        if kinds <= seen and (not step.get("publish") or PUBLISH in seen):
            break
        gevent.sleep(0.25)
    STEP["elapsed"] = time.monotonic() - started
    runner.quit()
    return _figures(env)


def main() -> None:
    step = json.loads(Path(sys.argv[1]).read_text())
    Path(sys.argv[2]).write_text(json.dumps(run(step), indent=2))


if __name__ == "__main__":
    main()

"""Load benchmark: a real gunicorn on the bench database, driven over loopback by locust with signed-in people.

    .venv/bin/python -m bench.load --scale state       # the production configuration only
    .venv/bin/python -m bench.load --scale state --compare conn-max-age=0,broker-pool-limit=0 \
        --compare worker-class=gthread                  # what `make bench-load SCALE=state` runs

Uses the database of `make bench` (`concord_bench_<scale>`, generated the same way when absent, kept when
present) and Redis db 7, like bench/run.py (BENCH_DATABASE_URL / BENCH_REDIS_URL move them). For each server
configuration — the production one, then each --compare variant (`conn-max-age=0,broker-pool-limit=0`:
database and broker connections opened per request and per publish; `worker-class=gthread`: threads) —
gunicorn with the production settings as docker-compose.yml runs it (bench/settings_server.py) and one Celery
worker; a warm-up; the saturation search (closed-loop users doubling until the throughput stops growing or
an error appears); then 25%, 50% and 90% of the saturation throughput at a fixed arrival rate, the hot
plan's admin publishing a plan to its audience halfway through each. Per page: requests/s, p50/p95/p99,
errors, ratios to the floor pages of the same step; per step: CPU of the web workers, the Celery worker,
PostgreSQL, locust and the whole machine; memory of web and worker. Then, for the production configuration
only, the pages-alone phase (issue 18's "within 3x the HTML floor in throughput"): each page kind requested
alone by --alone-users closed-loop users with no think time for --alone-seconds, one kind after another
(the dashboard without its panels; its panels one per request; the plan list, a plan, What changed, the
facility page and both floors), with requests/s, p50/p99, errors, the HTML floor's requests/s over the
page's, and web and PostgreSQL CPU milliseconds per request. Any error while measuring fails the run
(after writing the figures). Figures: bench/results/load-<scale>.json; bench/load_report.py writes the docs.
"""

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.django_env import ROOT, bench_environ
from bench.load_mix import ALONE_KINDS, API_FLOOR, DASHBOARD_PANEL, DASHBOARD_PANEL_URL, HTML_FLOOR
from bench.load_server import CpuMeter, Gunicorn, ServerConfig, collectstatic, peak_rss_mb, production_environ
from bench.scales import DETAIL_PLAN_TITLE, HOT_PLAN_TITLE, PUBLISHER_USERNAME, READER_AGENCY_SLUG, SCALES

Progress = Callable[[str], None]
LEVELS = (0.25, 0.5, 0.9)
# The saturation search stops once doubling the users adds less than this to the throughput.
GROWTH = 1.05
# The plan the admin publishes: the largest hot audience up to 5,000 people (the "hard moment").
PUBLISH_AUDIENCE = 5_000


class LoadErrors(RuntimeError):
    """Requests failed while measuring: the figures are written, and the run fails."""


@dataclasses.dataclass
class Options:
    users: int = 20  # signed-in people of the reader's agency (sessions), cycled over the locust users
    warmup_seconds: float = 5
    step_seconds: float = 15
    level_seconds: float = 30
    max_users: int = 64
    worker_concurrency: int = 2
    server: ServerConfig = dataclasses.field(default_factory=ServerConfig)
    compare: list[ServerConfig] = dataclasses.field(default_factory=list)
    ramp: list[int] | None = None  # users per saturation step; default 1, 2, 4, … up to max_users
    alone_users: int = 6  # the pages-alone phase: closed-loop users per page kind (issue 18's ApacheBench -c 6)
    alone_seconds: float = 10  # … and seconds per page kind; 0 skips the phase


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def prepare(*, secret_key: str, people: int) -> dict[str, Any]:
    """Sessions, CSRF tokens and API tokens of the reader agency's people; the plans and facility they open."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.http import HttpRequest
    from django.middleware.csrf import get_token
    from django.test import Client, override_settings
    from django.utils.crypto import get_random_string

    from access.plans import plans_visible_to
    from accounts.services import api_token_create
    from agencies.models import Facility, Membership, Role
    from plans.models import Plan

    memberships = list(
        Membership.objects.filter(agency__slug=READER_AGENCY_SLUG).select_related("user").order_by("user_id")[:people]
    )
    users = [m.user for m in memberships]
    # A usable password, so the password change page (the HTML floor) renders its form rather than redirecting.
    get_user_model().objects.filter(pk__in=[u.pk for u in users]).update(password=make_password(get_random_string(20)))
    rows = []
    with override_settings(SECRET_KEY=secret_key):  # the server's key signs the sessions it will read
        for membership in memberships:
            user = get_user_model().objects.get(pk=membership.user_id)
            client = Client()
            client.force_login(user)
            request = HttpRequest()
            request.META["CSRF_COOKIE"] = get_random_string(32)
            _, token = api_token_create(user=user, name="bench load")
            rows.append({
                "session": client.cookies["sessionid"].value,
                "csrf_cookie": request.META["CSRF_COOKIE"],
                "csrf_token": get_token(request),
                "token": token,
                "liaison": membership.role in (Role.LIAISON, Role.ADMIN),
            })  # fmt: skip
    # Liaisons first, so even two users include one who acknowledges.
    rows.sort(key=lambda row: not row["liaison"])
    reader = users[0]
    visible = plans_visible_to(user=reader).filter(current_version__isnull=False)
    detail = Plan.objects.select_related("current_version").get(title=DETAIL_PLAN_TITLE)
    with_history = visible.filter(current_version__number__gte=2).order_by("id").first() or detail
    # A building one of those plans covers (the facility page lists its plans), else the agency's own.
    facility = (
        Facility.objects.filter(plans__in=visible).order_by("id").first()
        or Facility.objects.filter(owner_agency__slug=READER_AGENCY_SLUG).order_by("id").first()
    )
    plans = [detail.pk, *visible.exclude(pk=detail.pk).order_by("id").values_list("pk", flat=True)[:19]]
    return {
        "people": rows,
        "plans": plans,
        "diff_plan": with_history.pk,
        "facility": facility.pk if facility else None,
        "acknowledge": {"plan": detail.pk, "version": detail.current_version.number},
        "api_list": "/api/v1/plans/?page=1&page_size=50",
        "visible_plans": visible.count(),
    }


def publisher() -> dict[str, Any]:
    """The hot plan's admin and token; `draft()` starts the draft the next publish will publish."""
    from django.contrib.auth import get_user_model

    from accounts.services import api_token_create
    from plans.models import Plan

    admin = get_user_model().objects.get(username=PUBLISHER_USERNAME)
    hot = Plan.objects.filter(title__startswith=HOT_PLAN_TITLE.split("{")[0]).order_by("id")
    sizes = {plan: int(plan.title.rsplit(": ", 1)[1].split()[0].replace(",", "")) for plan in hot}
    plan = max((p for p, size in sizes.items() if size <= PUBLISH_AUDIENCE), key=lambda p: sizes[p])
    _, token = api_token_create(user=admin, name="bench load publisher")
    return {"admin": admin, "plan": plan, "token": token, "audience": sizes[plan]}


def draft(pub: dict[str, Any]) -> dict[str, Any]:
    """A draft of the hot plan that differs from its current version (publishing an unchanged copy is refused)."""
    from bench.drafts import changed_draft
    from plans.models import Plan

    plan = Plan.objects.get(pk=pub["plan"].pk)
    version = changed_draft(
        plan=plan, actor=pub["admin"], summary="Bench: load run", note="Reviewed in the load benchmark"
    )
    return {"token": pub["token"], "url": f"/api/v1/plans/{plan.pk}/versions/{version.number}/publish/"}


def preflight(url: str, prepared: dict[str, Any]) -> list[str]:
    """Each page once, in turn, as the first liaison: anything but the expected answer stops the run here.

    Returns the dashboard's panel URLs (the pages-alone phase requests them one by one).
    """
    import urllib.error
    import urllib.parse
    import urllib.request

    person = prepared["people"][0]
    cookie = {"Cookie": f"sessionid={person['session']}; csrftoken={person['csrf_cookie']}"}
    ack = prepared["acknowledge"]
    checks = [
        ("/", cookie, None), ("/plans/", cookie, None), (f"/plans/{prepared['plans'][0]}/", cookie, None),
        (f"/plans/{prepared['diff_plan']}/diff/", cookie, None), (f"/facilities/{prepared['facility']}/", cookie, None),
        ("/accounts/password_change/", cookie, None),
        (prepared["api_list"], {"Authorization": f"Token {person['token']}"}, None),
        (f"/plans/{ack['plan']}/acknowledge/", {**cookie, "X-CSRFToken": person["csrf_token"]},
         urllib.parse.urlencode({"version": ack["version"]}).encode()),
    ]  # fmt: skip

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    panels: list[str] = []
    for path, headers, body in checks:
        request = urllib.request.Request(url + path, data=body, headers=headers)  # noqa: S310
        try:
            with opener.open(request, timeout=60) as response:
                status = response.status
                if path == "/":
                    panels = DASHBOARD_PANEL_URL.findall(response.read().decode())
        except urllib.error.HTTPError as error:
            status = error.code
        if status != (302 if body else 200):
            raise LoadErrors(f"{'POST' if body else 'GET'} {path} answered {status} before any load.")
    if not panels:
        raise LoadErrors("The dashboard shows no panels to fetch before any load.")
    return panels


def run_step(step: dict[str, Any], meter: CpuMeter, web_pid: int) -> dict[str, Any]:
    """One locust process for the step; CPU of every process over it, memory of the web workers after it."""
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        config, out = Path(folder) / "step.json", Path(folder) / "out.json"
        config.write_text(json.dumps(step))
        before = meter.snapshot()
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "bench.load_users", str(config), str(out)], cwd=ROOT, env=bench_environ(),
            check=True,
        )  # fmt: skip
        after = meter.snapshot()
        figures: dict[str, Any] = json.loads(out.read_text())
    figures["cpu"] = CpuMeter.delta(before, after)
    figures["users"] = step["users"]
    return figures


def _ratios(figures: dict[str, Any]) -> None:
    """Each page's p50 and p99 over the floors' in the same step."""
    pages = figures["pages"]
    for floor_name, key in ((HTML_FLOOR, "html"), (API_FLOOR, "api")):
        floor = pages.get(floor_name)
        if not floor or not floor["p50_ms"]:
            continue
        for page in pages.values():
            page[f"p50_over_{key}_floor"] = round(page["p50_ms"] / floor["p50_ms"], 2)
            page[f"p99_over_{key}_floor"] = round(page["p99_ms"] / max(floor["p99_ms"], 1), 2)


def bound(step: dict[str, Any]) -> str:
    """What limits the throughput at saturation, from where the CPU went."""
    busy = dict(step["cpu"]["cores_busy"])
    machine = busy.pop("machine (all processes)", 0.0)
    cores = os.cpu_count() or 1
    ours = sum(busy.values())
    top = max(busy, key=lambda name: busy[name])
    shares = ", ".join(f"{name} {value:.2f}" for name, value in sorted(busy.items(), key=lambda kv: -kv[1]))
    if machine - ours > 0.25 * cores:
        return (f"not measurable: other work used {machine - ours:.1f} of the {cores} cores during the step "
                f"(ours: {shares}); run on a quiet machine")  # fmt: skip
    if ours < 0.75 * cores:
        return f"not CPU: {ours:.1f} of {cores} cores busy (waits: connections, locks or I/O); cores: {shares}"
    return f"CPU: {ours:.1f} of {cores} cores busy, most in {top} (cores: {shares})"


def measure_alone(base: dict[str, Any], options: Options, meter: CpuMeter, web_pid: int,
                  progress: Progress) -> dict[str, Any]:  # fmt: skip
    """Each page kind alone, one after another: closed-loop users with no think time, as ApacheBench -c does."""
    pages: dict[str, Any] = {}
    for kind in ALONE_KINDS:
        step = {**base, "users": options.alone_users, "seconds": options.alone_seconds, "only": kind}
        figures = run_step(step, meter, web_pid)
        page = figures["pages"].get(kind, {"requests": 0, "rps": 0.0, "p50_ms": 0, "p99_ms": 0, "failures": 0})
        used = {name: value * figures["cpu"]["seconds"] for name, value in figures["cpu"]["cores_busy"].items()}
        requests = max(page["requests"], 1)
        pages[kind] = {
            **{key: page[key] for key in ("requests", "rps", "p50_ms", "p99_ms", "failures")},
            "errors": figures["errors"],
            "cpu_ms_per_request": {
                "web": round(1000 * used.get("web (gunicorn)", 0.0) / requests, 1),
                "postgresql": round(1000 * used.get("postgresql (all backends)", 0.0) / requests, 1),
            },
            "cores_busy": figures["cpu"]["cores_busy"],
        }
        progress(f"[load]   alone: {kind}: {page['rps']:.1f} requests/s, p50 {page['p50_ms']} / p99 "
                 f"{page['p99_ms']} ms, {page['failures']} errors")  # fmt: skip
    floor = pages[HTML_FLOOR]["rps"]
    for page in pages.values():
        page["html_floor_rps_over_page_rps"] = round(floor / page["rps"], 2) if page["rps"] else None
    return {"users": options.alone_users, "seconds": options.alone_seconds, "pages": pages}


def measure_variant(
    server: ServerConfig, options: Options, prepared: dict[str, Any], pub: dict[str, Any], env: dict[str, str],
    progress: Progress, *, alone: bool = False,
) -> dict[str, Any]:  # fmt: skip
    from bench.fanout import Worker

    worker_env = {
        key: env[key] for key in ("DATABASE_URL", "REDIS_URL", "DATABASE_CONN_MAX_AGE", "CELERY_BROKER_POOL_LIMIT")
    }
    result: dict[str, Any] = {"server": {**dataclasses.asdict(server), "name": server.name}}
    progress(f"[load] {server.name}: starting gunicorn and a Celery worker…")
    web = Gunicorn(server, env)
    web.start()  # gunicorn starts while the worker does (each takes seconds to import the project)
    try:
        with Worker(pool="prefork", concurrency=options.worker_concurrency, env=worker_env) as worker, web:
            meter = CpuMeter(web=web.pid, worker=worker.process.pid if worker.process else None)
            panels = preflight(web.url, prepared)
            base = {"host": web.url, "panels": panels, **{k: v for k, v in prepared.items() if k != "visible_plans"}}
            if options.warmup_seconds:
                warm = run_step({**base, "users": 2, "seconds": options.warmup_seconds}, meter, web.pid)
                if warm["failures"]:
                    raise LoadErrors(f"Warm-up failed: {json.dumps(warm['errors'], indent=2)}")
            ramp, best = [], None
            for users in options.ramp or _doubling(options.max_users):
                step = run_step({**base, "users": users, "seconds": options.step_seconds}, meter, web.pid)
                _ratios(step)
                ramp.append(step)
                cores = ", ".join(f"{name.split()[0]} {value}" for name, value in step["cpu"]["cores_busy"].items())
                progress(f"[load]   saturation search: {users:3d} users → {step['rps']:7.1f} requests/s, "
                         f"{step['failures']} errors; cores busy {cores}")  # fmt: skip
                if step["failures"]:
                    break
                if best is not None and step["rps"] < best["rps"] * GROWTH:
                    if step["rps"] > best["rps"]:
                        best = step
                    break
                best = step
            if best is None:
                raise LoadErrors(f"Errors with a single user: {json.dumps(ramp[0]['errors'], indent=2)}")
            result["saturation"] = {"users": best["users"], "rps": best["rps"], "bound": bound(best), "step": best}
            result["ramp"] = ramp
            saturation = result["saturation"]
            progress(
                f"[load]   saturation: {best['rps']:.1f} requests/s at {best['users']} users; {saturation['bound']}"
            )
            levels = []
            users = max(2 * best["users"], 4)
            per_round = requests_per_round(best)
            for fraction in LEVELS:
                rate = fraction * best["rps"]
                step = {**base, "users": users, "seconds": options.level_seconds,
                        "rate_per_user": rate / per_round / users, "publish": draft(pub)}  # fmt: skip
                figures = run_step(step, meter, web.pid)
                _ratios(figures)
                figures.update(fraction=fraction, target_rps=round(rate, 1))
                levels.append(figures)
                pages = figures["pages"]
                served = f"{rate:.1f} requests/s asked, {figures['rps']:.1f} served"
                progress(f"[load]   {round(fraction * 100)}% ({served}): "
                         + ", ".join(f"{name} p50 {p['p50_ms']} / p99 {p['p99_ms']} ms" for name, p in pages.items()
                                     if name in ("dashboard", HTML_FLOOR))
                         + f"; {figures['failures']} errors")  # fmt: skip
            result["levels"] = levels
            if alone and options.alone_seconds > 0:
                progress(f"[load]   each page alone: {options.alone_users} users, closed loop, "
                         f"{options.alone_seconds:g} s per page kind")  # fmt: skip
                result["alone"] = measure_alone(base, options, meter, web.pid, progress)
            worker_pid = worker.process.pid if worker.process else 0
            result["memory_mb"] = {
                "web (gunicorn master, then workers)": peak_rss_mb(web.pid),
                "worker (celery, then its children)": peak_rss_mb(worker_pid),
            }
    finally:
        web.__exit__()  # also when the worker failed to start
    return result


def requests_per_round(step: dict[str, Any]) -> float:
    """Requests per pacing round of a person in this step: locust paces rounds, and the dashboard's round also
    fetches its panels, so a level asking N requests/s paces N / this rounds a second."""
    panels = step["pages"].get(DASHBOARD_PANEL, {}).get("requests", 0)
    return step["requests"] / max(1, step["requests"] - panels)


def _doubling(limit: int) -> list[int]:
    users, steps = 1, []
    while users <= limit:
        steps.append(users)
        users *= 2
    return steps


def errors_of(result: dict[str, Any]) -> list[str]:
    """Every failed request of the measured levels and each page alone (the saturation search may end on errors)."""
    found = []
    for variant in result["variants"]:
        for level in variant.get("levels", []):
            for error in level["errors"]:
                found.append(f"{variant['server']['name']}, {round(level['fraction'] * 100)}%: {error['count']}x "
                             f"{error['page']}: {error['error']}")  # fmt: skip
        for kind, page in variant.get("alone", {}).get("pages", {}).items():
            for error in page["errors"]:
                found.append(f"{variant['server']['name']}, {kind} alone: {error['count']}x {error['error']}")
            if not page["requests"]:
                found.append(f"{variant['server']['name']}, {kind} alone: no request answered")
    return found


def measure_load(*, options: Options, redis_url: str, progress: Progress = print) -> dict[str, Any]:
    """Run every server configuration against the current (generated) database; Django must be set up."""
    import secrets

    from plans.models import Plan

    secret_key = secrets.token_urlsafe(64)
    prepared = prepare(secret_key=secret_key, people=options.users)
    pub = publisher()
    progress(f"[load] {len(prepared['people'])} signed-in people; the reader sees {prepared['visible_plans']:,} plans; "
             f"the admin publishes to {pub['audience']:,} people mid-level")  # fmt: skip
    result: dict[str, Any] = {
        "plans": Plan.objects.count(),
        "visible_plans": prepared["visible_plans"],
        "publish_audience": pub["audience"],
        "options": {k: v for k, v in dataclasses.asdict(options).items() if k not in ("server", "compare")},
        "variants": [],
    }
    database_url = _database_url()
    for server in [options.server, *options.compare]:
        env = production_environ(database_url=database_url, redis_url=redis_url, server=server)
        env["SECRET_KEY"] = secret_key
        if not result["variants"]:
            progress("[load] collectstatic (production serves the manifest only)…")
            collectstatic(env)
        # The pages-alone phase: the production configuration only (the first), not the --compare variants.
        alone = not result["variants"]
        result["variants"].append(measure_variant(server, options, prepared, pub, env, progress, alone=alone))
    return result


def _variant(base: ServerConfig, text: str) -> ServerConfig:
    """`conn-max-age=0,worker-class=gthread` → the base configuration with those fields changed."""
    changes: dict[str, Any] = {}
    for part in text.split(","):
        key, _, value = part.partition("=")
        field = key.strip().replace("-", "_")
        if field not in {f.name for f in dataclasses.fields(ServerConfig)}:
            raise argparse.ArgumentTypeError(f"unknown setting {key!r} in {text!r}")
        changes[field] = value if field == "worker_class" else int(value)
    return dataclasses.replace(base, **changes)


def main() -> None:
    from bench.run import DEFAULT_REDIS_URL, RESULTS, _machine, _recreate_database, progress

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (docker-compose: WEB_CONCURRENCY=3)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument(
        "--conn-max-age", type=int, default=60, help="DATABASE_CONN_MAX_AGE; 0 = a connection per request"
    )
    parser.add_argument(
        "--broker-pool-limit", type=int, default=10, help="CELERY_BROKER_POOL_LIMIT; 0 = a Redis connection per publish"
    )
    parser.add_argument(
        "--compare", action="append", default=[], metavar="SETTING=VALUE[,…]",
        help="also measure a variant, e.g. conn-max-age=0,broker-pool-limit=0 or worker-class=gthread",
    )  # fmt: skip
    parser.add_argument("--users", type=int, default=20, help="signed-in people (sessions) the locust users take")
    parser.add_argument("--max-users", type=int, default=64, help="the saturation search stops here")
    parser.add_argument("--ramp", help="users per saturation step, comma-separated (default: 1, 2, 4, …)")
    parser.add_argument("--warmup-seconds", type=float, default=5)
    parser.add_argument("--step-seconds", type=float, default=15, help="each saturation step")
    parser.add_argument("--level-seconds", type=float, default=30, help="each of 25%%, 50%%, 90%% of saturation")
    parser.add_argument(
        "--alone-users", type=int, default=6,
        help="pages-alone phase (production configuration only): closed-loop users per page kind (issue 18: ab -c 6)",
    )  # fmt: skip
    parser.add_argument(
        "--alone-seconds", type=float, default=10,
        help="pages-alone phase: seconds per page kind (8 kinds, one after another); 0 skips it",
    )  # fmt: skip
    parser.add_argument("--worker-concurrency", type=int, default=2, help="Celery worker processes (prefork)")
    parser.add_argument("--out", help="results file (default bench/results/load-<scale>.json)")
    args = parser.parse_args()
    server = ServerConfig(args.worker_class, args.workers, args.threads, args.conn_max_age, args.broker_pool_limit)
    options = Options(
        users=args.users, warmup_seconds=args.warmup_seconds, step_seconds=args.step_seconds,
        level_seconds=args.level_seconds, max_users=args.max_users, worker_concurrency=args.worker_concurrency,
        server=server, compare=[_variant(server, text) for text in args.compare],
        ramp=[int(v) for v in args.ramp.split(",")] if args.ramp else None,
        alone_users=args.alone_users, alone_seconds=args.alone_seconds,
    )  # fmt: skip
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/concord_bench_{args.scale}"
    )
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    if not _database_exists(os.environ["DATABASE_URL"]):
        _recreate_database(os.environ["DATABASE_URL"])
    from bench.django_env import setup

    setup()
    from bench.run import generate_step

    started = time.perf_counter()
    result: dict[str, Any] = {"scale": args.scale, "kind": "load", "machine": _machine()}
    result["generation"] = generate_step(args.scale, reuse=_generated())
    result["load_average_start"] = os.getloadavg()
    result.update(measure_load(options=options, redis_url=os.environ["REDIS_URL"], progress=progress))
    result["load_average_end"] = os.getloadavg()
    result["seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.mkdir(exist_ok=True)
    out = Path(args.out) if args.out else RESULTS / f"load-{args.scale}.json"
    out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    progress(f"[load] {args.scale} done in {result['seconds']:.0f} s; figures in {out}")
    if errors := errors_of(result):
        sys.exit("Requests failed under load (the figures are written, but a run with errors does not count):\n"
                 + "\n".join(errors))  # fmt: skip


def _generated() -> bool:
    """The bench data is there (then migrated to this checkout, in case the data predates a migration)."""
    from django.core.management import call_command
    from django.db import connection

    from plans.models import Plan

    if "plans_plan" not in connection.introspection.table_names() or not Plan.objects.exists():
        return False
    call_command("migrate", verbosity=0)
    return True


def _database_exists(url: str) -> bool:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [parts.path.lstrip("/")]).fetchone()
    return row is not None


if __name__ == "__main__":
    main()

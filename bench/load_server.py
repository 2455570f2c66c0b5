"""The processes under load: gunicorn as docker-compose.yml runs it, a Celery worker, and PostgreSQL's CPU and memory.

CPU is counted per process tree with psutil: a tree's own time, its live children's, and the time of children
that already exited and were reaped (`children_user`/`children_system` of the parent), so short-lived
PostgreSQL backends (one per request without persistent connections) are counted too.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from bench.django_env import ROOT, bench_environ

START_LIMIT_SECONDS = 60
STATIC_ROOT = ROOT / "var" / "bench-static"  # as bench/settings_server.py says


@dataclass(frozen=True)
class ServerConfig:
    """How gunicorn runs (worker class: sync as in production, or gthread; workers; threads) and how the web and the
    Celery worker hold their connections (DATABASE_CONN_MAX_AGE, CELERY_BROKER_POOL_LIMIT)."""

    worker_class: str = "sync"
    workers: int = 3
    threads: int = 4
    conn_max_age: int = 60
    broker_pool_limit: int = 10

    @property
    def name(self) -> str:
        threads = f" x {self.threads} threads" if self.worker_class == "gthread" else ""
        pool = "" if self.broker_pool_limit == 10 else f", broker pool {self.broker_pool_limit}"
        return f"{self.worker_class} {self.workers} workers{threads}, CONN_MAX_AGE={self.conn_max_age}{pool}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def production_environ(*, database_url: str, redis_url: str, server: ServerConfig) -> dict[str, str]:
    """portal.settings.production as docker-compose.yml sets it, for a local trial without a TLS proxy."""
    return bench_environ(
        DJANGO_SETTINGS_MODULE="bench.settings_server",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="http://127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        NUM_PROXIES="0",
        DEBUG="false",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DATABASE_CONN_MAX_AGE=str(server.conn_max_age),
        CELERY_BROKER_POOL_LIMIT=str(server.broker_pool_limit),
    )


def collectstatic(env: dict[str, str]) -> None:
    """The production settings serve static files from collectstatic's manifest only (the image builds it);
    skipped while the manifest is newer than every static file of the project."""
    manifest = STATIC_ROOT / "staticfiles.json"
    sources = [p for folder in ROOT.glob("*/static") for p in folder.rglob("*") if p.is_file()]
    if manifest.exists() and all(p.stat().st_mtime < manifest.stat().st_mtime for p in sources):
        return
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )


class Gunicorn:
    """`gunicorn portal.wsgi:application` as the web service runs it, on a free port of 127.0.0.1."""

    def __init__(self, config: ServerConfig, env: dict[str, str]) -> None:
        self.config, self.env = config, {**env, "WEB_CONCURRENCY": str(config.workers)}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "Gunicorn":
        if self.process is None:
            self.start()
        self.wait_ready()
        return self

    def start(self) -> None:
        """Start gunicorn without waiting (the worker can start meanwhile); `wait_ready` waits."""
        self.log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        command = [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                   "--access-logfile", self.log.name, "--worker-class", self.config.worker_class]  # fmt: skip
        if self.config.worker_class == "gthread":
            command += ["--threads", str(self.config.threads)]
        self.process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=self.env, start_new_session=True, stdout=self.log, stderr=subprocess.STDOUT
        )

    def wait_ready(self) -> None:
        """Until the sign-in page answers and every worker has been forked."""
        if self.process is None:
            raise RuntimeError("start() first")
        deadline = time.monotonic() + START_LIMIT_SECONDS
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError(f"gunicorn did not come up within {START_LIMIT_SECONDS} s; see {self.log.name}.")
            time.sleep(0.2)
        while len(psutil.Process(self.process.pid).children()) < self.config.workers:
            time.sleep(0.1)

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=2) as response:  # noqa: S310
                return bool(response.status == 200)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError("start() first")
        return self.process.pid

    def __exit__(self, *exc: object) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by a process, its live children and its reaped children."""
    try:
        root = psutil.Process(pid)
        times = root.cpu_times()
        total = times.user + times.system + times.children_user + times.children_system
        for child in root.children(recursive=True):
            try:
                child_times = child.cpu_times()
                total += child_times.user + child_times.system
            except psutil.NoSuchProcess:
                continue
        return float(total)
    except psutil.NoSuchProcess:
        return 0.0


def postmaster_pid() -> int | None:
    """PostgreSQL's postmaster on this machine (its backends are its children), if it runs here."""
    for process in psutil.process_iter(["name", "ppid"]):
        if process.info["name"] in ("postgres", "postmaster"):
            try:
                parent = psutil.Process(process.info["ppid"])
                if parent.name() not in ("postgres", "postmaster"):
                    return int(process.pid)
            except psutil.NoSuchProcess:
                continue
    return None


def peak_rss_mb(pid: int) -> dict[str, Any]:
    """Each process of a tree (the parent first): current and peak resident memory (VmRSS, VmHWM), MB."""
    rows = []
    try:
        processes = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return {"processes": []}
    for process in processes:
        values = {}
        try:
            for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values["rss" if key == "VmRSS" else "peak"] = round(int(rest.split()[0]) / 1024, 1)
        except OSError:
            continue
        rows.append(values)
    return {"processes": rows, "peak_max": max((r.get("peak", 0) for r in rows), default=0)}


class CpuMeter:
    """CPU seconds of the web, worker, PostgreSQL and load-generator processes between two points in time."""

    def __init__(self, *, web: int, worker: int | None) -> None:
        self.pids = {"web (gunicorn)": web, "worker (celery)": worker, "postgresql (all backends)": postmaster_pid()}

    def snapshot(self) -> dict[str, float]:
        values = {name: tree_cpu_seconds(pid) for name, pid in self.pids.items() if pid is not None}
        children = os.times()
        # The load generator: this process's children that exited (each step's locust process is one).
        values["load generator (locust)"] = children.children_user + children.children_system
        machine = psutil.cpu_times()
        # Everything the machine's cores did, whoever did it: other work on a shared machine shows up here.
        values["machine (all processes)"] = float(sum(machine) - machine.idle - getattr(machine, "iowait", 0.0))
        values["wall"] = time.monotonic()
        return values

    @staticmethod
    def delta(before: dict[str, float], after: dict[str, float]) -> dict[str, Any]:
        wall = after["wall"] - before["wall"]
        cores = os.cpu_count() or 1
        used = {name: after[name] - before[name] for name in after if name != "wall" and name in before}
        return {
            "seconds": round(wall, 1),
            "cores_busy": {name: round(value / wall, 2) for name, value in used.items()},
            "machine_percent": {name: round(100 * value / wall / cores, 1) for name, value in used.items()},
        }

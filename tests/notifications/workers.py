"""Real Celery workers in subprocesses, started with the commands docker-compose.yml gives production.

Each worker service of docker-compose.yml (a `command` that runs `celery -A portal worker`) becomes one
process on this machine with the same queues, pool and concurrency, against the test database and Redis.
The processes run in their own session so a test can SIGKILL a worker with its pool children.
"""

import os
import shlex
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings

from portal.celery import app as celery_app

COMPOSE_FILE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


def database_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def production_worker_commands() -> dict[str, list[str]]:
    """{service: celery arguments} for every worker service in docker-compose.yml."""
    services = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    commands = {}
    for name, service in services.items():
        command = service.get("command")
        words = shlex.split(command) if isinstance(command, str) else list(command or [])
        if words[:4] == ["celery", "-A", "portal", "worker"]:
            commands[name] = words[1:]
    return commands


def _without_option(words: list[str], *names: str) -> list[str]:
    """The arguments without the named options (and their values) — the test sets its own."""
    kept, skip = [], False
    for word in words:
        if skip:
            skip = False
            continue
        if word in names:
            skip = True
            continue
        if any(word.startswith(f"{name}=") for name in names):
            continue
        kept.append(word)
    return kept


@dataclass
class Worker:
    service: str
    node: str
    process: subprocess.Popen
    log: Path

    def kill(self) -> None:
        """SIGKILL the worker and its pool children (as a crash or the OOM killer would)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


def start_worker_process(
    service: str, arguments: list[str], log_dir: Path, extra_env: dict[str, str] | None = None
) -> Worker:
    node = f"{service}-{uuid.uuid4().hex[:8]}@test"
    log = log_dir / f"{service}.log"
    arguments = _without_option(arguments, "-l", "--loglevel", "-n", "--hostname")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "true",
        **(extra_env or {}),
    }
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and docker-compose's arguments
            [sys.executable, "-m", "celery", *arguments, "-n", node, "-l", "info", "--without-mingle"],
            env=env,
            start_new_session=True,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return Worker(service=service, node=node, process=process, log=log)


def wait_until_ready(workers: list[Worker], timeout: float = 60.0) -> None:
    """Wait until every worker answers a ping over the broker (so it consumes its queues)."""
    deadline = time.monotonic() + timeout
    waiting = {worker.node for worker in workers}
    while waiting and time.monotonic() < deadline:
        for worker in workers:
            if worker.process.poll() is not None:
                raise AssertionError(f"worker {worker.service} exited:\n{worker.log.read_text()[-3000:]}")
        replies = celery_app.control.ping(destination=sorted(waiting), timeout=1.0) or []
        for reply in replies:
            waiting -= set(reply)
    if waiting:
        raise AssertionError(f"workers {sorted(waiting)} did not start within {timeout:.0f} s")


@contextmanager
def production_workers(log_dir: Path, extra_env: dict[str, str] | None = None) -> Iterator[list[Worker]]:
    """Every worker service of docker-compose.yml, running until the block ends (then killed)."""
    celery_app.control.purge()  # messages left by earlier tests refer to rows that are gone
    workers = []
    try:
        for service, arguments in production_worker_commands().items():
            workers.append(start_worker_process(service, arguments, log_dir, extra_env))
        wait_until_ready(workers)
        yield workers
    finally:
        for worker in workers:
            worker.kill()
        celery_app.control.purge()

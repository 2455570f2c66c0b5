"""Real services the outage tests start and stop: a private redis-server and the app under gunicorn."""

import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis
from django.conf import settings

STARTUP_SECONDS = 20
REDIS_SERVER = shutil.which("redis-server") or "redis-server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _wait(condition, what: str, timeout: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}")


def _end(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


class PrivateRedis:
    """A redis-server of the test's own on a free port, without persistence, that can be stopped and restarted."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(self.answers, f"redis-server on port {self.port}")

    def stop(self) -> None:
        _end(self.process)
        self.process = None
        _wait(lambda: not port_open(self.port), f"port {self.port} to close")

    def answers(self) -> bool:
        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping()
        except redis.ConnectionError:
            return False

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=1)


class AppServer:
    """The portal under gunicorn (one worker, DEBUG off) with the environment it is given."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        base = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
        env = {
            **base,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "false",
            "SECRET_KEY": "outage-test-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            **self.env,
        }
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "portal.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "1",
                    "--timeout",
                    "30",
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait(self.answers, "gunicorn's worker to answer")

    def answers(self) -> bool:
        """The worker has booted: the sign-in form (which needs no database for an anonymous visitor) answers."""
        assert self.process.poll() is None, self.log()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
        try:
            connection.request("GET", "/accounts/login/", headers={"Host": "127.0.0.1"})
            return connection.getresponse().status > 0
        except OSError:
            return False
        finally:
            connection.close()

    def stop(self) -> None:
        _end(self.process)
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

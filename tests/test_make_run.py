"""`make run`: what the Makefile would do, read from `make -n` (nothing is installed or served here)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# A parent `make test` passes its own flags and variables down; each test here decides them itself.
INHERITED = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "PORT", "SITE_URL")


def dry_run(*args: str) -> list[str]:
    """The commands `make` would run for `args`, every step included as if nothing were installed yet (-B)."""
    executable = shutil.which("make")
    if executable is None:
        pytest.fail("make is not installed")
    env = {key: value for key, value in os.environ.items() if key not in INHERITED}
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [executable, "--no-print-directory", "-n", "-B", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.splitlines()


def manage_commands(lines: list[str]) -> list[str]:
    return [line for line in lines if "manage.py" in line]


@pytest.mark.parametrize(("args", "port"), [((), "8000"), (("PORT=8200",), "8200")], ids=["default", "PORT=8200"])
def test_make_run_serves_on_the_port_given_and_links_in_e_mails_follow_it(args, port):
    commands = manage_commands(dry_run("run", *args))
    assert [command.split("manage.py ", 1)[1] for command in commands] == [
        "migrate --noinput",
        "seed_demo",
        f"runserver 127.0.0.1:{port}",
    ]
    for command in commands:
        assert f"SITE_URL=http://127.0.0.1:{port} " in command, command
        assert "-u DATABASE_URL -u REDIS_URL" in command, command  # always the SQLite demo, never a real database


def test_make_run_installs_only_the_runtime_requirements():
    installs = [line for line in dry_run("run") if "pip install" in line and " -r " in line]
    assert installs == [".venv/bin/python -m pip install --quiet -r requirements.txt"]


@pytest.mark.parametrize("target", ["lint", "test", "bench", "install"])
def test_lint_test_and_bench_still_install_the_test_tools(target):
    assert ".venv/bin/python -m pip install --quiet -r requirements-dev.txt" in dry_run(target)


def test_the_test_tools_are_kept_out_of_the_runtime_requirements():
    runtime = (ROOT / "requirements.txt").read_text().lower()
    for tool in ("pytest", "ruff", "mypy", "playwright", "factory_boy", "schemathesis", "hypothesis"):
        assert f"\n{tool}" not in runtime, tool
    assert (ROOT / "requirements-dev.txt").read_text().splitlines()[1] == "-r requirements.txt"

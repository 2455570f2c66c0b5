"""Deployment: the compose stack parses and insists on its secrets; production settings pass Django's deploy check."""

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
# Variables the compose file or the production settings read; the tests decide each one themselves.
CONTROLLED = (
    "SECRET_KEY",
    "POSTGRES_PASSWORD",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
    "COMPOSE_FILE",
    "COMPOSE_PROJECT_NAME",
)
# One worker service per queue group (portal/settings/base.py routes the tasks; docs/notifications.md).
WORKERS = {
    "worker-alerts": "alerts",
    "worker-email": "email",
    "worker-webhooks": "webhooks",
    "worker-exports": "exports",
}
COMPOSE_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(64),
    "POSTGRES_PASSWORD": secrets.token_urlsafe(24),
    "ALLOWED_HOSTS": "concord.example.org",
    "SITE_URL": "https://concord.example.org",
}


def _env(**values: str) -> dict[str, str]:
    # The browser tests allow Django's ORM beside Playwright's event loop; a deployment never would.
    env = {
        key: value for key, value in os.environ.items() if key not in CONTROLLED and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(values)
    return env


def _docker_compose_config(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("docker-compose")
    if executable is None:
        pytest.fail("docker-compose is not installed: run `make test`, which installs Debian's docker-compose.")
    # An empty env file, so a developer's untracked .env cannot supply the values under test.
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("")
    return subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [executable, "--env-file", str(empty_env_file), "-f", str(ROOT / "docker-compose.yml"), "config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_compose_brings_up_database_broker_web_workers_per_queue_and_beat(tmp_path):
    result = _docker_compose_config(tmp_path, _env(**COMPOSE_ENV))
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert {"postgres", "redis", "web", *WORKERS, "beat"} <= set(services)
    assert "migrate" in services["web"]["command"]
    assert "gunicorn portal.wsgi" in services["web"]["command"]
    for name, queue in WORKERS.items():
        assert services[name]["command"].startswith(f"celery -A portal worker -Q {queue} ")
    assert services["beat"]["command"].startswith("celery -A portal beat -l info")
    for name in ("web", *WORKERS, "beat"):
        environment = services[name]["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "portal.settings.production"
        assert environment["SECRET_KEY"] == COMPOSE_ENV["SECRET_KEY"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"].startswith("redis://redis:")


def test_attachments_live_on_a_volume_shared_by_web_and_worker(tmp_path):
    result = _docker_compose_config(tmp_path, _env(**COMPOSE_ENV))
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    for name in ("web", *WORKERS):
        service = config["services"][name]
        media_root = service["environment"]["PRIVATE_MEDIA_ROOT"]
        mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in service["volumes"]}
        assert mounts.get(media_root) == "attachments", f"{name} does not keep {media_root} on a volume"
    assert "attachments" in config["volumes"]
    assert "healthcheck" in config["services"]["postgres"]


@pytest.mark.parametrize("missing", ["SECRET_KEY", "POSTGRES_PASSWORD"])
def test_compose_refuses_to_start_without_its_secrets(tmp_path, missing):
    values = {key: value for key, value in COMPOSE_ENV.items() if key != missing}
    result = _docker_compose_config(tmp_path, _env(**values))
    assert result.returncode != 0
    assert missing in result.stderr


def test_the_compose_file_commits_no_secret():
    text = (ROOT / "docker-compose.yml").read_text()
    for variable in ("SECRET_KEY", "POSTGRES_PASSWORD"):
        assert f"${{{variable}:?" in text, f"{variable} must be required from the environment"
    assert "SECRET_KEY: ${SECRET_KEY:-" not in text


def test_production_settings_pass_the_deploy_check():
    env = _env(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="concord.example.org",
    )
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_serves_static_files_only_from_the_collectstatic_manifest():
    env = _env(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="concord.example.org",
    )
    # The settings as the deployed process reads them, and as WhiteNoise's middleware takes them up.
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "from whitenoise.middleware import WhiteNoiseMiddleware; "
        "middleware = WhiteNoiseMiddleware(lambda request: None); "
        "print(json.dumps({'debug': settings.DEBUG, 'autorefresh': middleware.autorefresh, "
        "'use_finders': middleware.use_finders, 'storage': settings.STORAGES['staticfiles']['BACKEND']}))"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "debug": False,
        "autorefresh": False,
        "use_finders": False,
        "storage": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    }


@pytest.mark.parametrize("secret_key", [None, "too-short"], ids=["unset", "short"])
def test_production_settings_refuse_to_start_without_a_real_secret_key(secret_key):
    values = {"DJANGO_SETTINGS_MODULE": "portal.settings.production", "ALLOWED_HOSTS": "concord.example.org"}
    if secret_key is not None:
        values["SECRET_KEY"] = secret_key
    result = _manage("check", env=_env(**values))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_image_runs_as_an_unprivileged_user_and_leaves_local_secrets_out():
    dockerfile = (ROOT / "Dockerfile").read_text().splitlines()
    users = [line.split()[1] for line in dockerfile if line.startswith("USER ")]
    assert users, "the Dockerfile never drops root"
    assert users[-1].split(":")[0] not in ("root", "0")
    assert any(line.startswith("FROM python:3.11-slim") for line in dockerfile)
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", ".venv", ".git", "*.sqlite3", "var/"} <= ignored


def test_every_app_service_has_a_healthcheck_and_starts_after_the_migrations(tmp_path):
    result = _docker_compose_config(tmp_path, _env(**COMPOSE_ENV))
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert services["migrate"]["command"] == "python manage.py migrate --noinput"
    assert services["migrate"]["restart"] == "no"
    assert "migrate" not in services["migrate"]["depends_on"]
    # The web refuses to serve a schema its code does not match, even if started on its own.
    assert services["web"]["command"].startswith('sh -c "python manage.py migrate --check && exec gunicorn ')
    expected = {"web": "web", "beat": "beat", **dict.fromkeys(WORKERS, "worker")}
    for name, process in expected.items():
        service = services[name]
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
        assert service["healthcheck"]["test"] == ["CMD", "python", "manage.py", "healthcheck", process], name


def test_in_production_probes_are_answered_over_plain_http_not_redirected_to_https():
    env = _env(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="concord.example.org",
    )
    script = (
        "import django; django.setup(); from django.test import Client; "
        "client = Client(HTTP_HOST='concord.example.org'); "
        "print(client.get('/health/live/').status_code, client.get('/health/ready/').status_code, "
        "client.get('/accounts/login/').status_code)"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    live, ready, page = result.stdout.split()
    assert live == "200"
    assert ready in ("200", "503")  # whatever this machine's database says, an answer and not a redirect
    assert page == "301"  # pages still go to https

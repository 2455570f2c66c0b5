"""Production logs: one JSON line per request and per task, the request's id carried into the tasks it enqueues."""

import io
import json
import logging.config
import os
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings

from portal.celery import app as celery_app
from portal.settings.logs import json_logging
from tests.conftest import client_for, web_client
from tests.notifications.alert_checks import wait_for

Lines = Callable[[], list[dict]]


@pytest.fixture
def json_log(settings) -> Iterator[Lines]:
    """The production logging configuration, writing to a buffer the test reads (a worker starting in this
    process configures Django again, so the setting is the JSON one too)."""
    original = settings.LOGGING
    stream = io.StringIO()
    config = json_logging(original, "INFO")
    config["handlers"]["console"]["stream"] = stream
    settings.LOGGING = config
    logging.config.dictConfig(config)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logging.config.dictConfig(original)


def _requests(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "concord.request"]


def _tasks(lines: list[dict], request_id: str) -> list[dict]:
    return [line for line in lines if line["logger"] == "concord.task" and line["request_id"] == request_id]


@pytest.mark.django_db
def test_each_request_writes_one_json_line_with_its_id_and_no_personal_data(county, json_log):
    client = web_client(county.owner_admin)
    response = client.get(f"/plans/{county.plan.pk}/", {"q": "jane.doe@example.org"}, HTTP_X_REQUEST_ID="req-0001")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "req-0001"
    (line,) = _requests(json_log())
    assert line["message"] == "request"
    assert line["level"] == "INFO"
    assert line["request_id"] == "req-0001"
    assert line["method"] == "GET"
    assert line["view"] == "plans:detail"
    assert line["route"] == "plans/<int:plan_id>/"
    assert line["url_ids"] == {"plan_id": county.plan.pk}
    assert line["status"] == 200
    assert line["user_id"] == county.owner_admin.pk
    assert line["duration_ms"] >= 0
    assert "timestamp" in line
    written = json.dumps(line)
    assert "jane.doe" not in written
    assert county.owner_admin.username not in written


@pytest.mark.django_db
def test_a_forged_request_id_is_replaced_by_a_new_one(client, json_log):
    response = client.get("/health/live/", HTTP_X_REQUEST_ID='x"\n{"level": "ERROR"}')
    generated = response["X-Request-ID"]
    assert len(generated) == 32
    assert int(generated, 16) >= 0
    (line,) = _requests(json_log())
    assert line["request_id"] == generated


@pytest.mark.django_db
def test_without_an_id_each_request_gets_its_own(client, json_log):
    first = client.get("/health/live/")["X-Request-ID"]
    second = client.get("/health/live/")["X-Request-ID"]
    assert first != second
    assert [line["request_id"] for line in _requests(json_log())] == [first, second]


@pytest.fixture
def eager_celery() -> Iterator[None]:
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def _publish(county, request_id: str) -> None:
    response = client_for(county.owner_admin).post(
        f"/api/v1/plans/{county.plan.pk}/versions/{county.draft.number}/publish/", HTTP_X_REQUEST_ID=request_id
    )
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_task_run_in_process_logs_its_line_with_the_request_id(county, json_log, eager_celery):
    _publish(county, "req-publish-eager")
    fan_out = [
        line for line in _tasks(json_log(), "req-publish-eager") if line["task"] == "notifications.fan_out_event"
    ]
    assert len(fan_out) == 1
    assert fan_out[0]["state"] == "SUCCESS"
    assert fan_out[0]["message"] == "task"


@pytest.fixture
def worker(json_log) -> Iterator[None]:
    """A real worker on the test Redis, logging through Django's configuration as production's workers do."""

    def keep_django_logging(**kwargs: object) -> None:
        return None

    signals.setup_logging.connect(keep_django_logging)
    celery_app.control.purge()
    try:
        with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        signals.setup_logging.disconnect(keep_django_logging)


@pytest.mark.django_db(transaction=True)
def test_the_request_id_travels_with_the_message_to_the_worker_and_its_follow_up_tasks(county, json_log, worker):
    _publish(county, "req-publish-worker")
    # The fan-out, and the e-mail task the fan-out itself enqueued from the worker.
    expected = {"notifications.fan_out_event", "notifications.send_event_emails"}
    wait_for(
        lambda: expected <= {line["task"] for line in _tasks(json_log(), "req-publish-worker")},
        what="the fan-out's and the e-mails' log lines",
    )
    lines = [line for line in _tasks(json_log(), "req-publish-worker") if line["task"] in expected]
    assert sorted(line["task"] for line in lines) == sorted(expected)
    assert {line["state"] for line in lines} == {"SUCCESS"}


def test_production_settings_write_json_lines():
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('concord.request').info('request', extra={'status': 200, 'view': 'plans:detail'})"
    )
    result = _production(script)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    request = [line for line in lines if line["logger"] == "concord.request"]
    assert request == [
        {
            "level": "INFO",
            "logger": "concord.request",
            "message": "request",
            "request_id": None,
            "status": 200,
            "view": "plans:detail",
            "timestamp": request[0]["timestamp"],
        }
    ]


def _production(script: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("DJANGO_SETTINGS_MODULE", "DEBUG")}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="concord.example.org",
        **extra,
    )
    return subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "-c", script],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


SENTRY_STATE = (
    "import django, sentry_sdk; django.setup(); client = sentry_sdk.get_client(); "
    "print(client.is_active(), client.options['send_default_pii'])"
)


def test_sentry_is_off_unless_a_dsn_is_given_and_then_sends_no_personal_data():
    off = _production(SENTRY_STATE)
    assert off.returncode == 0, off.stderr
    assert off.stdout.split()[0] == "False"
    on = _production(SENTRY_STATE, SENTRY_DSN="https://public@sentry.example.org/1")
    assert on.returncode == 0, on.stderr
    assert on.stdout.split() == ["True", "False"]


def test_the_json_configuration_keeps_the_outage_and_refusal_filters():
    config = json_logging(django_settings.LOGGING, "INFO")
    assert config["handlers"]["console"]["filters"] == ["client_errors_on_one_line", "request_id"]
    assert config["loggers"]["portal.cache"]["filters"] == ["cache_outage"]
    assert config["loggers"]["django.request"]["filters"] == ["skip_unavailable"]
    assert set(config["filters"]) == {"cache_outage", "skip_unavailable", "client_errors_on_one_line", "request_id"}

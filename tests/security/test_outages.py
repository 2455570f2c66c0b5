"""Outages of Redis and PostgreSQL, with the real services stopped (issue 11, item 7).

Redis: a private redis-server is the cache (throttle counters) and the Celery broker; it is
stopped, and the token endpoint, lists, details, publish and web pages must keep answering
normally, with one warning line rather than a traceback per request. The publish commits, and
its alerts arrive exactly once through the sweep and a real worker once Redis is back.

PostgreSQL: the app runs under gunicorn against a port where nothing listens; every request
that needs the database answers 503 with Retry-After, as JSON under /api/ and as a page elsewhere.
"""

import http.client
import json
import logging
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.test import Client
from rest_framework.test import APIClient

from notifications.models import Notification, OutboxEvent
from plans.models import PlanVersion, VersionState
from portal.celery import app as celery_app
from tests.agencies.factories import PASSWORD
from tests.notifications.alert_checks import exactly_once, expected_recipients, wait_for
from tests.security.outage_services import AppServer, PrivateRedis, free_port

REQUEST_SECONDS = 2.0


# --- Redis -----------------------------------------------------------------------------------


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_on_private_redis(private_redis, settings):
    """Cache (throttles) and Celery broker of this process on the private Redis, as REDIS_URL would set them."""
    settings.CACHES = {"default": {**django_settings.CACHES["default"], "LOCATION": private_redis.url}}
    original = (celery_app.conf.broker_url, celery_app._pool, celery_app.amqp._producer_pool)
    celery_app.conf.broker_url = private_redis.url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    for log_filter in _cache_log_filters():
        log_filter.reset()
    yield private_redis
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app.conf.broker_url, celery_app._pool, celery_app.amqp._producer_pool = original


def _cache_log_filters() -> list:
    logger = logging.getLogger(getattr(django_settings, "DJANGO_REDIS_LOGGER", "django_redis.cache"))
    return [f for f in logger.filters if hasattr(f, "reset")]


def _timed(call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    elapsed = time.monotonic() - started
    assert elapsed < REQUEST_SECONDS, f"{args[0]} took {elapsed:.1f} s with Redis down"
    return response


@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_the_api_answers_and_a_publish_is_alerted_once_redis_is_back(
    county, app_on_private_redis, settings, caplog
):
    redis_server = app_on_private_redis
    settings.OUTBOX_SWEEP_GRACE_SECONDS = 0
    plan, draft = county.plan, county.draft
    recipients = expected_recipients(county)
    api = APIClient()
    assert api.post("/api/v1/auth/token/", {"username": "district_admin", "password": PASSWORD}).status_code == 200
    assert redis_server.client().dbsize() > 0, "the throttle should count in the private Redis while it runs"
    from notifications.tasks import sweep_outbox

    sweep_outbox.delay()  # the producer now holds a broker connection that the outage will break

    redis_server.stop()
    caplog.clear()
    caplog.set_level(logging.INFO)

    response = _timed(api.post, "/api/v1/auth/token/", {"username": "district_admin", "password": PASSWORD})
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = _timed(api.get, "/api/v1/plans/")
    assert response.status_code == 200, response.content
    assert plan.pk in {row["id"] for row in response.json()["results"]}
    response = _timed(api.get, f"/api/v1/plans/{plan.pk}/")
    assert response.status_code == 200, response.content
    assert response.json()["title"] == plan.title

    response = _timed(api.post, f"/api/v1/plans/{plan.pk}/versions/{draft.number}/publish/")
    assert response.status_code == 200, response.content
    assert PlanVersion.objects.get(pk=draft.pk).state == VersionState.PUBLISHED
    event = OutboxEvent.objects.filter(event_type="version.published", dispatched_at__isnull=True).latest("id")
    assert not Notification.objects.filter(event=event).exists()

    web = Client()
    web.force_login(county.partner_view_liaison)
    assert _timed(web.get, "/plans/").status_code == 200
    for _ in range(5):
        assert _timed(api.get, "/api/v1/plans/").status_code == 200

    # One warning line for the cache outage, not a traceback per request.
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged during the Redis outage"
    cache_warnings = [r for r in caplog.records if r.levelno >= logging.WARNING and "redis" in r.getMessage().lower()]
    cache_warnings = [r for r in cache_warnings if "cache" in r.getMessage().lower()]
    assert len(cache_warnings) == 1, [r.getMessage() for r in caplog.records]
    assert "\n" not in cache_warnings[0].getMessage()

    # Redis is back: beat's sweep hands the event to a worker, which alerts each person exactly once.
    redis_server.start()
    celery_app.control.purge()
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
        sweep_outbox.delay()
        wait_for(lambda: exactly_once(event, recipients), timeout=20, what="the sweep's delivery after Redis came back")
        sweep_outbox.delay()
        time.sleep(1)
    assert exactly_once(event, recipients)
    event.refresh_from_db()
    assert event.dispatched_at is not None

    # And throttling counts in Redis again.
    redis_server.client().flushdb()
    assert api.get("/api/v1/plans/").status_code == 200
    assert redis_server.client().dbsize() > 0


# --- PostgreSQL ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app_without_database(tmp_path_factory):
    """The portal under gunicorn with DATABASE_URL pointing at a port where nothing listens."""
    folder = tmp_path_factory.mktemp("no-database")
    server = AppServer(
        {"DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/concord"}, folder / "gunicorn.log"
    )
    server.start()
    yield server
    server.stop()


def _request(server: AppServer, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        started = time.monotonic()
        connection.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        content = response.read()
        assert time.monotonic() - started < 5, f"{method} {path} took too long with the database down"
        return response.status, {k.lower(): v for k, v in response.getheaders()}, content
    finally:
        connection.close()


def _assert_retry_after(headers: dict) -> None:
    assert "retry-after" in headers, headers
    assert int(headers["retry-after"]) > 0


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/plans/", None),
        ("GET", "/api/v1/plans/1/", None),
        ("POST", "/api/v1/plans/1/versions/2/publish/", None),
        ("GET", "/api/v1/me/", None),
    ],
)
def test_with_postgres_down_the_api_answers_503_json_with_retry_after(app_without_database, method, path, body):
    status, headers, content = _request(
        app_without_database, method, path, body, {"Authorization": "Token 0123456789abcdef", "Accept": "*/*"}
    )
    assert status == 503, content[:500]
    _assert_retry_after(headers)
    assert headers["content-type"].startswith("application/json")
    assert "temporarily unavailable" in json.loads(content)["detail"].lower()


def test_with_postgres_down_the_token_endpoint_answers_503_json(app_without_database):
    status, headers, content = _request(
        app_without_database,
        "POST",
        "/api/v1/auth/token/",
        json.dumps({"username": "district_admin", "password": PASSWORD}).encode(),
        {"Content-Type": "application/json"},
    )
    assert status == 503, content[:500]
    _assert_retry_after(headers)
    assert headers["content-type"].startswith("application/json")
    assert "temporarily unavailable" in json.loads(content)["detail"].lower()


@pytest.mark.parametrize("path", ["/", "/plans/", "/accounts/login/", "/agencies/", "/api-auth/login/"])
def test_with_postgres_down_a_signed_in_browser_gets_a_503_page(app_without_database, path):
    # The session cookie makes the session middleware ask the database before any view runs.
    status, headers, content = _request(app_without_database, "GET", path, headers={"Cookie": "sessionid=abc123xyz"})
    assert status == 503, content[:500]
    _assert_retry_after(headers)
    assert headers["content-type"].startswith("text/html")
    page = content.decode()
    assert "temporarily unavailable" in page.lower()
    assert "portal/concord.css" in page, "the page keeps the site's look"
    assert "Traceback" not in page


def test_with_postgres_down_signing_in_answers_a_503_page(app_without_database):
    # The sign-in form itself needs no database; submitting it does.
    status, headers, content = _request(app_without_database, "GET", "/accounts/login/")
    assert status == 200, content[:500]
    cookie = headers["set-cookie"].split(";")[0]
    csrf = content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    status, headers, content = _request(
        app_without_database,
        "POST",
        "/accounts/login/",
        f"csrfmiddlewaretoken={csrf}&login=district_admin&password={PASSWORD}".encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie, "Referer": "http://127.0.0.1/"},
    )
    assert status == 503, content[:500]
    _assert_retry_after(headers)
    assert "temporarily unavailable" in content.decode().lower()


def test_with_postgres_down_the_log_has_no_traceback_per_request(app_without_database):
    for _ in range(3):
        _request(app_without_database, "GET", "/plans/", headers={"Cookie": "sessionid=abc123xyz"})
        _request(app_without_database, "GET", "/api/v1/plans/", headers={"Authorization": "Token 0123456789abcdef"})
    time.sleep(0.2)
    log = app_without_database.log()
    assert "Traceback" not in log, log[-3000:]
    assert log.count("PostgreSQL unreachable") == 1, log[-3000:]  # one line a minute, not one per request


@pytest.mark.django_db
def test_only_connection_failures_count_as_the_database_being_unavailable():
    """A refused connection is an outage (503); a bad or cancelled query stays an ordinary error (500)."""
    from django.db import DatabaseError, connection, transaction
    from django.db.backends.postgresql.base import DatabaseWrapper

    from portal.unavailable import database_unavailable

    def error_of(run) -> DatabaseError:
        with pytest.raises(DatabaseError) as caught, transaction.atomic():  # a savepoint: the next query runs
            run()
        return caught.value

    refused = DatabaseWrapper({**connection.settings_dict, "PORT": str(free_port())}, alias="refused")
    assert database_unavailable(error_of(refused.ensure_connection))
    refused.close()

    def cancelled() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 1")
            cursor.execute("SELECT pg_sleep(1)")

    def failing() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")

    def missing_table() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    errors = [error_of(cancelled), error_of(failing), error_of(missing_table)]
    assert [getattr(error.__cause__, "sqlstate", None) for error in errors] == ["57014", "22012", "42P01"]
    assert not any(database_unavailable(error) for error in errors)
    assert not database_unavailable(ValueError("not a database error"))

"""Liveness and readiness: what an orchestrator or docker-compose asks before sending a web process requests."""

import pytest

pytestmark = pytest.mark.django_db

LIVE, READY = "/health/live/", "/health/ready/"
CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_liveness_answers_without_asking_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(LIVE)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readiness_answers_200_when_database_redis_migrations_and_attachments_are_fine(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = client.get(READY)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "redis": "ok", "private_media": "ok"},
    }


def test_readiness_answers_503_when_redis_is_unreachable_and_says_no_more_than_which(client, settings):
    settings.REDIS_URL = CLOSED_PORT_REDIS
    response = client.get(READY)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {"database": "ok", "migrations": "ok", "redis": "unavailable", "private_media": "ok"}
    # Neither the address nor the error text reaches an unauthenticated caller.
    assert "127.0.0.1" not in response.content.decode()
    assert "refused" not in response.content.decode().lower()


def test_readiness_answers_503_while_a_migration_is_not_applied(client, settings):
    settings.MIGRATION_MODULES = {"operations": "tests.operations.unapplied_migrations"}
    response = client.get(READY)
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "unavailable"
    assert response.json()["checks"]["database"] == "ok"


def test_readiness_answers_503_when_attachments_cannot_be_written(client, settings, tmp_path):
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a folder")
    settings.PRIVATE_MEDIA_ROOT = in_the_way / "private"
    response = client.get(READY)
    assert response.status_code == 503
    assert response.json()["checks"]["private_media"] == "unavailable"


def test_readiness_leaves_nothing_in_the_attachments_folder(client, settings):
    assert client.get(READY).status_code == 200
    assert list(settings.PRIVATE_MEDIA_ROOT.iterdir()) == []


def test_without_redis_configured_readiness_checks_the_rest(client, settings):
    settings.REDIS_URL = ""
    response = client.get(READY)
    assert response.status_code == 200
    assert "redis" not in response.json()["checks"]


def test_probes_over_plain_http_are_answered_not_redirected_to_https(client, settings):
    # As portal/settings/production.py sets them: probes talk to gunicorn directly, without the proxy's TLS.
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics/$"]
    assert client.get(LIVE).status_code == 200
    assert client.get(READY).status_code == 200
    assert client.get("/accounts/login/").status_code == 301

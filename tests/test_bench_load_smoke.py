"""The load benchmark at its smallest: a real gunicorn (production settings) on the test database, a real Celery
worker, locust with two signed-in people for a few seconds per step; `make bench-load` runs it in full."""

import pytest
from django.conf import settings
from django.db import transaction

from bench.generate import generate
from bench.load import Options, errors_of, measure_load
from bench.load_mix import ALONE_KINDS, HTML_FLOOR, PAGE_KINDS, PUBLISH
from bench.load_report import _alone
from bench.load_server import ServerConfig
from bench.scales import SCALES
from plans.models import Plan, VersionState

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_load_bench_serves_every_page_kind_without_errors_and_reports_where_the_cpu_went():
    with transaction.atomic():
        generate(scale=SCALES["tiny"], progress=lambda line: None)
    hot = Plan.objects.filter(title__startswith="Bench hot plan").get()
    published_before = hot.versions.filter(state__in=[VersionState.PUBLISHED, VersionState.SUPERSEDED]).count()
    options = Options(
        users=2, warmup_seconds=0, step_seconds=2, level_seconds=2, ramp=[2], worker_concurrency=1,
        server=ServerConfig(workers=2), alone_users=2, alone_seconds=1,
    )  # fmt: skip
    lines: list[str] = []

    result = measure_load(options=options, redis_url=settings.REDIS_URL, progress=lines.append)

    assert errors_of(result) == []
    (variant,) = result["variants"]
    assert variant["saturation"]["rps"] > 0
    assert variant["saturation"]["bound"]
    assert [level["fraction"] for level in variant["levels"]] == [0.25, 0.5, 0.9]
    for level in variant["levels"]:
        assert level["failures"] == 0
        assert set(level["pages"]) == {*PAGE_KINDS, PUBLISH}
        assert all(page["requests"] > 0 and page["p99_ms"] >= page["p50_ms"] > 0 for page in level["pages"].values())
        assert level["pages"]["dashboard"]["p50_over_html_floor"] > 0
        assert level["cpu"]["cores_busy"]["web (gunicorn)"] > 0
    # The admin published once per level, to the hot plan's audience, through the real server.
    assert hot.versions.filter(state__in=[VersionState.PUBLISHED, VersionState.SUPERSEDED]).count() == (
        published_before + 3
    )
    # Each page kind alone, one after another: every one served, none failed, each set against the HTML floor.
    alone = variant["alone"]
    assert alone["users"] == 2
    assert list(alone["pages"]) == list(ALONE_KINDS)
    for page in alone["pages"].values():
        assert page["rps"] > 0
        assert page["failures"] == 0
        assert page["errors"] == []
        assert page["p99_ms"] >= page["p50_ms"] > 0
        assert page["html_floor_rps_over_page_rps"] > 0
    assert alone["pages"][HTML_FLOOR]["html_floor_rps_over_page_rps"] == 1
    table = _alone(variant)
    assert "Each page alone (2 users, closed loop)" in table
    assert all(f"| {kind} |" in table for kind in ALONE_KINDS)
    web_memory = variant["memory_mb"]["web (gunicorn master, then workers)"]
    assert len(web_memory["processes"]) == 3  # the master and its two workers
    assert web_memory["peak_max"] > 0
    assert any("saturation" in line for line in lines)

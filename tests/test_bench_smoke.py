"""The benchmarks at their smallest scale: the generator loads consistent data and the read path measures it.

Real runs against the test database (COPY, the API through Django's test client); the full benchmarks
run with `make bench`.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from access.plans import plans_visible_to
from bench.generate import generate
from bench.readpath import measure_read_path
from bench.scales import DETAIL_PLAN_TITLE, HOT_PLAN_TITLE, READER_USERNAME, SCALES
from notifications.recipients import _agencies_that_may_view, _members
from plans.models import Plan, PlanGroupObjectPermission
from plans.services.common import search_refresh
from plans.services.versions import content_sha256


@pytest.mark.django_db
@pytest.mark.urls("bench.urls")
def test_bench_generates_the_tiny_scale_and_measures_the_read_path():
    scale = SCALES["tiny"]
    lines: list[str] = []
    with transaction.atomic():
        generated = generate(scale=scale, progress=lines.append)

    assert generated.counts["plans_plan"] == scale.plans
    assert generated.counts["auth_user"] == scale.users
    assert any("copy plans_section" in line for line in lines)
    reader = get_user_model().objects.get(username=READER_USERNAME)
    assert plans_visible_to(user=reader).count() >= scale.reader_plans - 1
    detail = Plan.objects.select_related("current_version").get(title=DETAIL_PLAN_TITLE)
    # What the services would have stored: the content digest and the search text.
    assert content_sha256(detail.current_version) == detail.current_version.content_sha256
    document = detail.search_document
    search_refresh(detail)
    detail.refresh_from_db()
    assert detail.search_document == document
    # Every grant carries its plan's title, as the trigger of plans.0004 writes it (triggers are off in the load).
    assert not PlanGroupObjectPermission.objects.exclude(plan_title=F("content_object__title")).exists()
    hot = Plan.objects.get(title=HOT_PLAN_TITLE.format(audience=scale.hot_audiences[0]))
    assert _members(_agencies_that_may_view(hot.pk)).count() >= scale.hot_audiences[0]

    result = measure_read_path(iterations=3, warmup=1, progress=lines.append)

    figures = {figure["name"]: figure for figure in result["figures"]}
    names = ("plan list (page 1 of 50)", "plan detail", "floor: constant page", "naive peer: plan list")
    for name in (*names, "HTML floor: constant page, session", "dashboard page"):
        assert figures[name]["status"] == 200
        assert figures[name]["n"] == 3
        assert figures[name]["median_ms"] > 0
    assert len(set(result["list_queries_by_page_size"].values())) == 1
    assert result["naive_same_page"]
    assert figures["naive peer: plan list"]["queries"] > figures["plan list (page 1 of 50)"]["queries"]


@pytest.mark.django_db
def test_bench_generates_required_reading_and_measures_the_reminders_at_the_tiny_scale():
    from bench.reading import measure_reading
    from notifications.models import Notification
    from reading.models import ReadingObligation

    lines: list[str] = []
    with transaction.atomic():
        generate(scale=SCALES["tiny"], progress=lines.append)

    result = measure_reading(scale="tiny", rounds=2, fan_out_sample=20, progress=lines.append)

    assert result["generation"]["people"] == 50
    assert result["generation"]["obligations"] == ReadingObligation.objects.count() > 0
    owed = result["reminders"]["owed"]
    stages = {stage["stage"]: stage for stage in result["reminders"]["stages"]}
    # Every person with an open item is reminded once; running again records nothing.
    assert stages["overdue"]["events"] + stages["due soon"]["events"] >= owed["people"]
    assert stages["overdue, again"]["events"] == stages["due soon, again"]["events"] == 0
    assert stages["weekly escalation"]["events"] > 0
    assert stages["weekly escalation, again"]["events"] == 0
    fan_out = result["reminders"]["fan_out"]
    assert fan_out["sample"] == fan_out["per_event_path"]["sample"] == 10  # both paths measured, 20 events in all
    assert Notification.objects.filter(event_type__startswith="reading.").exists()
    reads = {figure["name"].split(" (")[0]: figure for figure in result["reads"]}
    assert reads["ORM: per-plan counts, one agency"]["queries"] == 1
    assert reads["ORM: one person's open items"]["queries"] == 1
    assert {reads[name]["status"] for name in reads if not name.startswith("ORM")} <= {"not built", 200}

"""Shared fixtures: a small county of agencies with every role, and API clients for each actor."""

import contextlib
import os
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.signals import request_started
from django.test import Client
from django.urls import Resolver404, resolve
from rest_framework.test import APIClient

from agencies.models import AgencyKind, Role
from plans.models import ShareLevel
from plans.services import plan_share
from tests.agencies.factories import AgencyFactory, FacilityFactory, UserFactory, member
from tests.plans.factories import draft, make_plan, publish

# The settings gave this pytest-xdist worker its own Redis database (portal/settings/base.py). The processes
# the tests start (Celery workers, gunicorn) are given that database explicitly and must not offset it again.
os.environ.pop("PYTEST_XDIST_WORKER", None)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "covers(*routes): the URL names a permission-matrix test requests (tests/permission_matrix.py)"
    )


def pytest_sessionstart(session):
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.exit(
            "The test suite runs on PostgreSQL: run `make test`, or set "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/concord and REDIS_URL=redis://127.0.0.1:6379/15.",
            returncode=2,
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A test (or case) marked `covers(...)` fails unless it requested every URL the mark names: the
    URL-coverage guard trusts the marks, so they must say what the test really does."""
    routes = {route for mark in item.iter_markers("covers") for route in mark.args}
    if not routes:
        return (yield)
    requested: set[str] = set()

    def record(sender, environ=None, **kwargs) -> None:
        if environ is None:  # an ASGI request: its scope is not looked at here
            return
        with contextlib.suppress(Resolver404):
            requested.add(resolve(environ["PATH_INFO"]).view_name)

    request_started.connect(record, weak=False)
    try:
        result = yield
    finally:
        request_started.disconnect(record)
    missing = sorted(routes - requested)
    if missing:
        pytest.fail(f"marked covers({', '.join(map(repr, sorted(routes)))}) but never requested {missing}")
    return result


@pytest.fixture(autouse=True)
def _test_settings(tmp_path, settings):
    """Attachments go to the test's own folder; a fast password hasher keeps fixtures quick."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_audit_truncate_guard():
    """The audit trail refuses TRUNCATE (audit/migrations/0006_block_truncate.py), and Django empties the
    database after each transactional test with one TRUNCATE of every table. The flush alone runs with
    `session_replication_role = replica` (SET LOCAL: its own transaction only), which turns ordinary triggers
    off and which only a superuser may set, as the test database's user is and the portal's role must not be.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    flush = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        return flush(self, ["SET LOCAL session_replication_role = replica", *sql_list] if sql_list else sql_list)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "execute_sql_flush", execute_sql_flush)
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters live in the (Redis) cache; each test starts from zero."""
    from django.core.cache import cache

    cache.clear()
    return


@pytest.fixture
def api():
    return APIClient()


def web_client(user, **kwargs) -> Client:
    """A browser-like client signed in through the session (as the web pages need), or anonymous for None."""
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@dataclass
class County:
    """A school district that owns a school and a plan, its partners, and an unrelated agency."""

    district: object
    police: object
    fire: object
    unrelated: object
    school: object
    owner_admin: object
    owner_planner: object
    owner_liaison: object
    owner_member: object
    partner_view_liaison: object
    partner_view_member: object
    partner_comment_liaison: object
    unrelated_admin: object
    staff: object
    plan: object
    published: object
    draft: object


@pytest.fixture
def county(db) -> County:
    district = AgencyFactory(name="Maple Valley School District", slug="maple-valley", kind=AgencyKind.SCHOOL_DISTRICT)
    police = AgencyFactory(name="Ridgeford Police", slug="ridgeford-pd", kind=AgencyKind.POLICE)
    fire = AgencyFactory(name="Ridgeford Fire", slug="ridgeford-fire", kind=AgencyKind.FIRE)
    unrelated = AgencyFactory(name="Far County Sheriff", slug="far-county", kind=AgencyKind.POLICE)
    school = FacilityFactory(name="Maple Valley High", owner_agency=district)
    owner_admin = member(district, Role.ADMIN, username="district_admin")
    owner_planner = member(district, Role.PLANNER, username="district_planner")
    owner_liaison = member(district, Role.LIAISON, username="district_liaison")
    owner_member = member(district, Role.MEMBER, username="district_member")
    partner_view_liaison = member(police, Role.LIAISON, username="police_liaison")
    partner_view_member = member(police, Role.MEMBER, username="police_officer")
    partner_comment_liaison = member(fire, Role.LIAISON, username="fire_liaison")
    unrelated_admin = member(unrelated, Role.ADMIN, username="far_admin")
    staff = UserFactory(username="operator", is_staff=True)
    plan = make_plan(owner=district, actor=owner_admin, title="Maple Valley High crisis plan", facilities=[school])
    published = publish(plan, owner_admin, "Evacuate to the north field.", "Lockdown: lock doors, lights off.")
    next_draft = draft(plan, owner_planner, "Evacuate to the stadium.", "Lockdown: lock doors, lights off.")
    plan_share(plan=plan, agency=police, level=ShareLevel.VIEW, actor=owner_admin)
    plan_share(plan=plan, agency=fire, level=ShareLevel.COMMENT, actor=owner_admin)
    plan.refresh_from_db()
    return County(
        district=district,
        police=police,
        fire=fire,
        unrelated=unrelated,
        school=school,
        owner_admin=owner_admin,
        owner_planner=owner_planner,
        owner_liaison=owner_liaison,
        owner_member=owner_member,
        partner_view_liaison=partner_view_liaison,
        partner_view_member=partner_view_member,
        partner_comment_liaison=partner_comment_liaison,
        unrelated_admin=unrelated_admin,
        staff=staff,
        plan=plan,
        published=published,
        draft=next_draft,
    )


@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID Connect provider on 127.0.0.1 for the whole session (tests/oidc_provider/), then stopped."""
    from tests.oidc_provider import harness

    provider = harness.start()
    yield provider
    provider.stop()

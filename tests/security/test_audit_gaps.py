"""Issue 11, item 11: reads of sensitive content that left no audit row, TRUNCATE of the audit trail, and
403/404 answers that logged a full traceback each."""

import io
import logging
import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.models import AuditEvent
from plans.models import Classification, Plan
from tests.agencies.factories import UserFactory
from tests.conftest import client_for, web_client
from tests.reviews.concurrence_helpers import record
from tests.reviews.helpers import post

# --- Reads of a law-enforcement-sensitive plan's comments and concurrence -----------------------------------------


@pytest.fixture
def sensitive(county):
    """The county plan, law-enforcement sensitive, with a partner's comment and a concurrence on version 1."""
    Plan.objects.filter(pk=county.plan.pk).update(classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    county.plan.refresh_from_db()
    comment = post(county.partner_comment_liaison, county.published, body="SRO radio is channel 7B.")
    record(county.partner_comment_liaison, county.published, note="Staging at the north lot.")
    return comment


@pytest.fixture
def operator(db):
    return UserFactory(username="platform_operator", is_staff=True, is_superuser=True)


def _reads(actor, what: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="plan.read", actor=actor, details__what=what))


def test_operator_opening_a_sensitive_comment_in_the_admin_is_audited_with_the_address(county, sensitive, operator):
    page = web_client(operator).get(
        reverse("admin:reviews_comment_change", args=[sensitive.pk]), REMOTE_ADDR="10.9.8.7"
    )
    assert page.status_code == 200
    assert "channel 7B" in page.content.decode()
    (event,) = _reads(operator, "admin:comment")
    assert (event.object_type, event.object_id) == ("reviews.comment", str(sensitive.pk))
    assert (event.agency_id, event.ip_address, event.details["plan"]) == (
        county.district.pk,
        "10.9.8.7",
        county.plan.pk,
    )


def test_operator_searching_comment_bodies_is_audited_once_per_sensitive_plan_matched(county, sensitive, operator):
    client = web_client(operator)
    url = reverse("admin:reviews_comment_changelist")
    assert client.get(url, {"q": "channel 7B"}, REMOTE_ADDR="10.9.8.7").status_code == 200
    (event,) = _reads(operator, "admin:comment-search")
    assert (event.object_type, event.object_id, event.ip_address) == ("plans.plan", str(county.plan.pk), "10.9.8.7")
    # The list without a search, or a search matching nothing sensitive, shows no comment text: no event.
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "no such words"}).status_code == 200
    assert len(_reads(operator, "admin:comment-search")) == 1


def test_operator_opening_a_comment_of_a_partner_plan_is_not_audited(county, operator):
    comment = post(county.partner_comment_liaison, county.published, body="Fine by us.")
    assert web_client(operator).get(reverse("admin:reviews_comment_change", args=[comment.pk])).status_code == 200
    assert not AuditEvent.objects.filter(action="plan.read").exists()


def test_operator_opening_a_sensitive_concurrence_in_the_admin_is_audited(county, sensitive, operator):
    concurrence = county.plan.concurrences.get()
    page = web_client(operator).get(reverse("admin:reviews_concurrence_change", args=[concurrence.pk]))
    assert page.status_code == 200
    assert len(_reads(operator, "admin:concurrence")) == 1


@pytest.mark.parametrize("reader", ["owner_member", "partner_comment_liaison"])
def test_the_api_concurrence_list_of_a_sensitive_plan_is_audited(county, sensitive, reader):
    user = getattr(county, reader)
    url = f"/api/v1/plans/{county.plan.pk}/versions/{county.published.number}/concurrences/"
    response = client_for(user).get(url, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200, response.content
    (event,) = _reads(user, "concurrence")
    assert (event.object_type, event.object_id, event.ip_address) == (
        "plans.planversion",
        str(county.published.pk),
        "10.1.2.3",
    )


def test_the_concurrence_record_of_a_sensitive_plan_is_audited_on_the_api_and_the_web(county, sensitive):
    user = county.owner_member
    assert client_for(user).get(f"/api/v1/plans/{county.plan.pk}/concurrence-record/").status_code == 200
    client = web_client(user)
    assert client.get(reverse("concurrence:print", kwargs={"plan_id": county.plan.pk})).status_code == 200
    assert client.get(reverse("concurrence:csv", kwargs={"plan_id": county.plan.pk})).status_code == 200
    assert len(_reads(user, "concurrence_record")) == 3


def test_the_concurrence_list_of_a_partner_plan_is_not_audited(county):
    record(county.partner_comment_liaison, county.published)
    url = f"/api/v1/plans/{county.plan.pk}/versions/{county.published.number}/concurrences/"
    assert client_for(county.owner_member).get(url).status_code == 200
    assert not AuditEvent.objects.filter(action="plan.read").exists()


# --- TRUNCATE of the audit trail ----------------------------------------------------------------------------------


def _execute(sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        # The test's own inserts leave deferred foreign-key checks pending, and PostgreSQL refuses to TRUNCATE
        # a table with pending trigger events for that reason alone: run them first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql)


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE audit_auditevent",
        "TRUNCATE TABLE audit_auditevent RESTART IDENTITY CASCADE",
        "TRUNCATE reviews_comment, audit_auditevent CASCADE",
        "TRUNCATE ONLY audit_auditevent",
        "TRUNCATE audit_auditeventagency",
        "TRUNCATE audit_auditevent, audit_auditeventagency",
    ],
)
def test_truncating_the_audit_trail_is_refused_by_the_database(county, statement):
    before = AuditEvent.objects.count()
    assert before > 0
    # Without CASCADE, the agencies' trail (which references the events) refuses it first; with it, the trigger.
    with pytest.raises(DatabaseError, match=r"append-only|referenced in a foreign key constraint"):
        _execute(statement)
    assert AuditEvent.objects.count() == before


def test_the_portal_role_cannot_switch_the_truncate_guard_off(county):
    """The only bypass is session_replication_role = replica, which an ordinary (non-superuser) role may not set."""
    role = f"concord_app_{uuid.uuid4().hex[:12]}"
    before = AuditEvent.objects.count()
    with transaction.atomic():  # CREATE ROLE is transactional: nothing is left behind
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE ROLE {role} NOSUPERUSER NOLOGIN")
            cursor.execute(
                f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON audit_auditevent, audit_auditeventagency TO {role}"
            )
            # The fixture's writes left deferred triggers pending (foreign keys, the plan list's choices token,
            # plans.0011): they run as the owner, not as the bare role that has rights on the audit tables only.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"SET LOCAL ROLE {role}")
        with pytest.raises(DatabaseError, match="session_replication_role"):
            _execute("SET LOCAL session_replication_role = replica")
        with pytest.raises(DatabaseError, match="append-only"):
            _execute("TRUNCATE audit_auditevent, audit_auditeventagency")
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
        transaction.set_rollback(True)
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_still_flush_a_database_holding_audit_events(county):
    # Django empties the database after this test with a TRUNCATE of every table (tests/conftest.py lets that
    # one statement through); a flush refused by the trigger would fail this test's teardown.
    assert AuditEvent.objects.exists()


# --- 403 and 404 are one log line ---------------------------------------------------------------------------------


@pytest.fixture
def console_log():
    """What the deployment's console handler (LOGGING in portal/settings/base.py) writes."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


@pytest.mark.parametrize(
    ("actor", "kind", "path", "method", "expected"),
    [
        ("owner_member", "api", "/api/v1/plans/{plan}/", "delete", 403),
        ("unrelated_admin", "api", "/api/v1/plans/{plan}/", "get", 404),
        ("owner_member", "web", "/plans/{plan}/edit/", "get", 403),
        ("unrelated_admin", "web", "/plans/{plan}/", "get", 404),
        ("partner_view_member", "web", "/plans/{plan}/share/", "post", 403),
        ("owner_member", "web", "/plans/{plan}/versions/{draft}/", "get", 404),
    ],
)
def test_refusals_are_logged_as_one_line_without_a_traceback(county, console_log, actor, kind, path, method, expected):
    user = getattr(county, actor)
    client = client_for(user) if kind == "api" else web_client(user)
    url = path.format(plan=county.plan.pk, draft=county.draft.number)
    signed_in = len(console_log.getvalue())  # signing the client in logs its own line (the sign-in record)
    response = getattr(client, method)(url)
    assert response.status_code == expected
    lines = console_log.getvalue()[signed_in:].splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("Forbidden" if expected == 403 else "Not Found")
    assert url in lines[0]
    assert "Traceback" not in console_log.getvalue()


def test_a_server_error_still_logs_its_traceback(county, console_log):
    logger = logging.getLogger("django.request")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.error("Internal Server Error: /x/", exc_info=True, extra={"status_code": 500})
    assert "Traceback" in console_log.getvalue()

"""Issue 14, item 5: the trail is kept at least a year, and rows past retention leave by one path only."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from audit.models import AuditEvent, AuditEventAgency
from audit.retention import audit_events_prune
from audit.tasks import prune_expired_events
from portal.celery import app


def _event_aged(days: int, agency_id: int | None = None) -> int:
    """An event written `days` ago, straight into the table (the model always stamps now)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (created_at, actor_username, agency_id, action, object_type, object_id, "
            "object_repr, details) VALUES (%s, 'old_timer', %s, 'plan.read', 'plans.plan', '1', 'Old plan', '{}') "
            "RETURNING id",
            [timezone.now() - timedelta(days=days), agency_id],
        )
        return cursor.fetchone()[0]


def _delete_with_flag(event_id: int, flag: bool) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if flag:
            cursor.execute("SET LOCAL concord.audit_prune = 'on'")
        cursor.execute("DELETE FROM audit_auditeventagency WHERE event_id = %s", [event_id])
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event_id])


def test_pruning_removes_only_rows_past_retention_with_their_trail_rows(county):
    old = _event_aged(400, county.district.pk)
    kept = _event_aged(300, county.district.pk)
    recent = AuditEvent.objects.count()
    assert AuditEventAgency.objects.filter(event_id=old).exists()
    assert audit_events_prune() == 1
    assert not AuditEvent.objects.filter(pk=old).exists()
    assert not AuditEventAgency.objects.filter(event_id=old).exists()
    assert AuditEvent.objects.filter(pk=kept).exists()
    assert AuditEvent.objects.count() == recent - 1
    # The flag went off with the prune: a later delete in the same transaction is refused again.
    other_old = _event_aged(500)
    with pytest.raises(DatabaseError, match="append-only"):
        _delete_with_flag_off_only(other_old)


def _delete_with_flag_off_only(event_id: int) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event_id])


@override_settings(AUDIT_RETENTION_DAYS=500)
def test_a_longer_retention_keeps_rows_the_floor_would_allow(county):
    year_old = _event_aged(400)
    older = _event_aged(600)
    assert audit_events_prune() == 1
    assert AuditEvent.objects.filter(pk=year_old).exists()
    assert not AuditEvent.objects.filter(pk=older).exists()


def test_the_database_refuses_to_delete_a_recent_row_even_with_the_flag(county):
    recent = AuditEvent.objects.filter(agency=county.district).first()
    with pytest.raises(DatabaseError, match="append-only"):
        _delete_with_flag(recent.pk, flag=True)
    assert AuditEvent.objects.filter(pk=recent.pk).exists()


def test_the_database_refuses_to_delete_an_old_row_without_the_flag(county):
    old = _event_aged(800, county.district.pk)
    with pytest.raises(DatabaseError, match="append-only"):
        _delete_with_flag(old, flag=False)
    assert AuditEvent.objects.filter(pk=old).exists()


def test_updates_stay_refused_even_with_the_flag_and_an_old_row(county):
    old = _event_aged(800)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL concord.audit_prune = 'on'")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("UPDATE audit_auditevent SET actor_username = 'someone_else' WHERE id = %s", [old])
    assert AuditEvent.objects.get(pk=old).actor_username == "old_timer"


def test_the_beat_task_prunes_and_is_scheduled(county):
    old = _event_aged(366)
    assert prune_expired_events.apply().get() == 1
    assert not AuditEvent.objects.filter(pk=old).exists()
    assert prune_expired_events.apply().get() == 0  # idempotent
    entry = settings.CELERY_BEAT_SCHEDULE["audit-prune"]
    assert entry["task"] in app.tasks


@pytest.mark.parametrize("days", [0, 30, 364])
def test_a_retention_below_a_year_is_refused_at_start_up(db, days):
    with override_settings(AUDIT_RETENTION_DAYS=days), pytest.raises(SystemCheckError, match="AUDIT_RETENTION_DAYS"):
        call_command("check")


def test_a_year_or_more_passes_the_check(db):
    with override_settings(AUDIT_RETENTION_DAYS=365):
        call_command("check")

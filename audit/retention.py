"""The one way rows leave the audit trail: deleting those past retention, in batches, with the trigger's flag.

PostgreSQL's append-only trigger (audit/migrations/0013) lets a DELETE through only inside a transaction that
ran `SET LOCAL concord.audit_prune = 'on'` and only for rows older than RETENTION_FLOOR_DAYS, a floor written
into the trigger itself; AUDIT_RETENTION_DAYS can only keep rows longer. Nothing else sets the flag.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from audit.models import AuditEvent, AuditEventAgency

RETENTION_FLOOR_DAYS = 365  # the same number is hard-coded in the trigger
BATCH = 5000  # rows per transaction, so a first prune of years of history never holds one huge lock


def retention_cutoff(*, now: datetime | None = None) -> datetime:
    """Rows created before this are past retention (never less than the floor)."""
    days = max(int(settings.AUDIT_RETENTION_DAYS), RETENTION_FLOOR_DAYS)
    return (now or timezone.now()) - timedelta(days=days)


def audit_events_prune(*, now: datetime | None = None, batch: int = BATCH) -> int:
    """Delete the events (and their trail rows) past retention; returns how many events were deleted."""
    cutoff = retention_cutoff(now=now)
    quote = connection.ops.quote_name
    events, trail = quote(AuditEvent._meta.db_table), quote(AuditEventAgency._meta.db_table)
    deleted = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            batch_deleted = _prune_batch(cursor, events, trail, cutoff, batch)
        if not batch_deleted:
            return deleted
        deleted += batch_deleted


def _prune_batch(cursor: CursorWrapper, events: str, trail: str, cutoff: datetime, batch: int) -> int:
    """One batch in the caller's transaction, with the trigger's flag on only while it runs."""
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        cursor.execute("SET LOCAL concord.audit_prune = 'on'")
    cursor.execute(
        f"SELECT id FROM {events} WHERE created_at < %s ORDER BY created_at, id LIMIT %s",  # noqa: S608 - names from the models
        [connection.ops.adapt_datetimefield_value(cutoff), batch],
    )
    ids = [row[0] for row in cursor.fetchall()]
    deleted = 0
    if ids:
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(f"DELETE FROM {trail} WHERE event_id IN ({marks})", ids)  # noqa: S608 - names from the models
        cursor.execute(f"DELETE FROM {events} WHERE id IN ({marks})", ids)  # noqa: S608 - names from the models
        deleted = cursor.rowcount
    if postgresql:
        # Off again at once: inside a caller's transaction SET LOCAL would outlive this batch (an error rolls the
        # batch's savepoint back, and the setting with it).
        cursor.execute("SET LOCAL concord.audit_prune = 'off'")
    return deleted

"""The audit trail's periodic work (Celery beat: settings.CELERY_BEAT_SCHEDULE["audit-prune"])."""

import logging

from celery import shared_task

from audit.retention import audit_events_prune

log = logging.getLogger(__name__)


@shared_task(name="audit.prune_expired_events", acks_late=True)
def prune_expired_events() -> int:
    """Delete audit events past AUDIT_RETENTION_DAYS (idempotent: a second run finds nothing)."""
    deleted = audit_events_prune()
    log.info("Pruned %d audit events past retention.", deleted)
    return deleted

"""Writes to the audit trail; called inside the transaction of the change it records."""

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import models

from access.actors import SystemActor
from audit.models import AuditAction, AuditEvent


def audit_event_record(
    *,
    actor: User | AnonymousUser | SystemActor | None,
    action: AuditAction,
    obj: models.Model,
    agency: Any = None,
    ip_address: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event for an action on `obj`."""
    user = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.create(
        actor=user,
        actor_username=user.get_username() if user else "",
        agency=agency,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        ip_address=ip_address,
        details=details or {},
    )

"""Writes to the audit trail; called inside the transaction of the change it records."""

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection, models

from access.actors import SystemActor
from agencies.models import Agency
from audit.models import AuditAction, AuditEvent, AuditEventAgency


def audit_event_record(
    *,
    actor: User | AnonymousUser | SystemActor | None,
    action: AuditAction,
    obj: models.Model,
    agency: Any = None,
    ip_address: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event for an action on `obj` (its agency's trail shows it, by trigger)."""
    user = actor if actor is not None and actor.is_authenticated else None
    details = details or {}
    return AuditEvent.objects.create(
        actor=user,
        actor_username=user.get_username() if user else "",
        agency=agency,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        ip_address=ip_address,
        details=details,
        plan_id=_plan_of(obj, details),
    )


def audit_event_show_to(*, event: AuditEvent, agency_ids: models.QuerySet) -> None:
    """Show the event in more agencies' trails: `agency_ids` is a one-column query, inserted in one statement.

    The event's own agency already has its row, and is skipped here, so the caller need not exclude it.
    """
    select_sql, params = agency_ids.order_by().query.sql_with_params()
    quote = connection.ops.quote_name
    trail, agencies = quote(AuditEventAgency._meta.db_table), quote(Agency._meta.db_table)
    statement = (
        f"INSERT INTO {trail} ({quote('event_id')}, {quote('agency_id')}, {quote('created_at')}) "  # noqa: S608 - names from the models, values bound
        f"SELECT %s, shown.{quote('id')}, %s FROM {agencies} shown "
        f"WHERE shown.{quote('id')} IN ({select_sql}) AND shown.{quote('id')} <> %s"
    )
    with connection.cursor() as cursor:
        created_at = connection.ops.adapt_datetimefield_value(event.created_at)
        cursor.execute(statement, [event.pk, created_at, *params, event.agency_id or 0])


def _plan_of(obj: models.Model, details: dict[str, Any]) -> int | None:
    """The plan an event concerns: the plan itself, the plan of a version, share or comment, or details' plan."""
    if obj._meta.label_lower == "plans.plan":
        return int(obj.pk)
    plan_id = getattr(obj, "plan_id", None)
    if isinstance(plan_id, int):
        return plan_id
    from_details = details.get("plan")
    return from_details if isinstance(from_details, int) and not isinstance(from_details, bool) else None


def audit_trail_export_record(
    *, actor: User, agency: Agency, filters: dict[str, str], ip_address: str | None
) -> AuditEvent:
    """An export of an agency's trail is itself in the trail: who took which rows (the filters) out of Concord.

    The caller (audit.selectors.audit_agency_for) has already checked that the actor is the agency's admin.
    """
    return audit_event_record(
        actor=actor,
        action=AuditAction.AUDIT_EXPORT,
        obj=agency,
        agency=agency,
        ip_address=ip_address,
        details={"format": "csv", "filters": filters},
    )

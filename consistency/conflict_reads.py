"""Showing a conflict shows the facts of both sides (the reader may read both plans): for a
law-enforcement-sensitive plan that is a read of its content, audited like any other."""

from collections.abc import Iterable

from django.contrib.auth.models import User

from consistency.conflict_selectors import ConflictRow
from plans.models import Classification, Plan
from plans.services import plan_sensitive_read_record


def conflict_sensitive_reads_record(*, rows: Iterable[ConflictRow], actor: User, ip_address: str | None) -> None:
    """One audit event per law-enforcement-sensitive plan whose facts the rows show (one query to find them)."""
    shown = {side.plan_id for row in rows for side in row.sides}
    if not shown:
        return
    sensitive = Plan.objects.filter(pk__in=shown, classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    for plan in sensitive.select_related("owner_agency"):
        plan_sensitive_read_record(plan=plan, actor=actor, ip_address=ip_address, what="conflicts")

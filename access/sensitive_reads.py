"""Every read of law-enforcement-sensitive content leaves an audit row: who, from where, what.

Called by the gate's web and API helpers (`access.http`), the admin, the export service and the pages that show
facts of several plans at once; a no-op for any other classification. Since every path that shows such content
comes through here, this is also where content that needs multi-factor sign-in is refused
(access.second_factor) before the read is recorded.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User

from access.audience import viewing_agencies
from access.facilities import agencies_reading_document, may_read_document
from access.second_factor import MFA_REQUIRED_MESSAGE, require_second_factor
from agencies.models import Membership
from audit.models import AuditAction
from audit.services import audit_event_record, audit_event_show_to
from buildings.models import BuildingDocument
from plans.models import Classification, Plan
from portal.errors import SecondFactorRequiredError


def sensitive_read_record(
    *,
    plan: Plan,
    actor: User | AnonymousUser,
    ip_address: str | None,
    what: str,
    obj: Any = None,
) -> None:
    """Audit a read or download of a law-enforcement-sensitive plan (no-op for other plans); refused first
    (SecondFactorRequiredError) when its content needs a second factor this request did not pass."""
    if plan.classification != Classification.LAW_ENFORCEMENT_SENSITIVE:
        return
    require_second_factor(plan=plan, user=actor)
    action = AuditAction.ATTACHMENT_DOWNLOAD if what == "download" else AuditAction.PLAN_READ
    event = audit_event_record(
        actor=actor,
        action=action,
        obj=obj if obj is not None else plan,
        agency=plan.owner_agency,
        ip_address=ip_address,
        details={"plan": plan.pk, "what": what},
    )
    if actor.is_authenticated:
        # The owner's trail shows every read; the reader's own agencies that may read the plan see it too.
        readers = Membership.objects.filter(user=actor, agency_id__in=viewing_agencies(plan_id=plan.pk))
        audit_event_show_to(event=event, agency_ids=readers.values("agency_id"))


def sensitive_reads_record(
    *, plan_ids: Iterable[int], actor: User | AnonymousUser, ip_address: str | None, what: str
) -> None:
    """One audit row per law-enforcement-sensitive plan among these (one query to find them)."""
    plan_ids = set(plan_ids)
    if not plan_ids:
        return
    sensitive = Plan.objects.filter(pk__in=plan_ids, classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    for plan in sensitive.select_related("owner_agency"):
        sensitive_read_record(plan=plan, actor=actor, ip_address=ip_address, what=what)


def sensitive_document_read_record(
    *, document: BuildingDocument, actor: User | AnonymousUser, ip_address: str | None, what: str, obj: Any = None
) -> None:
    """A building document's `sensitive_read_record`: refused first when its content needs a second factor this
    request did not pass, then one audit row per read of a law-enforcement-sensitive document (else a no-op)."""
    if document.classification != Classification.LAW_ENFORCEMENT_SENSITIVE:
        return
    if not may_read_document(document=document, user=actor):
        owner = "this platform" if settings.REQUIRE_MFA_FOR_SENSITIVE_READS else document.owner_agency.name
        error = SecondFactorRequiredError(MFA_REQUIRED_MESSAGE.format(owner=owner).replace("plan", "document", 1))
        error.owner = owner
        raise error
    event = audit_event_record(
        actor=actor,
        action=AuditAction.BUILDING_DOCUMENT_READ,
        obj=obj if obj is not None else document,
        agency=document.owner_agency,
        ip_address=ip_address,
        details={"document": document.pk, "facility": document.facility_id, "what": what},
    )
    if actor.is_authenticated:
        readers = Membership.objects.filter(user=actor, agency_id__in=agencies_reading_document(document))
        audit_event_show_to(event=event, agency_ids=readers.values("agency_id"))

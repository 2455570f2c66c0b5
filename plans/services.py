"""Every change to plans, versions, shares and acknowledgements; each call is one transaction
that also writes its audit and outbox rows."""

import hashlib
import json
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.postgres.search import SearchVector
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from agencies.models import Agency, Facility
from audit.models import AuditAction
from audit.services import audit_event_record
from notifications.models import EventType
from notifications.services import outbox_event_record
from plans import permissions
from plans.attachments import attachment_kind_from_content, safe_filename
from plans.models import (
    Acknowledgement,
    AgencyAcknowledgement,
    Attachment,
    Classification,
    Plan,
    PlanShare,
    PlanVersion,
    Section,
    VersionState,
)
from plans.permissions import PlanAccess
from plans.selectors import RELEASED_STATES, latest_released_number
from plans.templates_eop import default_sections
from portal.errors import ConflictError, InvalidInputError, NotAllowedError, PayloadTooLargeError

SectionData = dict[str, str]


def _search_refresh(plan: Plan) -> None:
    """Rebuild the plan's search text from its title and current sections."""
    parts = [plan.title]
    if plan.current_version_id:
        for title, body in Section.objects.filter(version_id=plan.current_version_id).values_list("title", "body"):
            parts.extend((title, body))
    document = "\n".join(parts)
    Plan.objects.filter(pk=plan.pk).update(search_document=document)
    if connection.vendor == "postgresql":
        Plan.objects.filter(pk=plan.pk).update(search_vector=SearchVector("search_document", config="english"))


def _event_payload(
    plan: Plan, version: PlanVersion | None = None, *, actor: AbstractBaseUser | None = None, **extra: Any
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "plan": plan.pk,
        "plan_title": plan.title,
        "owner_agency": plan.owner_agency_id,
        "actor": actor.pk if actor is not None else None,
    }
    if version is not None:
        payload.update(version=version.number, change_summary=version.change_summary)
    payload.update(extra)
    return payload


@transaction.atomic
def plan_create(
    *,
    actor: AbstractBaseUser,
    title: str,
    kind: str,
    owner_agency: Agency,
    facilities: list[Facility],
    classification: str = Classification.PARTNER,
    review_interval_days: int = 365,
    hazards: list[str] | None = None,
) -> Plan:
    """Create a plan; the owner agency's group receives every permission on it."""
    plan = Plan.objects.create(
        title=title,
        kind=kind,
        owner_agency=owner_agency,
        classification=classification,
        review_interval_days=review_interval_days,
        hazards=hazards or [],
        created_by=actor,
    )
    plan.facilities.set(facilities)
    permissions.grant_owner(plan=plan)
    _search_refresh(plan)
    audit_event_record(actor=actor, action=AuditAction.PLAN_CREATE, obj=plan, agency=owner_agency)
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, actor: AbstractBaseUser, data: dict[str, Any]) -> Plan:
    """Change a plan's metadata; a new review interval moves the next review date."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    facilities = data.pop("facilities", None)
    previous_classification = plan.classification
    for field, value in data.items():
        setattr(plan, field, value)
    if "review_interval_days" in data and plan.current_version_id:
        published_at = plan.current_version.published_at
        plan.next_review_due = (published_at + timedelta(days=plan.review_interval_days)).date()
    plan.save()
    if facilities is not None:
        plan.facilities.set(facilities)
    if "title" in data:
        _search_refresh(plan)
    if plan.classification != previous_classification:
        audit_event_record(
            actor=actor,
            action=AuditAction.PLAN_RECLASSIFY,
            obj=plan,
            agency=plan.owner_agency,
            details={"from": previous_classification, "to": plan.classification},
        )
    return plan


@transaction.atomic
def plan_delete(*, plan: Plan, actor: AbstractBaseUser) -> None:
    """Delete a plan that was never published (published plans are withdrawn, not deleted)."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.versions.filter(state__in=RELEASED_STATES).exists():
        raise ConflictError("This plan has been published and partners may rely on it; withdraw its version instead.")
    audit_event_record(actor=actor, action=AuditAction.PLAN_DELETE, obj=plan, agency=plan.owner_agency)
    attachments = list(Attachment.objects.filter(version__plan=plan))
    # Drafts may be deleted; the model refuses deleting anything else.
    for version in plan.versions.all():
        version.sections.all().delete()
        version.attachments.all().delete()
    plan.versions.all().delete()
    plan.delete()
    transaction.on_commit(lambda: _delete_files(attachments))


def _delete_files(attachments: list[Attachment]) -> None:
    """Remove stored files once the rows that pointed at them are gone for good."""
    for attachment in attachments:
        attachment.file.storage.delete(attachment.file.name)


def _write_sections(version: PlanVersion, sections: list[SectionData]) -> None:
    keys = [s["key"] for s in sections]
    if len(keys) != len(set(keys)):
        raise InvalidInputError("Each section needs its own key; two sections share one.", field="sections")
    version.sections.all().delete()
    Section.objects.bulk_create(
        Section(version=version, position=index, key=s["key"], title=s["title"], body=s.get("body", ""))
        for index, s in enumerate(sections)
    )


@transaction.atomic
def plan_version_create_draft(
    *,
    plan: Plan,
    actor: AbstractBaseUser,
    change_summary: str = "",
    sections: list[SectionData] | None = None,
) -> PlanVersion:
    """Start a new draft; without sections it copies the current version (or the default template)."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    last_number = plan.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = PlanVersion.objects.create(
        plan=plan,
        number=last_number + 1,
        change_summary=change_summary,
        based_on_number=latest_released_number(plan=plan),
        created_by=actor,
    )
    if sections is None:
        if plan.current_version_id:
            sections = list(
                Section.objects.filter(version_id=plan.current_version_id)
                .order_by("position")
                .values("key", "title", "body")
            )
        else:
            sections = default_sections(plan_kind=plan.kind)
    _write_sections(version, sections)
    return version


@transaction.atomic
def plan_version_update_draft(
    *,
    version: PlanVersion,
    actor: AbstractBaseUser,
    change_summary: str | None = None,
    sections: list[SectionData] | None = None,
) -> PlanVersion:
    """Edit a draft's summary and replace its sections; anything but a draft answers conflict."""
    version = PlanVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        raise ConflictError(
            f"Version {version.number} is {version.state} and cannot be edited; start a new draft instead."
        )
    if change_summary is not None:
        version.change_summary = change_summary
        version.save(update_fields=["change_summary", "updated_at"])
    if sections is not None:
        _write_sections(version, sections)
    return version


def _content_sha256(version: PlanVersion) -> str:
    """A digest of exactly what partners receive: summary, ordered sections and attachment digests."""
    content = {
        "plan": version.plan_id,
        "number": version.number,
        "change_summary": version.change_summary,
        "sections": list(version.sections.order_by("position").values_list("key", "title", "body")),
        "attachments": sorted(version.attachments.values_list("filename", "sha256")),
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@transaction.atomic
def plan_version_publish(
    *, version: PlanVersion, actor: AbstractBaseUser, ip_address: str | None = None
) -> PlanVersion:
    """Publish a draft: it becomes the one current version, the previous one is superseded,
    the review clock restarts, and partners are to be told."""
    plan = Plan.objects.select_for_update().select_related("owner_agency").get(pk=version.plan_id)
    version = PlanVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        raise ConflictError(f"Version {version.number} is already {version.state}.")
    latest = latest_released_number(plan=plan)
    if version.based_on_number != latest:
        raise ConflictError(
            f"Version {latest} was published after this draft was started from "
            f"{'v' + str(version.based_on_number) if version.based_on_number else 'scratch'}; "
            "start a new draft from the current version so no change is lost."
        )
    if not version.sections.exists():
        raise ConflictError("A version needs at least one section before it can be published.")
    now = timezone.now()
    previous = None
    if plan.current_version_id:
        previous = PlanVersion.objects.select_for_update().get(pk=plan.current_version_id)
        previous.state = VersionState.SUPERSEDED
        previous.superseded_at = now
        previous.save(update_fields=["state", "superseded_at"])
    version.content_sha256 = _content_sha256(version)
    version.state = VersionState.PUBLISHED
    version.published_at = now
    version.published_by = actor
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError as exc:  # the partial unique index: another publish got there first
        raise ConflictError("Another version of this plan was published at the same moment; reload.") from exc
    plan.current_version = version
    plan.next_review_due = (now + timedelta(days=plan.review_interval_days)).date()
    plan.save(update_fields=["current_version", "next_review_due", "updated_at"])
    _search_refresh(plan)
    audit_event_record(
        actor=actor,
        action=AuditAction.VERSION_PUBLISH,
        obj=version,
        agency=plan.owner_agency,
        ip_address=ip_address,
        details={
            "plan": plan.pk,
            "number": version.number,
            "superseded": previous.number if previous else None,
            "content_sha256": version.content_sha256,
        },
    )
    outbox_event_record(
        event_type=EventType.VERSION_PUBLISHED,
        plan=plan,
        payload=_event_payload(plan, version, actor=actor, previous_version=previous.number if previous else None),
    )
    return version


@transaction.atomic
def plan_version_withdraw(
    *, version: PlanVersion, actor: AbstractBaseUser, ip_address: str | None = None
) -> PlanVersion:
    """Withdraw the current published version: the plan then has no current version."""
    plan = Plan.objects.select_for_update().select_related("owner_agency").get(pk=version.plan_id)
    version = PlanVersion.objects.select_for_update().get(pk=version.pk)
    if version.state != VersionState.PUBLISHED:
        raise ConflictError(
            f"Version {version.number} is {version.state}; only the current published version can be withdrawn."
        )
    version.state = VersionState.WITHDRAWN
    version.withdrawn_at = timezone.now()
    version.withdrawn_by = actor
    version.save(update_fields=["state", "withdrawn_at", "withdrawn_by"])
    plan.current_version = None
    plan.save(update_fields=["current_version", "updated_at"])
    _search_refresh(plan)
    audit_event_record(
        actor=actor,
        action=AuditAction.VERSION_WITHDRAW,
        obj=version,
        agency=plan.owner_agency,
        ip_address=ip_address,
        details={"plan": plan.pk, "number": version.number},
    )
    outbox_event_record(
        event_type=EventType.VERSION_WITHDRAWN, plan=plan, payload=_event_payload(plan, version, actor=actor)
    )
    return version


@transaction.atomic
def plan_share(
    *, plan: Plan, agency: Agency, level: str, actor: AbstractBaseUser, ip_address: str | None = None
) -> PlanShare:
    """Share a plan with a partner agency at a level (re-sharing changes the level)."""
    if agency.pk == plan.owner_agency_id:
        raise InvalidInputError("The owner agency already has full access to its own plan.", field="agency")
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    share, created = PlanShare.objects.select_for_update().get_or_create(
        plan=plan, agency=agency, defaults={"level": level, "shared_at": timezone.now(), "shared_by": actor}
    )
    if not created:
        if share.level == level:
            return share
        share.level = level
        share.shared_at = timezone.now()
        share.shared_by = actor
        share.save(update_fields=["level", "shared_at", "shared_by"])
    permissions.grant_share(plan=plan, agency=agency, level=level)
    audit_event_record(
        actor=actor,
        action=AuditAction.PLAN_SHARE,
        obj=plan,
        agency=plan.owner_agency,
        ip_address=ip_address,
        details={"partner": agency.pk, "level": level, "changed": not created},
    )
    outbox_event_record(
        event_type=EventType.PLAN_SHARED,
        plan=plan,
        payload=_event_payload(plan, actor=actor, partner=agency.pk, level=level),
    )
    return share


@transaction.atomic
def plan_unshare(*, plan: Plan, agency: Agency, actor: AbstractBaseUser, ip_address: str | None = None) -> None:
    """Revoke a partner's access at once."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    deleted, _ = PlanShare.objects.filter(plan=plan, agency=agency).delete()
    if not deleted:
        raise InvalidInputError(f"{plan} is not shared with {agency}.", field="agency")
    permissions.revoke_share(plan=plan, agency=agency)
    audit_event_record(
        actor=actor,
        action=AuditAction.PLAN_UNSHARE,
        obj=plan,
        agency=plan.owner_agency,
        ip_address=ip_address,
        details={"partner": agency.pk},
    )
    outbox_event_record(
        event_type=EventType.PLAN_UNSHARED, plan=plan, payload=_event_payload(plan, actor=actor, partner=agency.pk)
    )


@transaction.atomic
def plan_version_acknowledge(
    *, version: PlanVersion, user: AbstractBaseUser, access: PlanAccess, agency: Agency | None = None
) -> dict[str, Any]:
    """The user acknowledges a version; as admin or liaison, for their agency (or agencies) too."""
    if version.state != VersionState.PUBLISHED:
        raise ConflictError(
            f"Version {version.number} is {version.state}; only the current published version can be acknowledged."
        )
    eligible = access.agencies_acknowledging()
    if agency is not None:
        if agency.pk not in eligible:
            raise NotAllowedError(
                f"Only admins and liaisons of {agency} may acknowledge for it, and only when it may see the plan."
            )
        eligible = [agency.pk]
    now = timezone.now()
    personal, _ = Acknowledgement.objects.get_or_create(version=version, user=user, defaults={"acknowledged_at": now})
    existing = set(
        AgencyAcknowledgement.objects.filter(version=version, agency_id__in=eligible).values_list(
            "agency_id", flat=True
        )
    )
    AgencyAcknowledgement.objects.bulk_create(
        [
            AgencyAcknowledgement(version=version, agency_id=agency_id, acknowledged_by=user, acknowledged_at=now)
            for agency_id in eligible
            if agency_id not in existing
        ],
        ignore_conflicts=True,
    )
    return {"version": version.number, "acknowledged_at": personal.acknowledged_at, "agencies": eligible}


def plan_sensitive_read_record(
    *,
    plan: Plan,
    actor: AbstractBaseUser,
    ip_address: str | None,
    what: str,
    obj: Any = None,
) -> None:
    """Audit a read or download of a law-enforcement-sensitive plan (no-op for other plans)."""
    if plan.classification != Classification.LAW_ENFORCEMENT_SENSITIVE:
        return
    action = AuditAction.ATTACHMENT_DOWNLOAD if what == "download" else AuditAction.PLAN_READ
    audit_event_record(
        actor=actor,
        action=action,
        obj=obj if obj is not None else plan,
        agency=plan.owner_agency,
        ip_address=ip_address,
        details={"plan": plan.pk, "what": what},
    )


@transaction.atomic
def attachment_add(
    *, version: PlanVersion, actor: AbstractBaseUser, upload: UploadedFile, max_bytes: int
) -> Attachment:
    """Attach a file to a draft after sniffing its real type and checking its size."""
    version = PlanVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        raise ConflictError(f"Version {version.number} is {version.state}; attach files to a draft.")
    if upload.size is not None and upload.size > max_bytes:
        raise PayloadTooLargeError(
            f"The file is {upload.size} bytes; attachments may be at most {max_bytes // (1024 * 1024)} MB."
        )
    filename = safe_filename(upload.name or "")
    upload.seek(0)
    head = upload.read(8192)
    content_type = attachment_kind_from_content(head=head, filename=filename)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        version=version,
        token=secrets.token_hex(16),
        filename=filename,
        content_type=content_type,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save(attachment.token, upload, save=False)
    attachment.save()
    return attachment

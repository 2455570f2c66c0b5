"""A plan's versions through their life: drafts, publishing and withdrawal."""

import hashlib
import json
from datetime import datetime, timedelta
from enum import Enum

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from access.plans import plan_access
from audit.models import AuditAction
from audit.services import audit_event_record
from consistency.conflict_services import facility_conflicts_refresh
from consistency.fact_services import facility_facts_copy, facility_facts_digest_rows
from exercises.publish_hooks import corrective_actions_close_by_version
from notifications.models import EventType
from notifications.services import outbox_event_record
from plans.models import (
    Plan,
    PlanVersion,
    Section,
    VersionState,
)
from plans.section_html import version_sections_html_store
from plans.section_outlines import default_sections
from plans.selectors import draft_open, latest_released_number
from plans.services.attachments import attachments_copy
from plans.services.common import event_payload, search_refresh
from plans.version_content import nothing_to_publish_message, published_twin
from portal.errors import ConflictError, InvalidInputError, NotAllowedError
from reading.sync import obligations_sync_for_plan
from sources.models import SourceChangeKind
from sources.publish_hooks import source_changes_record, source_versions_record

SectionData = dict[str, str]
START_REFUSED = "Only admins and planners of the owner agency may start drafts."


class NothingToPublishError(ConflictError):
    """The draft says exactly what the current version says: publishing would alert partners to no change."""


def _write_sections(version: PlanVersion, sections: list[SectionData]) -> None:
    keys = [s["key"] for s in sections]
    if len(keys) != len(set(keys)):
        raise InvalidInputError("Each section needs its own key; two sections share one.", field="sections")
    version.sections.all().delete()
    Section.objects.bulk_create(
        Section(version=version, position=index, key=s["key"], title=s["title"], body=s.get("body", ""))
        for index, s in enumerate(sections)
    )


def _draft_create(
    *,
    plan: Plan,
    actor: User,
    change_summary: str = "",
    sections: list[SectionData] | None = None,
    ip_address: str | None = None,
) -> PlanVersion:
    """A new draft of a plan whose row the caller holds locked, for an actor the caller has checked."""
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
            sections = [
                {"key": key, "title": title, "body": body}
                for key, title, body in Section.objects.filter(version_id=plan.current_version_id)
                .order_by("position")
                .values_list("key", "title", "body")
            ]
        else:
            sections = default_sections(plan_kind=plan.kind)
    _write_sections(version, sections)
    if plan.current_version is not None:  # files and facility key facts carry over, whatever the sections
        attachments_copy(source=plan.current_version, target=version)
        facility_facts_copy(source=plan.current_version, target=version)
    audit_event_record(
        actor=actor,
        action=AuditAction.DRAFT_START,
        obj=version,
        agency=plan.owner_agency,
        ip_address=ip_address,
        details={"plan": plan.pk, "number": version.number, "based_on": version.based_on_number},
    )
    return version


def _plan_locked(plan: Plan) -> Plan:
    # The owner agency is read for the audit row, not locked.
    return Plan.objects.select_for_update(of=("self",)).select_related("owner_agency").get(pk=plan.pk)


def _require_editor(plan: Plan, actor: User, message: str) -> None:
    if not plan_access(user=actor, plan=plan).can_edit:
        raise NotAllowedError(message)


@transaction.atomic
def plan_version_create_draft(
    *,
    plan: Plan,
    actor: User,
    change_summary: str = "",
    sections: list[SectionData] | None = None,
    ip_address: str | None = None,
) -> PlanVersion:
    """Start a new draft (owner admins and planners); without sections it copies the current version (or the
    default template)."""
    plan = _plan_locked(plan)
    _require_editor(plan, actor, START_REFUSED)
    return _draft_create(
        plan=plan, actor=actor, change_summary=change_summary, sections=sections, ip_address=ip_address
    )


class DraftReuse(Enum):
    """When plan_draft_start continues an open draft instead of starting another."""

    # A person's "Start a draft": the open up-to-date draft, whatever it holds (one draft at a time).
    ANY = "any"
    # A request sent again (an API retry, a double-click): only a draft holding exactly what it asks for.
    SAME_CONTENT = "same_content"


def _draft_holds(draft: PlanVersion, change_summary: str, sections: list[SectionData] | None) -> bool:
    """Whether an open draft already holds what a request to start one asks for (its summary and sections)."""
    if change_summary != draft.change_summary:
        return False
    held = list(draft.sections.order_by("position").values_list("key", "title", "body"))
    if sections is not None:
        return held == [(s["key"], s["title"], s.get("body", "")) for s in sections]
    # Without sections a draft is a copy of the current version (or the standard sections).
    if draft.plan.current_version_id is not None:
        source = Section.objects.filter(version_id=draft.plan.current_version_id).order_by("position")
        return held == list(source.values_list("key", "title", "body"))
    return held == [(s["key"], s["title"], s.get("body", "")) for s in default_sections(plan_kind=draft.plan.kind)]


@transaction.atomic
def plan_draft_start(
    *,
    plan: Plan,
    actor: User,
    change_summary: str = "",
    sections: list[SectionData] | None = None,
    reuse: DraftReuse = DraftReuse.ANY,
    ip_address: str | None = None,
) -> tuple[PlanVersion, bool]:
    """Start a draft (owner admins and planners), unless an up-to-date one is open and `reuse` accepts it: then
    that draft, unchanged, and False. The web's "Start a draft" and POST …/versions/ both come here.

    The check runs under the plan's row lock, so two "Start a draft" submitted at the same moment start one.
    """
    plan = _plan_locked(plan)
    _require_editor(plan, actor, START_REFUSED)
    open_draft = draft_open(plan=plan)
    if open_draft is not None and (
        reuse is DraftReuse.ANY or _draft_holds(open_draft, change_summary=change_summary, sections=sections)
    ):
        return open_draft, False
    version = _draft_create(
        plan=plan, actor=actor, change_summary=change_summary, sections=sections, ip_address=ip_address
    )
    return version, True


@transaction.atomic
def plan_version_update_draft(
    *,
    version: PlanVersion,
    actor: User,
    change_summary: str | None = None,
    sections: list[SectionData] | None = None,
    ip_address: str | None = None,
) -> PlanVersion:
    """Edit a draft's summary and replace its sections (owner admins and planners; platform staff in the admin);
    anything but a draft answers conflict."""
    version = (
        PlanVersion.objects.select_for_update(of=("self",)).select_related("plan__owner_agency").get(pk=version.pk)
    )
    if not plan_access(user=actor, plan=version.plan).can_correct:
        raise NotAllowedError("Only admins and planners of the owner agency may edit drafts.")
    if not version.is_draft:
        raise ConflictError(
            f"Version {version.number} is {version.state} and cannot be edited; start a new draft instead."
        )
    if change_summary is not None:
        version.change_summary = change_summary
    if change_summary is not None or sections is not None:
        # A new stamp for every edit: the editor's save and autosave refuse to overwrite a newer one.
        version.save(update_fields=["change_summary", "updated_at"] if change_summary is not None else ["updated_at"])
    if sections is not None:
        _write_sections(version, sections)
    edited = [name for name, given in (("change_summary", change_summary), ("sections", sections)) if given is not None]
    if edited:
        audit_event_record(
            actor=actor,
            action=AuditAction.DRAFT_EDIT,
            obj=version,
            agency=version.plan.owner_agency,
            ip_address=ip_address,
            details={"plan": version.plan_id, "number": version.number, "edited": edited},
        )
    return version


def content_sha256(version: PlanVersion) -> str:
    """A digest of exactly what partners receive: summary, ordered sections, attachment digests, key facts."""
    content = {
        "plan": version.plan_id,
        "number": version.number,
        "change_summary": version.change_summary,
        "sections": list(version.sections.order_by("position").values_list("key", "title", "body")),
        "attachments": sorted(version.attachments.values_list("filename", "sha256")),
    }
    facts = facility_facts_digest_rows(version=version)
    if facts:  # only then, so versions without key facts keep the digest they always had
        content["facility_facts"] = facts
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@transaction.atomic
def plan_version_publish(
    *, version: PlanVersion, actor: User, ip_address: str | None = None, published_at: datetime | None = None
) -> PlanVersion:
    """Publish a draft: it becomes the one current version, the previous one is superseded,
    the review clock restarts, and partners are to be told.

    `published_at` (default now) is for history brought into Concord, such as the demo county's past weeks, so
    that what is computed from it (review and reading due dates) is what it was; it may be neither in the future
    nor before the version it supersedes was published."""
    plan = Plan.objects.select_for_update().select_related("owner_agency").get(pk=version.plan_id)
    if not plan_access(user=actor, plan=plan).can_publish:
        raise NotAllowedError("Only admins of the owner agency may publish.")
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
    twin = published_twin(version=version)
    if twin is not None:
        raise NothingToPublishError(nothing_to_publish_message(twin=twin))
    now = timezone.now()
    if published_at is not None:
        if published_at > now:
            raise InvalidInputError("A version cannot be published in the future.", field="published_at")
        now = published_at
    previous = None
    if plan.current_version_id:
        previous = PlanVersion.objects.select_for_update().get(pk=plan.current_version_id)
        if previous.published_at is not None and previous.published_at > now:
            raise InvalidInputError(f"Version {previous.number} was published later than that.", field="published_at")
        previous.state = VersionState.SUPERSEDED
        previous.superseded_at = now
        previous.save(update_fields=["state", "superseded_at"])
    version.content_sha256 = content_sha256(version)
    version.state = VersionState.PUBLISHED
    version.published_at = now
    version.published_by = actor
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError as exc:  # the partial unique index: another publish got there first
        raise ConflictError("Another version of this plan was published at the same moment; reload.") from exc
    # Its pages show this HTML from now on; rendered here so the version is never current without it.
    version_sections_html_store(version_id=version.pk)
    plan.current_version = version
    plan.next_review_due = (now + timedelta(days=plan.review_interval_days)).date()
    plan.save(update_fields=["current_version", "next_review_due", "updated_at"])
    search_refresh(plan)
    obligations_sync_for_plan(plan)  # a new version restarts every requirement on the plan
    facility_conflicts_refresh(facilities=plan.facilities.values_list("pk", flat=True))
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
        payload=event_payload(plan, version, actor=actor, previous_version=previous.number if previous else None),
    )
    # Sources (issue 20): the versions this one was written against, and reviews for plans built on this one.
    source_versions_record(plan=plan, version=version)
    source_changes_record(source=plan, version=version, kind=SourceChangeKind.PUBLISHED)
    # Exercises (issue 17): the plan's open corrective actions are closed by this version.
    corrective_actions_close_by_version(plan=plan, version=version, actor=actor)
    return version


@transaction.atomic
def plan_version_withdraw(*, version: PlanVersion, actor: User, ip_address: str | None = None) -> PlanVersion:
    """Withdraw the current published version: the plan then has no current version."""
    plan = Plan.objects.select_for_update().select_related("owner_agency").get(pk=version.plan_id)
    if not plan_access(user=actor, plan=plan).can_withdraw:
        raise NotAllowedError("Only admins of the owner agency may withdraw.")
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
    search_refresh(plan)
    obligations_sync_for_plan(plan)  # a withdrawn plan is owed by nobody
    facility_conflicts_refresh(facilities=plan.facilities.values_list("pk", flat=True))
    audit_event_record(
        actor=actor,
        action=AuditAction.VERSION_WITHDRAW,
        obj=version,
        agency=plan.owner_agency,
        ip_address=ip_address,
        details={"plan": plan.pk, "number": version.number},
    )
    outbox_event_record(
        event_type=EventType.VERSION_WITHDRAWN, plan=plan, payload=event_payload(plan, version, actor=actor)
    )
    source_changes_record(source=plan, version=version, kind=SourceChangeKind.WITHDRAWN)
    return version

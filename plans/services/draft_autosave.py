"""Autosave of the draft editor: the sections a writer is typing in, saved a few seconds after they stop."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from access.plans import plan_access
from audit.models import AuditAction, AuditEvent
from audit.services import audit_event_record
from plans.models import PlanVersion, Section
from portal.errors import ConflictError, InvalidInputError, NotAllowedError

# One draft-edit audit row per person per draft in this window: autosave writes every few seconds of typing.
AUDIT_COALESCE_WINDOW = timedelta(minutes=10)


class DraftSavedMeanwhileError(ConflictError):
    """Someone saved the draft after this editor loaded it: saving over it would lose their changes."""


@dataclass(frozen=True)
class SectionEdit:
    """A section's new title and text, named by the key it was saved with."""

    key: str
    title: str
    body: str


def version_stamp(version: PlanVersion) -> str:
    """When the draft was last saved, as the editor holds it to detect a save by someone else."""
    return version.updated_at.isoformat()


def _draft_edit_audited_lately(version: PlanVersion, actor: User) -> bool:
    since = timezone.now() - AUDIT_COALESCE_WINDOW
    return AuditEvent.objects.filter(
        object_type=version._meta.label_lower,
        object_id=str(version.pk),
        created_at__gte=since,
        action=AuditAction.DRAFT_EDIT,
        actor=actor,
    ).exists()


@transaction.atomic
def plan_draft_autosave(
    *,
    version: PlanVersion,
    actor: User,
    loaded: str,
    sections: list[SectionEdit],
    change_summary: str | None = None,
    ip_address: str | None = None,
) -> PlanVersion:
    """Save the sections being edited (owner admins and planners), unless the draft was saved by anyone since
    `loaded` (its stamp when this editor last loaded or saved it): that is checked under the draft's row lock,
    so two editors saving at the same moment cannot overwrite each other. The draft-edit audit is coalesced."""
    version = (
        PlanVersion.objects.select_for_update(of=("self",)).select_related("plan__owner_agency").get(pk=version.pk)
    )
    if not plan_access(user=actor, plan=version.plan).can_edit:
        raise NotAllowedError("Only admins and planners of the owner agency may edit drafts.")
    if not version.is_draft:
        raise ConflictError(
            f"Version {version.number} is {version.state} and cannot be edited; start a new draft instead."
        )
    if loaded != version_stamp(version):
        saved_at = date_format(timezone.localtime(version.updated_at), "H:i")
        raise DraftSavedMeanwhileError(
            f"Someone else saved this draft at {saved_at}, after you opened it, so your last changes were not "
            "saved (to keep theirs). Copy what you wrote, reload the editor, and apply it again."
        )
    by_key = {section.key: section for section in version.sections.filter(key__in=[s.key for s in sections])}
    missing = [edit.key for edit in sections if edit.key not in by_key]
    if missing:
        raise InvalidInputError(
            f"The section “{missing[0]}” is no longer in this draft; reload the editor.", field="sections"
        )
    changed: list[Section] = []
    for edit in sections:
        section = by_key[edit.key]
        if (section.title, section.body) != (edit.title, edit.body):
            section.title, section.body = edit.title, edit.body
            changed.append(section)
    Section.objects.bulk_update(changed, ["title", "body"])
    update_fields = ["updated_at"]  # always: the new stamp is what the editor holds from now on
    if change_summary is not None and change_summary != version.change_summary:
        version.change_summary = change_summary
        update_fields.append("change_summary")
    version.save(update_fields=update_fields)
    edited = ["sections"] if changed else []
    if "change_summary" in update_fields:
        edited.append("change_summary")
    if edited and not _draft_edit_audited_lately(version, actor):
        audit_event_record(
            actor=actor,
            action=AuditAction.DRAFT_EDIT,
            obj=version,
            agency=version.plan.owner_agency,
            ip_address=ip_address,
            details={"plan": version.plan_id, "number": version.number, "edited": edited, "autosave": True},
        )
    return version

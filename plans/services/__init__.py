"""Every change to plans, versions, shares and acknowledgements; each call is one transaction
that also writes its audit and outbox rows."""

from plans.services.acknowledgements import plan_version_acknowledge
from plans.services.annual_reviews import plan_mark_reviewed
from plans.services.attachments import attachment_add, attachment_remove
from plans.services.draft_autosave import DraftSavedMeanwhileError, SectionEdit, plan_draft_autosave
from plans.services.exports import ExportFile, ExportFormat, plan_version_export
from plans.services.plan_records import PlanCreated, plan_create, plan_create_once, plan_delete, plan_update
from plans.services.sharing import plan_share, plan_unshare
from plans.services.versions import (
    DraftReuse,
    NothingToPublishError,
    SectionData,
    plan_draft_start,
    plan_version_create_draft,
    plan_version_publish,
    plan_version_update_draft,
    plan_version_withdraw,
)

__all__ = [
    "DraftReuse",
    "DraftSavedMeanwhileError",
    "ExportFile",
    "ExportFormat",
    "NothingToPublishError",
    "PlanCreated",
    "SectionData",
    "SectionEdit",
    "attachment_add",
    "attachment_remove",
    "plan_create",
    "plan_create_once",
    "plan_delete",
    "plan_draft_autosave",
    "plan_draft_start",
    "plan_mark_reviewed",
    "plan_share",
    "plan_unshare",
    "plan_update",
    "plan_version_acknowledge",
    "plan_version_create_draft",
    "plan_version_export",
    "plan_version_publish",
    "plan_version_update_draft",
    "plan_version_withdraw",
]

"""Writes for review comments: posting (with replies and change requests) and resolving.

Each service reads what its person may do with the plan itself (access.plans.plan_access) and refuses
(NotAllowedError) what the access layer does not allow, whoever calls it.
"""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from access.plans import RELEASED_STATES, plan_access
from audit.models import AuditAction
from audit.services import audit_event_record
from notifications.models import EventType
from notifications.services import outbox_event_record
from plans.models import Plan, PlanVersion, Section
from plans.services.common import event_payload
from portal.errors import ConflictError, InvalidInputError, NotAllowedError
from reviews.models import Comment

MAX_BODY = 10_000
MAX_NOTE = 10_000


def _clean_body(body: str, *, field: str, limit: int, required: bool) -> str:
    text = (body or "").strip()
    if required and not text:
        raise InvalidInputError("Write the comment first: it is empty.", field=field)
    if len(text) > limit:
        raise InvalidInputError(f"Keep it to {limit:,} characters (this is {len(text):,}).", field=field)
    return text


def _section_title(version_id: int, key: str) -> str | None:
    """The title of the version's section with this key, or None if it has none."""
    return Section.objects.filter(version_id=version_id, key=key).values_list("title", flat=True).first()


@transaction.atomic
def comment_create(
    *,
    version: PlanVersion,
    author: User,
    body: str,
    section_key: str = "",
    parent: Comment | None = None,
    is_change_request: bool = False,
) -> Comment:
    """Post a review comment (or a reply, which joins its thread's start) and alert the people who follow it."""
    access = plan_access(user=author, plan=Plan.objects.select_related("owner_agency").get(pk=version.plan_id))
    agency_id = access.comment_agency_id
    if agency_id is None:
        raise NotAllowedError(
            "Only members of the owner agency, and admins and liaisons of partners invited to comment, may comment."
        )
    if version.state not in RELEASED_STATES and not access.can_see_drafts:
        raise NotAllowedError("Only the owner's admins, planners and liaisons may comment on a draft.")
    text = _clean_body(body, field="body", limit=MAX_BODY, required=True)
    section_title: str | None = ""
    if parent is not None:
        if parent.version_id != version.pk:
            raise InvalidInputError("Reply to a comment on this same version.", field="parent")
        if parent.parent_id is not None:  # one level of replies: a reply to a reply joins the thread start
            parent = Comment.objects.get(pk=parent.parent_id)
        if is_change_request:
            raise InvalidInputError(
                "A reply cannot be a change request; start a new comment to request a change.",
                field="is_change_request",
            )
        section_key = parent.section_key
    section_key = (section_key or "").strip()
    if section_key:
        section_title = _section_title(version.pk, section_key)
        if section_title is None:
            raise InvalidInputError(f"Version {version.number} has no section “{section_key}”.", field="section_key")
    if is_change_request and not access.can_request_changes:
        raise InvalidInputError(
            "Only partner agencies request changes; as the owner, change the plan in a draft.",
            field="is_change_request",
        )
    comment = Comment.objects.create(
        plan=access.plan,
        version=version,
        section_key=section_key,
        parent=parent,
        author=author,
        author_agency_id=agency_id,
        body=text,
        is_change_request=is_change_request,
    )
    outbox_event_record(
        event_type=EventType.COMMENT_CREATED,
        plan=access.plan,
        payload=event_payload(
            access.plan,
            version,
            actor=author,
            comment=comment.pk,
            thread=parent.pk if parent is not None else comment.pk,
            section_key=section_key,
            section_title=section_title,
            agency=agency_id,
            is_change_request=is_change_request,
        ),
    )
    return comment


@transaction.atomic
def comment_resolve(*, comment: Comment, actor: User, note: str = "", ip_address: str | None = None) -> Comment:
    """The owner closes a thread (a change request done or declined), with an optional note; audited."""
    comment = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("plan__owner_agency", "version")
        .get(pk=comment.pk)
    )
    if not plan_access(user=actor, plan=comment.plan).can_resolve_comments:
        raise NotAllowedError("Only admins and planners of the owner agency may resolve comments.")
    if comment.parent_id is not None:
        raise InvalidInputError("Resolve the thread's first comment, not a reply.", field="comment")
    if comment.resolved_at is not None:
        raise ConflictError("This comment is already resolved.")
    comment.resolved_at = timezone.now()
    comment.resolved_by = actor
    comment.resolution_note = _clean_body(note, field="note", limit=MAX_NOTE, required=False)
    comment.save(update_fields=["resolved_at", "resolved_by", "resolution_note"])
    audit_event_record(
        actor=actor,
        action=AuditAction.COMMENT_RESOLVE,
        obj=comment,
        agency=comment.plan.owner_agency,
        ip_address=ip_address,
        details={
            "plan": comment.plan_id,
            "version": comment.version_id,
            "change_request": comment.is_change_request,
            "author_agency": comment.author_agency_id,
        },
    )
    section_title = (_section_title(comment.version_id, comment.section_key) or "") if comment.section_key else ""
    outbox_event_record(
        event_type=EventType.COMMENT_RESOLVED,
        plan=comment.plan,
        payload=event_payload(
            comment.plan,
            comment.version,
            actor=actor,
            comment=comment.pk,
            thread=comment.pk,
            section_key=comment.section_key,
            section_title=section_title,
            agency=comment.plan.owner_agency_id,
            author_agency=comment.author_agency_id,
            is_change_request=comment.is_change_request,
        ),
    )
    return comment

"""Shared helpers for the review tests: URLs, posting through the service, and a snapshot of review state."""

from audit.models import AuditEvent
from notifications.models import OutboxEvent
from plans.models import PlanVersion
from reviews.models import Comment
from reviews.services import comment_create


def comments_url(version: PlanVersion, rest: str = "") -> str:
    return f"/api/v1/plans/{version.plan_id}/versions/{version.number}/comments/{rest}"


def resolve_url(comment: Comment) -> str:
    return comments_url(comment.version, f"{comment.pk}/resolve/")


def post(user, version: PlanVersion, body: str = "Please check this.", **kwargs) -> Comment:
    """A comment written through the service, as the API would."""
    return comment_create(version=version, author=user, body=body, **kwargs)


def review_state() -> dict:
    """Everything a comment endpoint could change, read fresh from the database."""
    return {
        "comments": sorted(
            Comment.objects.values_list(
                "id", "version_id", "parent_id", "section_key", "body", "is_change_request", "resolved_at"
            )
        ),
        # Sign-ins are in the trail too (auth.*); what matters here is that nothing else was written.
        "audit": AuditEvent.objects.exclude(action__startswith="auth.").count(),
        "outbox": OutboxEvent.objects.count(),
    }

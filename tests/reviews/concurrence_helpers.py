"""Helpers for the concurrence tests: change requests written directly (the comment services are elsewhere)."""

from django.utils import timezone

from reviews.concurrence_services import concurrence_record
from reviews.models import Comment


def change_request(plan, version, agency, author, *, resolved: bool = False, body: str = "Move staging.") -> Comment:
    """An open (or resolved) change request of `agency` on the plan."""
    return Comment.objects.create(
        plan=plan,
        version=version,
        author=author,
        author_agency=agency,
        body=body,
        is_change_request=True,
        resolved_at=timezone.now() if resolved else None,
    )


def record(user, version, outcome: str = "concur", note: str = "", agency=None):
    """Record concurrence through the service, as `user`."""
    return concurrence_record(
        version=version,
        agency=agency,
        actor=user,
        outcome=outcome,
        note=note,
    )


def concurrences_url(plan, number: int) -> str:
    return f"/api/v1/plans/{plan.pk}/versions/{number}/concurrences/"


def record_url(plan) -> str:
    return f"/api/v1/plans/{plan.pk}/concurrence-record/"

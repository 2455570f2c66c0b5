"""Where a member's invitation stands, read from the membership and its user (no query of its own)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from agencies.models import Membership

PENDING, EXPIRED, ACCEPTED = "pending", "expired", "accepted"


@dataclass(frozen=True)
class InvitationStatus:
    """`pending` until the link expires, then `expired`; `accepted` once they signed in; None: never invited."""

    state: str | None
    expires_at: datetime | None
    can_resend: bool


def invitation_status(membership: Membership) -> InvitationStatus:
    """The member's invitation as their admins see it; an admin may resend to anyone who never signed in."""
    user = membership.user
    never_signed_in = user.last_login is None and user.is_active
    if membership.invited_at is None:
        return InvitationStatus(state=None, expires_at=None, can_resend=never_signed_in and bool(user.email))
    if not never_signed_in:
        return InvitationStatus(state=ACCEPTED, expires_at=None, can_resend=False)
    expires = membership.invited_at + timedelta(days=settings.INVITATION_EXPIRY_DAYS)
    return InvitationStatus(
        state=PENDING if timezone.now() <= expires else EXPIRED, expires_at=expires, can_resend=bool(user.email)
    )

"""What each person hears by default (their own choices per event type are joined in by the fan-out)."""

from agencies.models import Role
from notifications.models import EmailChoice, EventType

# Liaisons and admins watch partners' plans for their agency; planners and admins own the review cycle.
_EMAIL_DEFAULTS: dict[str, dict[str, str]] = {
    EventType.VERSION_PUBLISHED: {Role.ADMIN: EmailChoice.IMMEDIATE, Role.LIAISON: EmailChoice.IMMEDIATE},
    EventType.VERSION_WITHDRAWN: {Role.ADMIN: EmailChoice.IMMEDIATE, Role.LIAISON: EmailChoice.IMMEDIATE},
    EventType.PLAN_SHARED: {Role.ADMIN: EmailChoice.IMMEDIATE, Role.LIAISON: EmailChoice.IMMEDIATE},
    EventType.PLAN_UNSHARED: {Role.ADMIN: EmailChoice.IMMEDIATE, Role.LIAISON: EmailChoice.IMMEDIATE},
    EventType.ACKNOWLEDGEMENT_REMINDER: {Role.ADMIN: EmailChoice.IMMEDIATE, Role.LIAISON: EmailChoice.IMMEDIATE},
    EventType.PLAN_REVIEW_DUE: {Role.ADMIN: EmailChoice.IMMEDIATE, Role.PLANNER: EmailChoice.IMMEDIATE},
    EventType.COMMENT_CREATED: {Role.ADMIN: EmailChoice.DAILY, Role.PLANNER: EmailChoice.DAILY},
    EventType.WEBHOOK_DISABLED: {Role.ADMIN: EmailChoice.IMMEDIATE},
    # The partner who asked for a change learns at once that the owner has dealt with it.
    EventType.COMMENT_RESOLVED: {
        Role.ADMIN: EmailChoice.IMMEDIATE,
        Role.LIAISON: EmailChoice.IMMEDIATE,
        Role.PLANNER: EmailChoice.DAILY,
    },
    # Only the owner's admins and planners receive these; other roles keep the in-app alert only.
    EventType.CONCURRENCE_RECORDED: {Role.ADMIN: EmailChoice.IMMEDIATE, Role.PLANNER: EmailChoice.IMMEDIATE},
    EventType.FACILITY_CONFLICT: {Role.ADMIN: EmailChoice.IMMEDIATE, Role.PLANNER: EmailChoice.IMMEDIATE},
    EventType.SOURCE_CHANGED: {Role.ADMIN: EmailChoice.DAILY, Role.PLANNER: EmailChoice.DAILY},
    # A plan readable by more people than before: the owner's admins hear at once.
    EventType.PLAN_CLASSIFICATION_LOWERED: {Role.ADMIN: EmailChoice.IMMEDIATE},
    # A building's maps changed: those who respond there hear at once (the others in the app).
    EventType.BUILDING_DOCUMENT_CHANGED: {Role.ADMIN: EmailChoice.IMMEDIATE, Role.LIAISON: EmailChoice.IMMEDIATE},
    # The invitation carries the link a new account chooses its password with: mailed at once, whatever the role.
    EventType.MEMBER_INVITED: {role: EmailChoice.IMMEDIATE for role in Role},
    # Required reading: the person's own reminders, and the weekly list a supervisor or admin is chased with.
    EventType.READING_DUE_SOON: {role: EmailChoice.IMMEDIATE for role in Role},
    EventType.READING_OVERDUE: {role: EmailChoice.IMMEDIATE for role in Role},
    EventType.READING_ESCALATION: {role: EmailChoice.IMMEDIATE for role in Role},
    # Partners watching a school hear at once who its officer is now.
    EventType.FACILITY_SRO_CHANGED: {Role.ADMIN: EmailChoice.IMMEDIATE, Role.LIAISON: EmailChoice.IMMEDIATE},
    # Exercises (issue 17): an agency's admins and liaisons hear at once of one it is to take part in.
    EventType.EXERCISE_SCHEDULED: {Role.ADMIN: EmailChoice.IMMEDIATE, Role.LIAISON: EmailChoice.IMMEDIATE},
    EventType.CORRECTIVE_ACTION_CLOSED: {Role.ADMIN: EmailChoice.DAILY, Role.LIAISON: EmailChoice.DAILY},
    # Everyone of a participating agency hears days before an exercise; an overdue action goes only to its owning
    # agency's admins and the person responsible, by mail at once.
    EventType.EXERCISE_UPCOMING: {role: EmailChoice.IMMEDIATE for role in Role},
    EventType.CORRECTIVE_ACTION_OVERDUE: {role: EmailChoice.IMMEDIATE for role in Role},
}

# Always shown under Alerts whatever the recipient chose (they may still choose how it is e-mailed): an
# escalation is how a supervisor learns their people are behind, so nobody can switch it off entirely.
ALWAYS_IN_APP: frozenset[str] = frozenset({EventType.READING_ESCALATION})

# When a person belongs to several agencies, the role that hears the most decides the default.
ROLE_PRIORITY: dict[str, int] = {Role.ADMIN: 0, Role.LIAISON: 1, Role.PLANNER: 2, Role.MEMBER: 3}


def default_preference(*, event_type: str, role: str) -> tuple[bool, str]:
    """(in_app, email) for someone with `role` who has not chosen otherwise."""
    return True, _EMAIL_DEFAULTS.get(event_type, {}).get(role, EmailChoice.OFF)


def effective_in_app(*, event_type: str, in_app: bool) -> bool:
    """A person's in-app choice as it applies: on, whatever they chose, for the ALWAYS_IN_APP event types."""
    return in_app or event_type in ALWAYS_IN_APP

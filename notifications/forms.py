"""Forms of the alerts pages: how a person wants to hear about each kind of event."""

from dataclasses import dataclass
from typing import Any

from django import forms

from notifications.models import EmailChoice, EventType
from notifications.preferences import ALWAYS_IN_APP

# What each event means for the person reading the preferences page.
EVENT_HELP = {
    EventType.VERSION_PUBLISHED: "A partner publishes a new version of a plan shared with your agency, "
    "or your agency publishes one.",
    EventType.VERSION_WITHDRAWN: "A plan's current version is withdrawn and should no longer be used.",
    EventType.PLAN_SHARED: "Another agency shares a plan with your agency, or changes its access level.",
    EventType.PLAN_UNSHARED: "Another agency stops sharing a plan with your agency.",
    EventType.COMMENT_CREATED: "Someone comments on one of your agency's plans, or replies in a review thread "
    "you took part in.",
    EventType.COMMENT_RESOLVED: "The owner resolves a review thread you took part in, such as your agency's "
    "change request.",
    EventType.PLAN_REVIEW_DUE: "One of your agency's plans is due for its periodic review.",
    EventType.ACKNOWLEDGEMENT_REMINDER: "A current plan version still waits for your agency's acknowledgement.",
    EventType.WEBHOOK_DISABLED: "One of your agency's webhooks was switched off after repeated failures.",
    EventType.CONCURRENCE_RECORDED: "A partner concurs with, or requests changes to, one of your agency's plans.",
    EventType.MEMBER_INVITED: "An agency admin creates your account and adds you to their agency; the e-mail holds "
    "the link to choose your password.",
    EventType.PLAN_CLASSIFICATION_LOWERED: "One of your agency's plans is given a lower classification, so more "
    "people may read it (e.g. law-enforcement sensitive to public).",
    EventType.FACILITY_SRO_CHANGED: "A school whose plans your agency sees gets a new School Resource Officer, "
    "or its officer's assignment ends.",
    EventType.FACILITY_CONFLICT: "Another agency's current plan states a key fact about a building differently "
    "from one of your agency's plans.",
    EventType.READING_DUE_SOON: "A plan your agency asks you to read is due for your acknowledgement in 3 days.",
    EventType.READING_OVERDUE: "A plan your agency asks you to read is past its due date without your acknowledgement.",
    EventType.READING_ESCALATION: "Weekly, for the groups you supervise (or, as an admin, the people in no "
    "supervised group): who is overdue with required reading. Always shown in Alerts; you choose the e-mail.",
}


EMAIL_TEXT: dict[str, str] = {
    EmailChoice.OFF: "no e-mail",
    EmailChoice.IMMEDIATE: "e-mailed immediately",
    EmailChoice.DAILY: "e-mailed in a daily digest",
}


@dataclass(frozen=True)
class PreferenceRow:
    """One event type on the page: its fields, its role default and whether the person chose otherwise."""

    event_type: str
    label: str
    help: str
    in_app: forms.BoundField
    email: forms.BoundField
    default_in_app: bool
    default_email_text: str
    is_default: bool
    in_app_locked: bool


def _prefix(event_type: str) -> str:
    return event_type.replace(".", "_")


class PreferencesForm(forms.Form):
    """Per event type: an in-app alert on or off, and e-mail off, immediately or in a daily digest."""

    def __init__(
        self,
        *args: Any,
        current: list[dict[str, Any]],
        defaults: dict[str, tuple[bool, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.current = {row["event_type"]: row for row in current}
        self.defaults = defaults
        for event_type, row in self.current.items():
            label = EventType(event_type).label
            # Escalations are always shown: a posted "off" is ignored (a disabled field keeps its initial value).
            locked = event_type in ALWAYS_IN_APP
            self.fields[f"{_prefix(event_type)}__in_app"] = forms.BooleanField(
                required=False, initial=row["in_app"] or locked, disabled=locked, label=f"Show in Alerts: {label}"
            )
            self.fields[f"{_prefix(event_type)}__email"] = forms.ChoiceField(
                choices=EmailChoice.choices, initial=row["email"], label=f"E-mail: {label}"
            )

    def rows(self) -> list[PreferenceRow]:
        """The fields grouped per event type, in the order of the event types."""
        result = []
        for event_type, row in self.current.items():
            default_in_app, default_email = self.defaults[event_type]
            result.append(
                PreferenceRow(
                    event_type=event_type,
                    label=EventType(event_type).label,
                    help=EVENT_HELP.get(event_type, ""),
                    in_app=self[f"{_prefix(event_type)}__in_app"],
                    email=self[f"{_prefix(event_type)}__email"],
                    default_in_app=default_in_app,
                    default_email_text=EMAIL_TEXT[default_email],
                    is_default=bool(row["is_default"]),
                    in_app_locked=event_type in ALWAYS_IN_APP,
                )
            )
        return result

    def changed_choices(self) -> list[dict[str, Any]]:
        """The event types whose submitted setting differs from the current one (untouched ones stay on defaults)."""
        choices = []
        for event_type, row in self.current.items():
            in_app = self.cleaned_data[f"{_prefix(event_type)}__in_app"]
            email = self.cleaned_data[f"{_prefix(event_type)}__email"]
            if (in_app, email) != (row["in_app"], row["email"]):
                choices.append({"event_type": event_type, "in_app": in_app, "email": email})
        return choices

"""How an alert names an exercise event (issue 17): the exercise, its kind and date, who leads it."""

from datetime import datetime
from typing import Any

from django.utils import timezone


def _when(value: object) -> str:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return ""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(moment) else str(value)


def exercise_start_words(value: object) -> str:
    """When an exercise starts, as a mail says it ("2026-05-04 09:00"), or "" if unknown."""
    return _when(value)


def exercise_scheduled_title(payload: dict[str, Any]) -> str:
    """ "Lockdown drill on 2026-05-04 09:00: Spring lockdown (led by Maple Valley School District)"."""
    when = _when(payload.get("starts_at"))
    kind = str(payload.get("kind") or "Exercise") + (f" on {when}" if when else "")
    lead = payload.get("lead_agency_name") or "another agency"
    return f"{kind}: {payload.get('exercise_title', '')} (led by {lead})"


def exercise_upcoming_title(payload: dict[str, Any]) -> str:
    """ "Coming up: Lockdown drill on 2026-05-04 09:00: Spring lockdown (led by Maple Valley School District)"."""
    return f"Coming up: {exercise_scheduled_title(payload)}"


def corrective_action_overdue_title(payload: dict[str, Any]) -> str:
    """ "Spring lockdown: corrective action overdue since 2026-05-01 — Update the reunification annex"."""
    exercise, description = payload.get("exercise_title", "An exercise"), payload.get("description", "")
    return f"{exercise}: corrective action overdue since {payload.get('due_on', '')} — {description}"


def corrective_action_closed_title(payload: dict[str, Any]) -> str:
    """ "Spring lockdown: corrective action closed by version 4 — Update the reunification annex"."""
    how = payload.get("how") or "decision"
    closed = "by a decision not to change" if how == "decision" else f"by {how}"
    exercise, description = payload.get("exercise_title", "An exercise"), payload.get("description", "")
    return f"{exercise}: corrective action closed {closed} — {description}"

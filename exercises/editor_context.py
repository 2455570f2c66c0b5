"""The plan editor's corrective actions (issue 17): the open actions on the plan, by the section key they concern
("" for the plan as a whole), for its writers. The editor asks this builder, never the exercises views."""

from typing import Any

from access.exercises import open_actions_in_editor
from access.plans import PlanAccess
from exercises.models import CorrectiveAction


def editor_actions_context(*, access: PlanAccess) -> dict[str, Any]:
    """`corrective_actions_by_key` for the sections and `corrective_actions_whole` for the side column."""
    rows = list(open_actions_in_editor(access=access).select_related("exercise", "owning_agency").order_by("due_on"))
    if not rows:
        return {}
    by_key: dict[str, list[CorrectiveAction]] = {}
    for action in rows:
        by_key.setdefault(action.section_key, []).append(action)
    return {"corrective_actions_by_key": by_key, "corrective_actions_whole": by_key.get("", [])}

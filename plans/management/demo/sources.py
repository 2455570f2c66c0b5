"""The demo's sources (issue 20): the police active threat plan builds on the 19 school crisis plans (its
"schools" section), and two schools publish a new version after the police plan's current one, so the police
department's admins and planners find two pending source reviews on their first sign-in."""

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.contrib.auth.models import User

from plans.models import Plan, PlanKind, PlanVersion, Section
from sources.services import plan_source_add

# Schools whose plan moves on after the police plan was written (neither has another update in the demo).
MOVED_ON = {
    "Prairie Ridge Middle School crisis plan": "Buses for reunification now stage on Ridge Rd, not in the front loop.",
    "Fairbrook North High School crisis plan": "Reunification check-in moved to the south gym lobby (doors 14-15).",
}
POLICE_SECTION = "schools"


class SourcesMixin:
    """Build steps of the demo's sources (the builder in plans/demo_data.py provides the helpers)."""

    users: dict[str, User]

    if TYPE_CHECKING:

        def _publish(
            self, plan: Plan, *, writer: str, publisher: str, summary: str, sections: list[dict]
        ) -> PlanVersion: ...

    def _police_sources(self, plan: Plan, *, writer: str) -> None:
        """The police plan's "schools" section builds on every school's crisis plan."""
        for school_plan in Plan.objects.filter(kind=PlanKind.SCHOOL_EOP).order_by("title"):
            plan_source_add(plan=plan, source_plan=school_plan, section_key=POLICE_SECTION, actor=self.users[writer])

    def _schools_move_on(self, writers: Mapping[str, tuple[str, str]]) -> None:
        """Two schools publish a new reunification annex after the police plan's current version."""
        for title, change in MOVED_ON.items():
            plan = Plan.objects.select_related("owner_agency").get(title=title)
            writer, publisher = writers[plan.owner_agency.slug]
            rows = [
                {"key": key, "title": section_title, "body": body}
                for key, section_title, body in Section.objects.filter(version_id=plan.current_version_id)
                .order_by("position")
                .values_list("key", "title", "body")
            ]
            for row in rows:
                if row["key"] == "annex-reunification":
                    row["body"] = f"{row['body']}\n\n{change}"
            self._publish(plan, writer=writer, publisher=publisher, summary=change, sections=rows)

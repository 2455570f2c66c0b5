"""Demo review comments: partners' remarks and change requests on the school plan with a draft in progress, so
the dashboard, the plan page and the draft editor show what is still owed."""

from typing import Any

from django.contrib.auth.models import User

from plans.models import Plan
from reviews.concurrence_services import concurrence_record
from reviews.models import Comment, ConcurrenceOutcome
from reviews.services import comment_create, comment_resolve


def demo_reviews_create(*, plan: Plan, users: dict[str, User]) -> None:
    """On `plan`'s current version: a fire change request with the planner's reply (open), a police remark,
    a police change request the district admin resolved; police concur, fire asks for changes."""
    plan = Plan.objects.select_related("current_version", "owner_agency").get(pk=plan.pk)
    version = plan.current_version
    if version is None:  # the demo reviews a published plan
        return

    def say(username: str, body: str, **kwargs: Any) -> Comment:
        return comment_create(version=version, author=users[username], body=body, **kwargs)

    staging = say(
        "fire_liaison",
        "Our engines stage in the **east lot** on any alarm, and this annex sends evacuated classes there too. "
        "Please move the assembly point, or name another staging lot we can use.",
        section_key="annex-evacuation",
        is_change_request=True,
    )
    say(
        "district_planner",
        "Thanks. The draft for the board moves the assembly point to the north field; "
        "we will confirm the lot with you before it is published.",
        parent=staging,
    )
    say(
        "police_liaison",
        "Please list the SRO's radio talkgroup with the site lead's contacts, so patrol can reach them.",
        section_key="annex-reunification",
    )
    doors = say(
        "police_liaison",
        "Number the exterior doors in the lockdown annex so responding officers can call out entries.",
        section_key="annex-lockdown",
        is_change_request=True,
    )
    comment_resolve(comment=doors, actor=users["district_admin"], note="Door numbers are in the draft for the board.")

    def conclude(username: str, outcome: str, note: str = "") -> None:
        concurrence_record(version=version, agency=None, actor=users[username], outcome=outcome, note=note)

    conclude("police_liaison", ConcurrenceOutcome.CONCUR, "Reviewed with the SRO at the annual walkthrough.")
    conclude("fire_liaison", ConcurrenceOutcome.CHANGES_REQUESTED)

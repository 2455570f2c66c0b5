"""Plans built through the services, so every grant, audit and outbox row exists as in production."""

from agencies.models import Agency
from plans import services
from plans.models import Classification, Plan, PlanKind, PlanVersion


def sections(*bodies: str) -> list[dict[str, str]]:
    return [{"key": f"section-{i}", "title": f"Section {i}", "body": body} for i, body in enumerate(bodies, 1)]


def make_plan(
    *,
    owner: Agency,
    actor,
    title: str = "Crisis plan",
    kind: str = PlanKind.SCHOOL_EOP,
    classification: str = Classification.PARTNER,
    facilities=(),
) -> Plan:
    return services.plan_create(
        actor=actor,
        title=title,
        kind=kind,
        owner_agency=owner,
        facilities=list(facilities),
        classification=classification,
    )


def publish(plan: Plan, actor, *bodies: str, summary: str = "Annual update") -> PlanVersion:
    """Start a draft with the given section bodies and publish it."""
    draft = services.plan_version_create_draft(
        plan=plan, actor=actor, change_summary=summary, sections=sections(*bodies) if bodies else None
    )
    return services.plan_version_publish(version=draft, actor=actor)


def draft(plan: Plan, actor, *bodies: str, summary: str = "Work in progress") -> PlanVersion:
    return services.plan_version_create_draft(
        plan=plan, actor=actor, change_summary=summary, sections=sections(*bodies) if bodies else None
    )


def changed_draft(plan: Plan, actor, change: str = "Updated after the annual drill.") -> PlanVersion:
    """A draft of the current version with `change` added to its first section: a draft identical to the current
    version cannot be published (plans/version_content.py), so a test that publishes again changes something."""
    rows = [
        {"key": key, "title": title, "body": body}
        for key, title, body in plan.versions.get(pk=plan.current_version_id)
        .sections.order_by("position")
        .values_list("key", "title", "body")
    ]
    rows[0]["body"] = f"{rows[0]['body']}\n\n{change}".strip()
    return services.plan_version_create_draft(plan=plan, actor=actor, change_summary=change, sections=rows)

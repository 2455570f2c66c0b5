"""A draft that differs from the plan's current version: publishing an unchanged copy is refused (409)."""

from typing import Any

from django.utils import timezone


def changed_draft(*, plan: Any, actor: Any, summary: str, note: str) -> Any:
    """The plan's draft (started, or the one an interrupted run left) holding its current sections with a dated
    line added to the first, so every publish of a benchmark is a real change."""
    from plans import services
    from plans.models import PlanVersion, VersionState

    current = plan.versions.filter(pk=plan.current_version_id).first() if plan.current_version_id else None
    sections = [
        {"key": s.key, "title": s.title, "body": s.body} for s in current.sections.order_by("position")
    ] if current else []  # fmt: skip
    line = f"{note}, {timezone.now():%Y-%m-%d %H:%M:%S.%f}."
    if sections:
        sections[0]["body"] += f"\n\n{line}"
    else:
        sections = [{"key": "overview", "title": "Overview", "body": line}]
    draft = PlanVersion.objects.filter(plan=plan, state=VersionState.DRAFT).first()
    if draft is None:
        return services.plan_version_create_draft(plan=plan, actor=actor, change_summary=summary, sections=sections)
    services.plan_version_update_draft(version=draft, actor=actor, change_summary=summary, sections=sections)
    return draft

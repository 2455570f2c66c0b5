"""The sources panels other apps' pages show: on the plan page (what the current version was written against,
which sources moved on, which plans build on this one) and in the draft editor (open source changes beside the
sections they concern). Pages ask these builders, never the sources views."""

from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from access.plans import PlanAccess
from access.sources import can_declare_sources, can_review_source_changes, can_see_source_reviews
from plans.models import PlanVersion, Section
from sources.forms import SourceForm
from sources.selectors import editor_source_changes, plan_dependents, plan_sources, source_candidates


def section_choices(access: PlanAccess) -> list[tuple[str, str]]:
    newest = PlanVersion.objects.filter(plan=access.plan).order_by("-number").values("pk")[:1]
    return list(Section.objects.filter(version_id__in=newest).order_by("position").values_list("key", "title"))


def source_panel_context(*, user: User | AnonymousUser, access: PlanAccess) -> dict[str, Any]:
    """The plan page's Sources panel: each source as the reader may know it, the plans built on this one, and
    for its writers the form to declare another."""
    plan = access.plan
    context: dict[str, Any] = {
        "plan_sources": plan_sources(user=user, plan=plan),
        "plan_dependents": plan_dependents(user=user, plan=plan),
        "sources_reviewable": can_see_source_reviews(access),
        "sources_editable": can_declare_sources(access),
    }
    if can_declare_sources(access):
        sections = section_choices(access)
        context["source_form"] = SourceForm(candidates=source_candidates(user=user, plan=plan), sections=sections)
        context["source_section_titles"] = dict(sections)
    return context


def editor_sources_context(*, user: User | AnonymousUser, access: PlanAccess) -> dict[str, Any]:
    """The draft editor's open source changes, by the section key they concern ("" for the whole plan)."""
    if not can_review_source_changes(access):
        return {}
    by_key = editor_source_changes(user=user, plan=access.plan)
    return {"source_changes_by_key": by_key, "source_changes_whole": by_key.get("", [])}

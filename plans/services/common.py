"""Helpers shared by the plan services: the search text and the outbox payload."""

from typing import Any

from django.contrib.auth.models import User
from django.contrib.postgres.search import SearchVector
from django.db import connection

from plans.models import (
    Plan,
    PlanVersion,
    Section,
)


def search_refresh(plan: Plan) -> None:
    """Rebuild the plan's search text from its title and current sections."""
    parts = [plan.title]
    if plan.current_version_id:
        for title, body in Section.objects.filter(version_id=plan.current_version_id).values_list("title", "body"):
            parts.extend((title, body))
    document = "\n".join(parts)
    Plan.objects.filter(pk=plan.pk).update(search_document=document)
    if connection.vendor == "postgresql":
        Plan.objects.filter(pk=plan.pk).update(search_vector=SearchVector("search_document", config="english"))


def event_payload(
    plan: Plan, version: PlanVersion | None = None, *, actor: User | None = None, **extra: Any
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "plan": plan.pk,
        "plan_title": plan.title,
        "owner_agency": plan.owner_agency_id,
        "actor": actor.pk if actor is not None else None,
    }
    if version is not None:
        payload.update(version=version.number, change_summary=version.change_summary)
    payload.update(extra)
    return payload

"""Plans that state key facts, built the way the editor will: facts written on a draft, then published."""

from decimal import Decimal

from consistency.models import FacilityFact
from plans import services
from plans.models import Plan, PlanVersion
from tests.plans.factories import sections

FactInput = str | tuple[str, Decimal | str, Decimal | str]


def fact_rows(version: PlanVersion, facility, facts: dict[str, FactInput]) -> list[FacilityFact]:
    rows = []
    for key, value in facts.items():
        text, latitude, longitude = (value, None, None) if isinstance(value, str) else value
        rows.append(
            FacilityFact(
                version=version,
                facility=facility,
                key=key,
                text=text,
                latitude=None if latitude is None else Decimal(str(latitude)),
                longitude=None if longitude is None else Decimal(str(longitude)),
            )
        )
    return rows


def draft_with_facts(plan: Plan, actor, facts_by_facility: dict, body: str = "Body") -> PlanVersion:
    """A new draft whose facts are exactly `facts_by_facility` ({facility: {key: text or (text, lat, lon)}})."""
    version = services.plan_version_create_draft(plan=plan, actor=actor, sections=sections(body))
    FacilityFact.objects.filter(version=version).delete()  # a new draft may start with the current facts
    rows = [row for facility, facts in facts_by_facility.items() for row in fact_rows(version, facility, facts)]
    FacilityFact.objects.bulk_create(rows)
    return version


def publish_facts(plan: Plan, actor, facts_by_facility: dict, body: str = "Body") -> PlanVersion:
    """Publish a new version of `plan` stating these facts (through the publish service); a version identical to
    the current one is refused, so publishing the same facts again needs another `body`."""
    return services.plan_version_publish(version=draft_with_facts(plan, actor, facts_by_facility, body), actor=actor)

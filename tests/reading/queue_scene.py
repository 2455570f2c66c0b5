"""Shared set-up of the "To read" tests: requirements on the county's plans and more plans to read."""

from access.actors import SYSTEM
from plans import services
from plans.models import Plan, ShareLevel
from reading.models import ReadingRequirement
from reading.sync import obligations_sync
from tests.plans.factories import make_plan, publish


def require(agency, plan, **fields) -> ReadingRequirement:
    """`agency` requires its people (everyone unless told) to read `plan`; obligations synced as the service does."""
    requirement = ReadingRequirement.objects.create(agency=agency, plan=plan, **fields)
    obligations_sync(agency_ids=[agency.pk], plan_ids=[plan.pk])
    return requirement


def shared_plans(county, count: int, *, required_by=None, prefix: str = "Plan") -> list[Plan]:
    """`count` published district plans shared with the police, each required by `required_by` (the police)."""
    plans = []
    for n in range(count):
        plan = make_plan(owner=county.district, actor=county.owner_admin, title=f"{prefix} {n:03}")
        publish(plan, county.owner_admin, f"Step one of {prefix.lower()} {n}.", "Assemble at the north field.")
        services.plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=county.owner_admin)
        plan.refresh_from_db()
        plans.append(plan)
    for plan in plans:
        ReadingRequirement.objects.create(agency=required_by or county.police, plan=plan)
    obligations_sync(agency_ids=[(required_by or county.police).pk])
    return plans


def publish_next(county, plan=None):
    """The county plan's open draft (the stadium change) published: v2 is current."""
    plan = plan or county.plan
    version = services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    plan.refresh_from_db()
    return version


__all__ = ["SYSTEM", "publish_next", "require", "shared_plans"]

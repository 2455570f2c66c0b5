"""Every plan service checks its actor itself: called directly (not through a view) by someone the rule
refuses, it raises NotAllowedError and changes nothing — no row, no grant, no audit row, no outbox event.

The views keep their own early 404/403 (tests/plans/test_permission_matrix.py); these tests hold the services
to the same rule for callers that skip the views (the admin, tasks, scripts, a future endpoint).
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.models import Role
from plans import services
from plans.models import Classification, PlanKind, ShareLevel
from portal.errors import NotAllowedError
from tests.agencies.factories import member
from tests.conftest import County
from tests.plans.factories import make_plan, sections
from tests.plans.test_permission_matrix import world

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# The four kinds of refused actor the issue names, and platform staff (a member of no agency).
REFUSED = ("partner_admin", "owner_member", "owner_liaison", "unrelated_admin", "staff")


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("site-map.pdf", PDF, content_type="application/pdf")


@pytest.fixture
def setting(county) -> dict[str, Any]:
    """The county, a police admin (a partner's admin), a file on the draft and a plan never published."""
    return {
        "county": county,
        "partner_admin": member(county.police, Role.ADMIN, username="police_admin"),
        "attachment": services.attachment_add(
            version=county.draft, actor=county.owner_planner, upload=pdf(), max_bytes=10_000
        ),
        "unpublished": make_plan(owner=county.district, actor=county.owner_admin, title="Bus routes"),
    }


def actor_of(setting: dict[str, Any], name: str):
    return setting[name] if name in setting else getattr(setting["county"], name)


Call = Callable[[dict[str, Any], Any], object]


def _create(s: dict[str, Any], actor) -> object:
    county: County = s["county"]
    return services.plan_create(
        actor=actor, title="New plan", kind=PlanKind.SCHOOL_EOP, owner_agency=county.district, facilities=[]
    )


def _create_once(s: dict[str, Any], actor) -> object:
    county: County = s["county"]
    return services.plan_create_once(
        actor=actor,
        creation_key=None,
        title="New plan",
        kind=PlanKind.SCHOOL_EOP,
        owner_agency=county.district,
        facilities=[],
        first_draft=sections("Evacuate."),
    )


SERVICES: dict[str, tuple[Call, str, tuple[str, ...]]] = {
    # name: (the call, an actor it allows, the actors it refuses)
    "plan_create": (_create, "owner_planner", REFUSED),
    "plan_create_once": (_create_once, "owner_planner", REFUSED),
    "plan_update": (
        lambda s, actor: services.plan_update(plan=s["county"].plan, actor=actor, title="Renamed"),
        "owner_planner",
        ("partner_admin", "owner_member", "owner_liaison", "unrelated_admin"),  # staff correct it in the admin
    ),
    "plan_update classification": (
        lambda s, actor: services.plan_update(
            plan=s["county"].plan, actor=actor, classification=Classification.LAW_ENFORCEMENT_SENSITIVE
        ),
        "owner_admin",
        ("owner_planner", "partner_admin", "owner_member", "owner_liaison", "unrelated_admin"),
    ),
    "plan_update lowering the classification": (
        lambda s, actor: services.plan_update(plan=s["county"].plan, actor=actor, classification=Classification.PUBLIC),
        "owner_admin",
        ("owner_planner", *REFUSED),  # staff may only raise it
    ),
    "plan_delete": (
        lambda s, actor: services.plan_delete(plan=s["unpublished"], actor=actor),
        "owner_admin",
        ("owner_planner", *REFUSED),
    ),
    "plan_version_create_draft": (
        lambda s, actor: services.plan_version_create_draft(plan=s["county"].plan, actor=actor),
        "owner_planner",
        REFUSED,
    ),
    "plan_draft_start": (
        lambda s, actor: services.plan_draft_start(
            plan=s["county"].plan, actor=actor, change_summary="Another", reuse=services.DraftReuse.SAME_CONTENT
        ),
        "owner_planner",
        REFUSED,
    ),
    "plan_version_update_draft": (
        lambda s, actor: services.plan_version_update_draft(
            version=s["county"].draft, actor=actor, change_summary="Edited", sections=sections("Changed.")
        ),
        "owner_planner",
        ("partner_admin", "owner_member", "owner_liaison", "unrelated_admin"),  # staff correct it in the admin
    ),
    "plan_version_publish": (
        lambda s, actor: services.plan_version_publish(version=s["county"].draft, actor=actor),
        "owner_admin",
        ("owner_planner", *REFUSED),
    ),
    "plan_version_withdraw": (
        lambda s, actor: services.plan_version_withdraw(version=s["county"].published, actor=actor),
        "owner_admin",
        ("owner_planner", *REFUSED),
    ),
    "plan_mark_reviewed": (
        lambda s, actor: services.plan_mark_reviewed(plan=s["county"].plan, actor=actor, note="No changes."),
        "owner_admin",
        ("owner_planner", *REFUSED),
    ),
    "plan_share": (
        lambda s, actor: services.plan_share(
            plan=s["county"].plan, agency=s["county"].unrelated, level=ShareLevel.VIEW, actor=actor
        ),
        "owner_admin",
        ("owner_planner", *REFUSED),
    ),
    "plan_share changing a level": (
        lambda s, actor: services.plan_share(
            plan=s["county"].plan, agency=s["county"].police, level=ShareLevel.COMMENT, actor=actor
        ),
        "owner_admin",
        ("owner_planner", *REFUSED),
    ),
    "plan_unshare": (
        lambda s, actor: services.plan_unshare(plan=s["county"].plan, agency=s["county"].police, actor=actor),
        "owner_admin",
        ("owner_planner", *REFUSED),
    ),
    "attachment_add": (
        lambda s, actor: services.attachment_add(
            version=s["county"].draft, actor=actor, upload=pdf(), max_bytes=10_000
        ),
        "owner_planner",
        REFUSED,
    ),
    "attachment_remove": (
        lambda s, actor: services.attachment_remove(attachment=s["attachment"], actor=actor),
        "owner_planner",
        REFUSED,
    ),
    "plan_version_acknowledge": (
        lambda s, actor: services.plan_version_acknowledge(version=s["county"].published, actor=actor),
        "owner_member",
        ("unrelated_admin", "staff"),  # everyone who may read the plan acknowledges it for themselves
    ),
    "plan_version_acknowledge for a partner agency": (
        lambda s, actor: services.plan_version_acknowledge(
            version=s["county"].published, actor=actor, agency=s["county"].police
        ),
        "partner_admin",
        ("partner_view_member", "owner_admin", "owner_liaison", "unrelated_admin", "staff"),
    ),
}

REFUSALS = [
    pytest.param(service, actor, id=f"{service}-{actor}")
    for service, (_, _, refused) in SERVICES.items()
    for actor in refused
]


@pytest.mark.parametrize(("service", "actor"), REFUSALS)
def test_a_service_called_directly_refuses_an_actor_the_rule_refuses_and_changes_nothing(setting, service, actor):
    call, _, _ = SERVICES[service]
    before = world()
    with pytest.raises(NotAllowedError):
        call(setting, actor_of(setting, actor))
    assert world() == before


@pytest.mark.parametrize("actor", ["owner_admin", "owner_liaison", "owner_member"])
def test_nobody_acknowledges_a_plan_for_its_own_owner_agency_and_nothing_changes(setting, actor):
    """An agency does not acknowledge its own plan (issue 15, item 7): its people read it through required
    reading, so the owner's admins and liaisons are refused like everyone else."""
    county = setting["county"]
    before = world()
    with pytest.raises(NotAllowedError):
        services.plan_version_acknowledge(
            version=county.published, actor=actor_of(setting, actor), agency=county.district
        )
    assert world() == before


@pytest.mark.parametrize("service", list(SERVICES))
def test_the_same_call_by_an_actor_the_rule_allows_succeeds(setting, service):
    """So each refusal above is the actor's doing, not a call that could never work."""
    call, allowed, _ = SERVICES[service]
    call(setting, actor_of(setting, allowed))


def test_refusals_say_why_in_the_words_the_pages_and_the_api_use(setting):
    county = setting["county"]
    messages = {
        "Only admins and planners of Maple Valley School District may create its plans.": lambda: _create(
            setting, county.owner_member
        ),
        "Only admins and planners of the owner agency may change this plan.": lambda: services.plan_update(
            plan=county.plan, actor=county.owner_member, title="x"
        ),
        "Only admins of the owner agency may change a plan's classification.": lambda: services.plan_update(
            plan=county.plan, actor=county.owner_planner, classification=Classification.PUBLIC
        ),
        "Only admins of the owner agency may delete this plan.": lambda: services.plan_delete(
            plan=setting["unpublished"], actor=county.owner_planner
        ),
        "Only admins and planners of the owner agency may start drafts.": lambda: services.plan_draft_start(
            plan=county.plan, actor=county.owner_liaison
        ),
        "Only admins and planners of the owner agency may edit drafts.": lambda: services.plan_version_update_draft(
            version=county.draft, actor=county.owner_liaison, change_summary="x"
        ),
        "Only admins of the owner agency may publish.": lambda: services.plan_version_publish(
            version=county.draft, actor=county.owner_planner
        ),
        "Only admins of the owner agency may withdraw.": lambda: services.plan_version_withdraw(
            version=county.published, actor=county.owner_planner
        ),
        "Only admins of the owner agency may share this plan.": lambda: services.plan_share(
            plan=county.plan, agency=county.unrelated, level=ShareLevel.VIEW, actor=county.owner_planner
        ),
        "Only admins of the owner agency may revoke a share.": lambda: services.plan_unshare(
            plan=county.plan, agency=county.police, actor=county.owner_planner
        ),
        "Only admins and planners of the owner agency may attach files.": lambda: services.attachment_add(
            version=county.draft, actor=county.owner_liaison, upload=pdf(), max_bytes=10_000
        ),
        "Only admins and planners of the owner agency may remove files.": lambda: services.attachment_remove(
            attachment=setting["attachment"], actor=county.owner_liaison
        ),
    }
    for message, call in messages.items():
        with pytest.raises(NotAllowedError) as refused:
            call()
        assert refused.value.message == message


def test_platform_staff_may_correct_a_plan_and_a_draft_and_only_raise_a_classification(setting):
    """What the admin site lets operators do (plans/admin.py), as the access layer says (PlanAccess.can_correct)."""
    county = setting["county"]
    services.plan_update(plan=county.plan, actor=county.staff, title="Corrected title")
    services.plan_update(plan=county.plan, actor=county.staff, classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    services.plan_version_update_draft(version=county.draft, actor=county.staff, change_summary="Typo fixed")
    county.plan.refresh_from_db()
    county.draft.refresh_from_db()
    assert (county.plan.title, county.plan.classification) == ("Corrected title", "law_enforcement_sensitive")
    assert county.draft.change_summary == "Typo fixed"

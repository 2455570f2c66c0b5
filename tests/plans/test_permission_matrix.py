"""Tenant isolation for plans, versions, attachments, acknowledgements and shares: every endpoint x every actor,
the exact status, and nothing changed on refusal.

The `county` plan is `partner`-classified, shared with the police (`view`) and fire (`comment`); it has
version 1 published and version 2 in draft.
"""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from notifications.models import OutboxEvent
from plans import services
from plans.models import (
    Acknowledgement,
    AgencyAcknowledgement,
    Attachment,
    Classification,
    Plan,
    PlanGroupObjectPermission,
    PlanReview,
    PlanShare,
    PlanVersion,
    Section,
    ShareLevel,
    VersionState,
)
from tests.conftest import client_for
from tests.permission_matrix import ACTORS, OWNERS, PARTNERS, client_as, covers, matrix, user_of
from tests.plans.factories import draft, make_plan, sections

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

# The same answers recur across endpoints; each is named for the rule it encodes.
# Reading anything released of a partner plan: owner and partners yes, everyone else cannot see it.
PARTNER_PLAN_READ = matrix(
    anonymous=401,
    owner_admin=200,
    owner_planner=200,
    owner_liaison=200,
    owner_member=200,
    partner_view_liaison=200,
    partner_view_member=200,
    partner_comment_liaison=200,
    unrelated_admin=404,
    staff=404,
)
# Reading a draft: only the owner's admins, planners and liaisons; partners never see drafts.
DRAFT_READ = matrix(
    anonymous=401,
    owner_admin=200,
    owner_planner=200,
    owner_liaison=200,
    owner_member=404,
    partner_view_liaison=404,
    partner_view_member=404,
    partner_comment_liaison=404,
    unrelated_admin=404,
    staff=404,
)
# Lists only the owner agency's members may see (shares, acknowledgements).
OWNER_MEMBERS_READ = matrix(
    anonymous=401,
    owner_admin=200,
    owner_planner=200,
    owner_liaison=200,
    owner_member=200,
    partner_view_liaison=403,
    partner_view_member=403,
    partner_comment_liaison=403,
    unrelated_admin=404,
    staff=404,
)
# Every signed-in user (a `public` plan).
SIGNED_IN_200 = {actor: 200 for actor in ACTORS if actor != "anonymous"}


def owner_admin_only(success: int) -> list:
    """Owner admins only; the rest of the owner agency and the partners see the plan, so they get 403."""
    return matrix(
        anonymous=401,
        owner_admin=success,
        owner_planner=403,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=404,
        staff=404,
    )


def owner_editors_only(success: int) -> list:
    """Owner admins and planners; other viewers get 403."""
    return matrix(
        anonymous=401,
        owner_admin=success,
        owner_planner=success,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=404,
        staff=404,
    )


def draft_editors_only(success: int) -> list:
    """Owner admins and planners change a draft; the liaison sees it (403), nobody else does (404)."""
    return matrix(
        anonymous=401,
        owner_admin=success,
        owner_planner=success,
        owner_liaison=403,
        owner_member=404,
        partner_view_liaison=404,
        partner_view_member=404,
        partner_comment_liaison=404,
        unrelated_admin=404,
        staff=404,
    )


def world() -> dict:
    """Everything a plan endpoint could change, read fresh from the database."""
    return {
        "plans": sorted(
            Plan.objects.values_list(
                "id",
                "title",
                "kind",
                "owner_agency_id",
                "classification",
                "review_interval_days",
                "next_review_due",
                "current_version_id",
            )
        ),
        "plan_facilities": sorted(Plan.facilities.through.objects.values_list("plan_id", "facility_id")),
        "versions": sorted(
            PlanVersion.objects.values_list(
                "id", "plan_id", "number", "state", "change_summary", "published_at", "withdrawn_at", "content_sha256"
            )
        ),
        "sections": sorted(Section.objects.values_list("version_id", "position", "key", "title", "body")),
        "attachments": sorted(Attachment.objects.values_list("id", "version_id", "filename", "sha256")),
        "shares": sorted(PlanShare.objects.values_list("plan_id", "agency_id", "level", "shared_by_id")),
        "grants": sorted(
            PlanGroupObjectPermission.objects.values_list("content_object_id", "group_id", "permission__codename")
        ),
        "acknowledgements": sorted(Acknowledgement.objects.values_list("version_id", "user_id")),
        "agency_acknowledgements": sorted(AgencyAcknowledgement.objects.values_list("version_id", "agency_id")),
        "reviews": sorted(PlanReview.objects.values_list("plan_id", "version_id", "reviewed_by_id", "note")),
        "audit": AuditEvent.objects.count(),
        "outbox": OutboxEvent.objects.count(),
    }


def assert_refused_without_change(response, expected: int, before: dict) -> None:
    assert response.status_code == expected, response.content
    assert world() == before


def pdf(name: str = "site-map.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def downloaded(response) -> bytes:
    # The test client closes the file once the stream is consumed (closing it again would drop the DB connection).
    return b"".join(response.streaming_content)


@dataclass
class BuiltPlan:
    plan: Plan
    published: PlanVersion
    published_attachment: Attachment
    draft: PlanVersion
    draft_attachment: Attachment


def build_plan(county, *, classification: str, title: str) -> BuiltPlan:
    """A district plan with a published version 1 and a draft version 2, each with a PDF; shared with police
    (`view`) and fire (`comment`)."""
    plan = make_plan(
        owner=county.district,
        actor=county.owner_admin,
        title=title,
        classification=classification,
        facilities=[county.school],
    )
    first = draft(plan, county.owner_planner, "Evacuate to the north field.", "Lockdown: lock doors.")
    first_file = services.attachment_add(
        version=first, actor=county.owner_planner, upload=pdf("north-field.pdf"), max_bytes=10_000
    )
    services.plan_version_publish(version=first, actor=county.owner_admin)
    services.plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=county.owner_admin)
    services.plan_share(plan=plan, agency=county.fire, level=ShareLevel.COMMENT, actor=county.owner_admin)
    second = draft(plan, county.owner_planner, "Evacuate to the stadium.", "Lockdown: lock doors.")
    second_file = services.attachment_add(
        version=second, actor=county.owner_planner, upload=pdf("stadium.pdf"), max_bytes=10_000
    )
    first.refresh_from_db()
    plan.refresh_from_db()
    return BuiltPlan(plan, first, first_file, second, second_file)


@pytest.fixture
def partner_files(county) -> BuiltPlan:
    return build_plan(county, classification=Classification.PARTNER, title="Maple Valley reunification plan")


@pytest.fixture
def sensitive(county) -> BuiltPlan:
    return build_plan(county, classification=Classification.LAW_ENFORCEMENT_SENSITIVE, title="Active threat annex")


@pytest.fixture
def public(county) -> BuiltPlan:
    return build_plan(county, classification=Classification.PUBLIC, title="Severe weather family guide")


def plan_url(plan: Plan, rest: str = "") -> str:
    return f"/api/v1/plans/{plan.pk}/{rest}"


def version_url(version: PlanVersion, rest: str = "") -> str:
    return f"/api/v1/plans/{version.plan_id}/versions/{version.number}/{rest}"


def download_url(attachment: Attachment) -> str:
    return version_url(attachment.version, f"attachments/{attachment.pk}/download/")


# --- Plans --------------------------------------------------------------------------------------------------------


@covers("plan-list")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=401, **SIGNED_IN_200))
def test_plan_list_shows_a_partner_plan_only_to_its_owner_and_partners(county, actor, expected):
    before = world()
    response = client_as(county, actor).get("/api/v1/plans/", {"owner_agency": county.district.pk})
    assert response.status_code == expected, response.content
    if expected == 200:
        ids = [p["id"] for p in response.json()["results"]]
        assert ids == ([county.plan.pk] if actor in OWNERS | PARTNERS else [])
    assert world() == before


@covers("plan-list")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=201,
        owner_planner=201,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=403,
        staff=403,
    ),
)
def test_only_admins_and_planners_of_the_owner_agency_create_its_plans(county, actor, expected):
    before = world()
    response = client_as(county, actor).post(
        "/api/v1/plans/",
        {
            "title": "Maple Valley High reunification plan",
            "kind": "reunification",
            "owner_agency": county.district.pk,
            "facilities": [county.school.pk],
            "classification": "partner",
            "review_interval_days": 180,
        },
        format="json",
    )
    if expected == 201:
        assert response.status_code == 201, response.content
        plan = Plan.objects.get(pk=response.json()["id"])
        assert (plan.owner_agency_id, plan.title, plan.review_interval_days) == (
            county.district.pk,
            "Maple Valley High reunification plan",
            180,
        )
        # A new plan is not shared with anyone yet.
        assert client_for(county.partner_view_liaison).get(plan_url(plan)).status_code == 404
    else:
        assert_refused_without_change(response, expected, before)


@covers("plan-detail")
@pytest.mark.parametrize(("actor", "expected"), PARTNER_PLAN_READ)
def test_partner_plan_is_readable_by_owner_and_partners_and_404_for_everyone_else(county, actor, expected):
    before = world()
    response = client_as(county, actor).get(plan_url(county.plan))
    assert response.status_code == expected, response.content
    if expected == 200:
        body = response.json()
        assert (body["id"], body["current_version"]) == (county.plan.pk, county.published.number)
    else:
        assert "crisis plan" not in response.content.decode()
    assert world() == before  # reading a partner plan is not audited


@covers("plan-detail")
@pytest.mark.parametrize(("actor", "expected"), owner_editors_only(200))
def test_only_admins_and_planners_of_the_owner_agency_change_a_plan(county, actor, expected):
    before = world()
    response = client_as(county, actor).patch(
        plan_url(county.plan), {"title": "Renamed plan", "owner_agency": county.unrelated.pk}, format="json"
    )
    if expected == 200:
        assert response.status_code == 200, response.content
        county.plan.refresh_from_db()
        assert county.plan.title == "Renamed plan"
        assert county.plan.owner_agency_id == county.district.pk  # a plan never changes owner
        assert county.plan.classification == Classification.PARTNER  # a partial update keeps the rest
    else:
        assert_refused_without_change(response, expected, before)


@pytest.fixture
def unpublished(county) -> Plan:
    """A shared plan whose only version is a draft, so its owner admin may delete it."""
    plan = make_plan(owner=county.district, actor=county.owner_admin, title="Unpublished plan")
    draft(plan, county.owner_planner, "Work in progress.")
    services.plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=county.owner_admin)
    services.plan_share(plan=plan, agency=county.fire, level=ShareLevel.COMMENT, actor=county.owner_admin)
    return plan


@covers("plan-detail")
@pytest.mark.parametrize(("actor", "expected"), owner_admin_only(204))
def test_only_the_owner_admin_deletes_an_unpublished_plan(county, unpublished, actor, expected):
    before = world()
    response = client_as(county, actor).delete(plan_url(unpublished))
    if expected == 204:
        assert response.status_code == 204, response.content
        assert not Plan.objects.filter(pk=unpublished.pk).exists()
        assert not PlanGroupObjectPermission.objects.filter(content_object_id=unpublished.pk).exists()
        assert AuditEvent.objects.filter(action="plan.delete", object_id=str(unpublished.pk)).exists()
    else:
        assert_refused_without_change(response, expected, before)


def test_owner_admin_cannot_delete_a_published_plan(county):
    before = world()
    response = client_for(county.owner_admin).delete(plan_url(county.plan))
    assert_refused_without_change(response, 409, before)


# --- Versions -----------------------------------------------------------------------------------------------------


@pytest.fixture
def lifecycle(county) -> Plan:
    """The county plan with one version in every state: 1 superseded, 2 withdrawn, 3 published, 4 draft."""
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    services.plan_version_withdraw(version=county.draft, actor=county.owner_admin)
    third = draft(county.plan, county.owner_planner, "Evacuate to the east lot.")
    services.plan_version_publish(version=third, actor=county.owner_admin)
    draft(county.plan, county.owner_planner, "Evacuate to the west lot.")
    return county.plan


@covers("version-list")
@pytest.mark.parametrize(("actor", "expected"), PARTNER_PLAN_READ)
def test_version_list_shows_drafts_only_to_owner_draft_readers(county, lifecycle, actor, expected):
    before = world()
    response = client_as(county, actor).get(plan_url(lifecycle, "versions/"))
    assert response.status_code == expected, response.content
    if expected == 200:
        states = [(v["number"], v["state"]) for v in response.json()["results"]]
        released = [(1, "superseded"), (2, "withdrawn"), (3, "published")]
        draft_readers = {"owner_admin", "owner_planner", "owner_liaison"}
        assert states == ([*released, (4, "draft")] if actor in draft_readers else released)
    assert world() == before


@covers("version-list")
@pytest.mark.parametrize(("actor", "expected"), owner_editors_only(201))
def test_only_admins_and_planners_of_the_owner_agency_start_drafts(county, actor, expected):
    before = world()
    response = client_as(county, actor).post(
        plan_url(county.plan, "versions/"),
        {"change_summary": "Next year", "sections": sections("New content.")},
        format="json",
    )
    if expected == 201:
        assert response.status_code == 201, response.content
        version = PlanVersion.objects.get(plan=county.plan, number=response.json()["number"])
        assert (version.state, version.created_by_id) == (VersionState.DRAFT, user_of(county, actor).pk)
    else:
        assert_refused_without_change(response, expected, before)


@covers("version-detail")
@pytest.mark.parametrize(("actor", "expected"), PARTNER_PLAN_READ)
def test_published_version_is_readable_by_owner_and_partners(county, actor, expected):
    before = world()
    response = client_as(county, actor).get(version_url(county.published))
    assert response.status_code == expected, response.content
    if expected == 200:
        body = response.json()
        assert (body["number"], body["state"]) == (county.published.number, "published")
        assert [s["body"] for s in body["sections"]] == [
            "Evacuate to the north field.",
            "Lockdown: lock doors, lights off.",
        ]
    assert world() == before


@covers("version-detail")
@pytest.mark.parametrize(("actor", "expected"), DRAFT_READ)
def test_partners_cannot_see_draft_versions(county, actor, expected):
    before = world()
    response = client_as(county, actor).get(version_url(county.draft))
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["state"] == "draft"
    else:
        assert "stadium" not in response.content.decode()
    assert world() == before


@pytest.mark.parametrize("actor", sorted(PARTNERS | {"owner_member", "unrelated_admin"}))
def test_a_hidden_draft_answers_exactly_like_a_missing_version(county, actor):
    client = client_as(county, actor)
    for rest in ("", "diff/", "attachments/"):
        hidden = client.get(version_url(county.draft, rest))
        missing = client.get(f"/api/v1/plans/{county.plan.pk}/versions/99/{rest}")
        assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json()) == (404, hidden.json())


@pytest.mark.parametrize("actor", ["unrelated_admin", "staff"])
def test_unrelated_agency_gets_the_same_404_for_a_partner_plan_as_for_a_missing_plan(county, actor):
    client = client_as(county, actor)
    missing_id = Plan.objects.order_by("-pk").first().pk + 1000
    rests = [
        "",
        "versions/",
        f"versions/{county.published.number}/",
        f"versions/{county.published.number}/diff/",
        f"versions/{county.published.number}/attachments/",
        "acknowledgements/",
        "shares/",
    ]
    for rest in rests:
        hidden = client.get(f"/api/v1/plans/{county.plan.pk}/{rest}")
        missing = client.get(f"/api/v1/plans/{missing_id}/{rest}")
        assert hidden.status_code == missing.status_code == 404, rest
        assert hidden.json() == missing.json(), rest


@covers("version-detail")
@pytest.mark.parametrize(("actor", "expected"), draft_editors_only(200))
def test_only_admins_and_planners_of_the_owner_agency_edit_a_draft(county, actor, expected):
    before = world()
    response = client_as(county, actor).patch(
        version_url(county.draft),
        {"change_summary": "Tightened", "sections": sections("Evacuate to the gym.")},
        format="json",
    )
    if expected == 200:
        assert response.status_code == 200, response.content
        county.draft.refresh_from_db()
        assert county.draft.change_summary == "Tightened"
        assert list(county.draft.sections.values_list("body", flat=True)) == ["Evacuate to the gym."]
    else:
        assert_refused_without_change(response, expected, before)


@covers("version-detail")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=409,
        owner_planner=409,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_a_published_version_cannot_be_edited_by_anyone(county, actor, expected):
    before = world()
    response = client_as(county, actor).patch(
        version_url(county.published), {"change_summary": "sneaky edit"}, format="json"
    )
    assert_refused_without_change(response, expected, before)


@covers("version-publish")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=200,
        owner_planner=403,
        owner_liaison=403,
        owner_member=404,  # members read published versions only; the draft is not visible to them
        partner_view_liaison=404,
        partner_view_member=404,
        partner_comment_liaison=404,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_only_the_owner_admin_publishes_a_draft(county, actor, expected):
    before = world()
    response = client_as(county, actor).post(version_url(county.draft, "publish/"))
    if expected == 200:
        assert response.status_code == 200, response.content
        county.draft.refresh_from_db()
        county.published.refresh_from_db()
        assert (county.draft.state, county.published.state) == (VersionState.PUBLISHED, VersionState.SUPERSEDED)
        assert AuditEvent.objects.filter(action="version.publish", object_id=str(county.draft.pk)).exists()
    else:
        assert_refused_without_change(response, expected, before)


@covers("version-publish")
@pytest.mark.parametrize(("actor", "expected"), owner_admin_only(409))
def test_publishing_a_visible_version_is_refused_to_everyone_but_the_owner_admin(county, actor, expected):
    """On a version they can see, the owner member and the partners get 403; the admin learns it is published."""
    before = world()
    response = client_as(county, actor).post(version_url(county.published, "publish/"))
    assert_refused_without_change(response, expected, before)


@covers("version-withdraw")
@pytest.mark.parametrize(("actor", "expected"), owner_admin_only(200))
def test_only_the_owner_admin_withdraws_a_published_version(county, actor, expected):
    before = world()
    response = client_as(county, actor).post(version_url(county.published, "withdraw/"))
    if expected == 200:
        assert response.status_code == 200, response.content
        county.published.refresh_from_db()
        county.plan.refresh_from_db()
        assert county.published.state == VersionState.WITHDRAWN
        assert county.plan.current_version_id is None
        assert AuditEvent.objects.filter(action="version.withdraw", object_id=str(county.published.pk)).exists()
    else:
        assert_refused_without_change(response, expected, before)


@covers("version-diff")
@pytest.mark.parametrize(("actor", "expected"), PARTNER_PLAN_READ)
def test_diff_of_a_published_version_is_readable_by_owner_and_partners(county, actor, expected):
    before = world()
    response = client_as(county, actor).get(version_url(county.published, "diff/"))
    assert response.status_code == expected, response.content
    if expected == 200:
        body = response.json()
        assert (body["number"], body["against"]) == (county.published.number, None)
        assert {s["change"] for s in body["sections"]} == {"added"}
    assert world() == before


@covers("version-diff")
@pytest.mark.parametrize(("actor", "expected"), DRAFT_READ)
def test_diff_of_a_draft_reaches_only_owner_draft_readers(county, actor, expected):
    before = world()
    response = client_as(county, actor).get(version_url(county.draft, "diff/"), {"against": county.published.number})
    assert response.status_code == expected, response.content
    if expected == 200:
        changes = {s["key"]: s["change"] for s in response.json()["sections"]}
        assert changes == {"section-1": "changed", "section-2": "unchanged"}
    else:
        assert "stadium" not in response.content.decode()
    assert world() == before


@pytest.mark.parametrize("actor", sorted(PARTNERS))
def test_partner_cannot_diff_against_a_draft(county, actor):
    response = client_as(county, actor).get(version_url(county.published, "diff/"), {"against": county.draft.number})
    assert response.status_code == 400
    assert "stadium" not in response.content.decode()


# Who acknowledges for an agency besides themselves: admins and liaisons of an agency that may see the plan, never
# for the plan's owner (an agency does not acknowledge its own plan; issue 15, item 7).
AGENCY_ACKNOWLEDGED = {
    "partner_view_liaison": "police",
    "partner_comment_liaison": "fire",
}


@covers("version-acknowledge")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=200,
        owner_planner=200,
        owner_liaison=200,
        owner_member=200,
        partner_view_liaison=200,
        partner_view_member=200,
        partner_comment_liaison=200,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_every_viewer_acknowledges_the_current_version(county, actor, expected):
    before = world()
    response = client_as(county, actor).post(version_url(county.published, "acknowledge/"))
    if expected == 200:
        assert response.status_code == 200, response.content
        user = user_of(county, actor)
        assert Acknowledgement.objects.filter(version=county.published, user=user).exists()
        agency = getattr(county, AGENCY_ACKNOWLEDGED[actor]) if actor in AGENCY_ACKNOWLEDGED else None
        expected_agencies = [agency.pk] if agency else []
        assert response.json()["agencies"] == expected_agencies
        assert (
            list(AgencyAcknowledgement.objects.filter(version=county.published).values_list("agency_id", flat=True))
            == expected_agencies
        )
    else:
        assert_refused_without_change(response, expected, before)


@covers("version-acknowledge")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=409,
        owner_planner=409,
        owner_liaison=409,
        owner_member=404,
        partner_view_liaison=404,
        partner_view_member=404,
        partner_comment_liaison=404,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_nobody_acknowledges_a_draft(county, actor, expected):
    before = world()
    response = client_as(county, actor).post(version_url(county.draft, "acknowledge/"))
    assert_refused_without_change(response, expected, before)


@covers("plan-acks")
@pytest.mark.parametrize(("actor", "expected"), OWNER_MEMBERS_READ)
def test_only_owner_members_see_who_acknowledged(county, actor, expected):
    services.plan_version_acknowledge(
        version=county.published,
        actor=county.partner_view_liaison,
    )
    before = world()
    response = client_as(county, actor).get(plan_url(county.plan, "acknowledgements/"))
    assert response.status_code == expected, response.content
    if expected == 200:
        body = response.json()
        assert [(a["agency"], a["version"]) for a in body["agencies"]] == [
            (county.fire.pk, None),
            (county.police.pk, county.published.number),
        ]
        assert set(body) == {"agencies"}  # agency level only: no partner's people
    assert "police_liaison" not in response.content.decode()
    assert world() == before


# --- Attachments --------------------------------------------------------------------------------------------------


@covers("attachment-list")
@pytest.mark.parametrize(("actor", "expected"), PARTNER_PLAN_READ)
def test_attachments_of_a_published_version_are_listed_to_owner_and_partners(county, partner_files, actor, expected):
    before = world()
    response = client_as(county, actor).get(version_url(partner_files.published, "attachments/"))
    assert response.status_code == expected, response.content
    if expected == 200:
        assert [a["id"] for a in response.json()["results"]] == [partner_files.published_attachment.pk]
    assert world() == before


@covers("attachment-list")
@pytest.mark.parametrize(("actor", "expected"), DRAFT_READ)
def test_attachments_of_a_draft_are_listed_only_to_owner_draft_readers(county, partner_files, actor, expected):
    before = world()
    response = client_as(county, actor).get(version_url(partner_files.draft, "attachments/"))
    assert response.status_code == expected, response.content
    if expected == 200:
        # The published version's file was carried into the draft as a copy of its own.
        listed = [(a["id"], a["filename"]) for a in response.json()["results"]]
        assert listed[-1] == (partner_files.draft_attachment.pk, "stadium.pdf")
        assert [name for _, name in listed] == ["north-field.pdf", "stadium.pdf"]
        assert listed[0][0] != partner_files.published_attachment.pk
    else:
        assert "stadium.pdf" not in response.content.decode()
    assert world() == before


@covers("attachment-list")
@pytest.mark.parametrize(("actor", "expected"), draft_editors_only(201))
def test_only_admins_and_planners_of_the_owner_agency_attach_files_to_a_draft(county, actor, expected):
    before = world()
    response = client_as(county, actor).post(
        version_url(county.draft, "attachments/"), {"file": pdf("floor-plan.pdf")}, format="multipart"
    )
    if expected == 201:
        assert response.status_code == 201, response.content
        attachment = Attachment.objects.get(pk=response.json()["id"])
        assert (attachment.version_id, attachment.filename) == (county.draft.pk, "floor-plan.pdf")
    else:
        assert_refused_without_change(response, expected, before)


@covers("attachment-list")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=409,
        owner_planner=409,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_nobody_attaches_files_to_a_published_version(county, actor, expected):
    before = world()
    response = client_as(county, actor).post(
        version_url(county.published, "attachments/"), {"file": pdf("floor-plan.pdf")}, format="multipart"
    )
    assert_refused_without_change(response, expected, before)


@covers("attachment-detail")
@pytest.mark.parametrize(("actor", "expected"), draft_editors_only(204))
def test_only_admins_and_planners_of_the_owner_agency_remove_files_from_a_draft(county, partner_files, actor, expected):
    before = world()
    response = client_as(county, actor).delete(
        version_url(partner_files.draft, f"attachments/{partner_files.draft_attachment.pk}/")
    )
    if expected == 204:
        assert response.status_code == 204, response.content
        assert not Attachment.objects.filter(pk=partner_files.draft_attachment.pk).exists()
        # The published version keeps its file.
        assert (
            downloaded(client_as(county, "partner_view_liaison").get(download_url(partner_files.published_attachment)))
            == PDF
        )
    else:
        assert_refused_without_change(response, expected, before)


@covers("attachment-detail")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=409,
        owner_planner=409,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_nobody_removes_files_from_a_published_version(county, partner_files, actor, expected):
    before = world()
    response = client_as(county, actor).delete(
        version_url(partner_files.published, f"attachments/{partner_files.published_attachment.pk}/")
    )
    assert_refused_without_change(response, expected, before)


@covers("attachment-download")
@pytest.mark.parametrize(("actor", "expected"), PARTNER_PLAN_READ)
def test_attachment_of_a_published_version_downloads_for_owner_and_partners(county, partner_files, actor, expected):
    before = world()
    response = client_as(county, actor).get(download_url(partner_files.published_attachment))
    assert response.status_code == expected
    if expected == 200:
        assert downloaded(response) == PDF
        assert response["Content-Type"] == "application/pdf"
    assert world() == before


@covers("attachment-download")
@pytest.mark.parametrize(("actor", "expected"), DRAFT_READ)
def test_attachment_of_a_draft_downloads_only_for_owner_draft_readers(county, partner_files, actor, expected):
    before = world()
    response = client_as(county, actor).get(download_url(partner_files.draft_attachment))
    assert response.status_code == expected
    if expected == 200:
        assert downloaded(response) == PDF
    else:
        assert PDF not in response.content
    assert world() == before


def test_an_attachment_cannot_be_downloaded_through_another_version_url(county, partner_files):
    """The draft's file is not reachable by naming it under the published version a partner may see."""
    url = version_url(partner_files.published, f"attachments/{partner_files.draft_attachment.pk}/download/")
    for user in (county.partner_view_liaison, county.owner_admin):
        assert client_for(user).get(url).status_code == 404


# --- Sharing ------------------------------------------------------------------------------------------------------


@covers("share-list")
@pytest.mark.parametrize(("actor", "expected"), OWNER_MEMBERS_READ)
def test_only_owner_members_see_who_a_plan_is_shared_with(county, actor, expected):
    before = world()
    response = client_as(county, actor).get(plan_url(county.plan, "shares/"))
    assert response.status_code == expected, response.content
    if expected == 200:
        shares = [(s["agency"], s["level"]) for s in response.json()["results"]]
        assert shares == [(county.fire.pk, "comment"), (county.police.pk, "view")]
    assert world() == before


@covers("share-list")
@pytest.mark.parametrize(("actor", "expected"), owner_admin_only(200))
def test_only_the_owner_admin_shares_a_plan(county, actor, expected):
    before = world()
    response = client_as(county, actor).post(
        plan_url(county.plan, "shares/"), {"agency": county.unrelated.pk, "level": "view"}, format="json"
    )
    if expected == 200:
        assert response.status_code == 200, response.content
        assert PlanShare.objects.get(plan=county.plan, agency=county.unrelated).level == ShareLevel.VIEW
        assert client_for(county.unrelated_admin).get(plan_url(county.plan)).status_code == 200
        assert AuditEvent.objects.filter(action="plan.share", object_id=str(county.plan.pk)).count() == 3
    else:
        assert_refused_without_change(response, expected, before)
        assert client_for(county.unrelated_admin).get(plan_url(county.plan)).status_code == 404


@covers("share-list")
@pytest.mark.parametrize(("actor", "expected"), owner_admin_only(200))
def test_only_the_owner_admin_changes_a_share_level(county, actor, expected):
    before = world()
    response = client_as(county, actor).post(
        plan_url(county.plan, "shares/"), {"agency": county.police.pk, "level": "comment"}, format="json"
    )
    if expected == 200:
        assert response.status_code == 200, response.content
        assert PlanShare.objects.get(plan=county.plan, agency=county.police).level == ShareLevel.COMMENT
    else:
        assert_refused_without_change(response, expected, before)


@covers("share-detail")
@pytest.mark.parametrize(("actor", "expected"), owner_admin_only(204))
def test_only_the_owner_admin_revokes_a_share_and_access_ends_at_once(county, actor, expected):
    before = world()
    response = client_as(county, actor).delete(plan_url(county.plan, f"shares/{county.police.pk}/"))
    police = client_for(county.partner_view_member)
    if expected == 204:
        assert response.status_code == 204, response.content
        assert not PlanShare.objects.filter(plan=county.plan, agency=county.police).exists()
        assert police.get(plan_url(county.plan)).status_code == 404
        assert police.get(version_url(county.published)).status_code == 404
        assert county.plan.pk not in [p["id"] for p in police.get("/api/v1/plans/").json()["results"]]
    else:
        assert_refused_without_change(response, expected, before)
        assert police.get(plan_url(county.plan)).status_code == 200


# --- Law-enforcement-sensitive plans: partner rules, and every read is audited ----------------------------------


def audited(action: str, user, obj) -> int:
    if user is None:
        return 0
    return AuditEvent.objects.filter(action=action, actor=user, object_id=str(obj.pk)).count()


@covers("plan-detail")
@pytest.mark.parametrize(("actor", "expected"), PARTNER_PLAN_READ)
def test_reading_a_sensitive_plan_is_audited_and_hidden_from_unrelated_agencies(county, sensitive, actor, expected):
    before = AuditEvent.objects.count()
    response = client_as(county, actor).get(plan_url(sensitive.plan))
    assert response.status_code == expected, response.content
    user = user_of(county, actor)
    if expected == 200:
        assert audited("plan.read", user, sensitive.plan) == 1
        event = AuditEvent.objects.get(action="plan.read", actor=user)
        assert event.agency_id == county.district.pk
        assert event.details == {"plan": sensitive.plan.pk, "what": "plan"}
    else:
        assert AuditEvent.objects.count() == before


@covers("version-detail")
@pytest.mark.parametrize(("actor", "expected"), PARTNER_PLAN_READ)
def test_reading_a_sensitive_version_is_audited(county, sensitive, actor, expected):
    before = AuditEvent.objects.count()
    response = client_as(county, actor).get(version_url(sensitive.published))
    assert response.status_code == expected, response.content
    if expected == 200:
        assert audited("plan.read", user_of(county, actor), sensitive.published) == 1
    else:
        assert AuditEvent.objects.count() == before


@covers("version-diff")
@pytest.mark.parametrize(("actor", "expected"), PARTNER_PLAN_READ)
def test_diffing_a_sensitive_version_is_audited(county, sensitive, actor, expected):
    before = AuditEvent.objects.count()
    response = client_as(county, actor).get(version_url(sensitive.published, "diff/"))
    assert response.status_code == expected, response.content
    if expected == 200:
        assert audited("plan.read", user_of(county, actor), sensitive.published) == 1
    else:
        assert AuditEvent.objects.count() == before


@covers("attachment-download")
@pytest.mark.parametrize(("actor", "expected"), PARTNER_PLAN_READ)
def test_downloading_a_sensitive_attachment_is_audited(county, sensitive, actor, expected):
    before = AuditEvent.objects.count()
    response = client_as(county, actor).get(download_url(sensitive.published_attachment))
    assert response.status_code == expected
    if expected == 200:
        assert downloaded(response) == PDF
        assert audited("attachment.download", user_of(county, actor), sensitive.published_attachment) == 1
    else:
        assert AuditEvent.objects.count() == before


@covers("version-detail")
@pytest.mark.parametrize(("actor", "expected"), DRAFT_READ)
def test_a_sensitive_draft_stays_with_the_owner_and_refusals_are_not_audited(county, sensitive, actor, expected):
    before = AuditEvent.objects.count()
    response = client_as(county, actor).get(version_url(sensitive.draft))
    assert response.status_code == expected, response.content
    if expected == 200:
        assert audited("plan.read", user_of(county, actor), sensitive.draft) == 1
    else:
        assert AuditEvent.objects.count() == before


@covers("plan-detail")
@pytest.mark.parametrize(("actor", "expected"), owner_editors_only(200))
def test_a_sensitive_plan_is_changed_only_by_owner_admins_and_planners(county, sensitive, actor, expected):
    before = world()
    response = client_as(county, actor).patch(plan_url(sensitive.plan), {"title": "Renamed annex"}, format="json")
    if expected == 200:
        assert response.status_code == 200, response.content
        sensitive.plan.refresh_from_db()
        assert sensitive.plan.title == "Renamed annex"
        assert sensitive.plan.classification == Classification.LAW_ENFORCEMENT_SENSITIVE
    else:
        assert_refused_without_change(response, expected, before)


@covers("share-list")
@pytest.mark.parametrize(("actor", "expected"), OWNER_MEMBERS_READ)
def test_shares_of_a_sensitive_plan_are_listed_only_to_owner_members(county, sensitive, actor, expected):
    response = client_as(county, actor).get(plan_url(sensitive.plan, "shares/"))
    assert response.status_code == expected, response.content


# --- Public plans: every signed-in user reads them, only the owner changes them -----------------------------------


@covers("plan-detail")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=401, **SIGNED_IN_200))
def test_a_public_plan_is_readable_by_every_signed_in_user(county, public, actor, expected):
    before = world()
    client = client_as(county, actor)
    response = client.get(plan_url(public.plan))
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["current_version"] == public.published.number
        assert public.plan.pk in [p["id"] for p in client.get("/api/v1/plans/").json()["results"]]
        assert client.get(version_url(public.published)).status_code == 200
        assert client.get(version_url(public.published, "diff/")).status_code == 200
        assert client.get(version_url(public.published, "attachments/")).status_code == 200
        assert downloaded(client.get(download_url(public.published_attachment))) == PDF
    assert world() == before


def public_plan_editors(success: int) -> list:
    """Owner admins and planners; every other signed-in user sees a public plan, so they get 403."""
    return matrix(
        anonymous=401,
        owner_admin=success,
        owner_planner=success,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=403,
        staff=403,
    )


@covers("plan-detail")
@pytest.mark.parametrize(("actor", "expected"), public_plan_editors(200))
def test_a_public_plan_is_changed_only_by_owner_admins_and_planners(county, public, actor, expected):
    before = world()
    response = client_as(county, actor).patch(plan_url(public.plan), {"title": "Renamed guide"}, format="json")
    if expected == 200:
        assert response.status_code == 200, response.content
        public.plan.refresh_from_db()
        assert (public.plan.title, public.plan.classification) == ("Renamed guide", Classification.PUBLIC)
    else:
        assert_refused_without_change(response, expected, before)


@covers("version-list")
@pytest.mark.parametrize(("actor", "expected"), public_plan_editors(201))
def test_drafts_of_a_public_plan_are_started_only_by_owner_admins_and_planners(county, public, actor, expected):
    before = world()
    response = client_as(county, actor).post(plan_url(public.plan, "versions/"), {}, format="json")
    if expected == 201:
        assert response.status_code == 201, response.content
        assert response.json()["state"] == "draft"
    else:
        assert_refused_without_change(response, expected, before)


@covers("version-list")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=401, **SIGNED_IN_200))
def test_a_public_plan_lists_drafts_only_to_owner_draft_readers(county, public, actor, expected):
    response = client_as(county, actor).get(plan_url(public.plan, "versions/"))
    assert response.status_code == expected, response.content
    if expected == 200:
        numbers = [v["number"] for v in response.json()["results"]]
        assert numbers == ([1, 2] if actor in {"owner_admin", "owner_planner", "owner_liaison"} else [1])


@covers("version-detail", "attachment-download")
@pytest.mark.parametrize(("actor", "expected"), DRAFT_READ)
def test_a_draft_of_a_public_plan_is_not_public(county, public, actor, expected):
    client = client_as(county, actor)
    assert client.get(version_url(public.draft)).status_code == expected
    assert client.get(download_url(public.draft_attachment)).status_code == expected


@covers("version-publish")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=200,
        owner_planner=403,
        owner_liaison=403,
        owner_member=404,
        partner_view_liaison=404,
        partner_view_member=404,
        partner_comment_liaison=404,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_a_public_plan_draft_is_published_only_by_the_owner_admin(county, public, actor, expected):
    before = world()
    response = client_as(county, actor).post(version_url(public.draft, "publish/"))
    if expected == 200:
        assert response.status_code == 200, response.content
        public.draft.refresh_from_db()
        assert public.draft.state == VersionState.PUBLISHED
    else:
        assert_refused_without_change(response, expected, before)


@covers("version-withdraw")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=200,
        owner_planner=403,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=403,
        staff=403,
    ),
)
def test_a_public_plan_is_withdrawn_only_by_the_owner_admin(county, public, actor, expected):
    before = world()
    response = client_as(county, actor).post(version_url(public.published, "withdraw/"))
    if expected == 200:
        assert response.status_code == 200, response.content
        public.published.refresh_from_db()
        assert public.published.state == VersionState.WITHDRAWN
    else:
        assert_refused_without_change(response, expected, before)


@covers("share-list")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=200,
        owner_planner=403,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=403,
        staff=403,
    ),
)
def test_a_public_plan_is_shared_only_by_the_owner_admin(county, public, actor, expected):
    before = world()
    response = client_as(county, actor).post(
        plan_url(public.plan, "shares/"), {"agency": county.unrelated.pk, "level": "comment"}, format="json"
    )
    if expected == 200:
        assert response.status_code == 200, response.content
        assert PlanShare.objects.get(plan=public.plan, agency=county.unrelated).level == ShareLevel.COMMENT
    else:
        assert_refused_without_change(response, expected, before)


@covers("share-list", "plan-acks")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=200,
        owner_planner=200,
        owner_liaison=200,
        owner_member=200,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=403,
        staff=403,
    ),
)
def test_shares_and_acknowledgements_of_a_public_plan_stay_with_the_owner(county, public, actor, expected):
    client = client_as(county, actor)
    assert client.get(plan_url(public.plan, "shares/")).status_code == expected
    assert client.get(plan_url(public.plan, "acknowledgements/")).status_code == expected


@covers("version-acknowledge")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=401, **SIGNED_IN_200))
def test_every_signed_in_user_acknowledges_a_public_plan(county, public, actor, expected):
    before = world()
    response = client_as(county, actor).post(version_url(public.published, "acknowledge/"))
    if expected == 200:
        assert response.status_code == 200, response.content
        assert Acknowledgement.objects.filter(version=public.published, user=user_of(county, actor)).exists()
        if actor == "unrelated_admin":
            assert response.json()["agencies"] == [county.unrelated.pk]
    else:
        assert_refused_without_change(response, expected, before)

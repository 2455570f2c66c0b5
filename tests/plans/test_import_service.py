"""Issue 13, item 12: the import services make a draft, never a published version; pictures go through the
attachment service; the import is audited; each service checks its actor itself, before reading the file."""

from uuid import uuid4

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.models import Role
from audit.models import AuditAction, AuditEvent
from notifications.models import EventType, OutboxEvent
from plans.models import Attachment, Plan, PlanKind, PlanVersion, VersionState
from plans.services.imports import plan_import_create, plan_import_draft
from portal.errors import InvalidInputError, NotAllowedError, PayloadTooLargeError
from tests.agencies.factories import member
from tests.plans.docx_files import docx_upload, eop_document, png, simple_document, zip_bomb
from tests.plans.test_permission_matrix import world

MAX = 5 * 1024 * 1024
REFUSED = ("partner_admin", "owner_member", "owner_liaison", "unrelated_admin", "staff")
IMPORTED_TITLES = ["Introduction", "Basic plan", "Evacuation", "Reunification"]


def actor(county, name: str):
    if name == "partner_admin":
        return member(county.police, Role.ADMIN, username="police_admin")
    return getattr(county, name)


def create(county, user, upload=None, **kwargs):
    return plan_import_create(
        actor=user,
        upload=upload or docx_upload(eop_document()),
        owner_agency=county.district,
        kind=PlanKind.SCHOOL_EOP,
        max_bytes=MAX,
        **kwargs,
    )


def titles(version: PlanVersion) -> list[str]:
    return list(version.sections.order_by("position").values_list("title", flat=True))


def test_a_new_plan_from_word_is_a_draft_with_the_documents_sections_and_pictures(county):
    result = create(county, county.owner_planner, ip_address="203.0.113.9")
    plan, draft = result.plan, result.version
    assert result.created
    assert plan.title == "Maple Valley High Emergency Operations Plan 2025"  # the document's Title
    assert plan.owner_agency == county.district
    assert (draft.number, draft.state, plan.current_version) == (1, VersionState.DRAFT, None)
    assert titles(draft) == IMPORTED_TITLES
    attachment = Attachment.objects.get(version=draft)
    assert (attachment.filename, attachment.content_type) == ("maple-valley-eop-image-01.png", "image/png")
    with attachment.file.open("rb") as stored:
        assert stored.read() == png(4, 3)
    assert result.summary.sentence() == "4 sections, 1 table, 1 image imported as attachments."
    assert not OutboxEvent.objects.filter(plan=plan, event_type=EventType.VERSION_PUBLISHED).exists()


def test_the_import_is_audited_with_the_file_name_and_what_it_made(county):
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    result = create(county, county.owner_planner, upload=docx_upload(eop_document(), "EOP 2025.docx"))
    actions = list(
        AuditEvent.objects.filter(id__gt=last, actor=county.owner_planner, agency=county.district)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        AuditAction.PLAN_CREATE,
        AuditAction.DRAFT_START,
        AuditAction.ATTACHMENT_ADD,
        AuditAction.PLAN_IMPORT,
    ]
    event = AuditEvent.objects.get(action=AuditAction.PLAN_IMPORT)
    assert (event.object_type, event.object_id) == ("plans.planversion", str(result.version.pk))
    assert event.details["filename"] == "EOP 2025.docx"
    assert {k: event.details[k] for k in ("plan", "number", "sections", "tables", "images", "warnings")} == {
        "plan": result.plan.pk,
        "number": 1,
        "sections": 4,
        "tables": 1,
        "images": 1,
        "warnings": 0,
    }
    assert len(event.details["sha256"]) == 64


def test_a_title_given_wins_and_without_one_the_file_name_is_used(county):
    assert create(county, county.owner_admin, title="Crisis plan 2026").plan.title == "Crisis plan 2026"
    # A document without a Title paragraph is named after its file.
    plain = docx_upload(simple_document(("Basic plan", "Text.")), "north_campus_EOP.docx")
    assert create(county, county.owner_admin, upload=plain).plan.title == "north campus EOP"


def test_the_same_import_sent_twice_with_its_key_makes_one_plan_and_one_set_of_attachments(county):
    key = uuid4()
    first = create(county, county.owner_planner, creation_key=key)
    again = create(county, county.owner_planner, creation_key=key)
    assert (again.plan, again.version, again.created) == (first.plan, first.version, False)
    assert Plan.objects.filter(title=first.plan.title).count() == 1
    assert Attachment.objects.filter(version=first.version).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.PLAN_IMPORT).count() == 1


def test_importing_into_a_plan_starts_a_new_draft_and_leaves_the_open_draft_and_current_version(county):
    open_draft_sections = titles(county.draft)
    result = plan_import_draft(
        plan=county.plan, actor=county.owner_planner, upload=docx_upload(eop_document()), max_bytes=MAX
    )
    assert result.created
    assert (result.version.number, result.version.state) == (3, VersionState.DRAFT)
    assert result.version.change_summary == "Imported from “maple-valley-eop.docx”."
    assert titles(result.version) == IMPORTED_TITLES
    assert result.other_open_drafts == (2,)
    county.plan.refresh_from_db()
    assert county.plan.current_version == county.published
    assert titles(county.draft) == open_draft_sections
    # The same document again (a double submit) finds the draft it made.
    again = plan_import_draft(
        plan=county.plan, actor=county.owner_planner, upload=docx_upload(eop_document()), max_bytes=MAX
    )
    assert (again.version, again.created) == (result.version, False)
    assert county.plan.versions.count() == 3
    assert Attachment.objects.filter(version=result.version).count() == 1


@pytest.mark.parametrize("name", REFUSED)
def test_a_new_plan_import_by_anyone_but_the_owners_admins_and_planners_is_refused_before_the_file_is_read(
    county, name
):
    user = actor(county, name)
    before = world()
    with pytest.raises(NotAllowedError):
        create(county, user, upload=docx_upload(zip_bomb()))  # refused as a person, not as a file
    assert world() == before


@pytest.mark.parametrize("name", REFUSED)
def test_a_draft_import_by_anyone_but_the_owners_admins_and_planners_is_refused_and_changes_nothing(county, name):
    user = actor(county, name)
    before = world()
    with pytest.raises(NotAllowedError):
        plan_import_draft(plan=county.plan, actor=user, upload=docx_upload(zip_bomb()), max_bytes=MAX)
    assert world() == before


def test_a_hostile_or_oversized_file_changes_nothing(county):
    before = world()
    with pytest.raises(InvalidInputError, match="zip bomb"):
        create(county, county.owner_admin, upload=docx_upload(zip_bomb()))
    with pytest.raises(InvalidInputError, match="not a Word document"):
        plan_import_draft(
            plan=county.plan,
            actor=county.owner_admin,
            upload=SimpleUploadedFile("plan.docx", b"MZ\x90\x00 not a document"),
            max_bytes=MAX,
        )
    with pytest.raises(PayloadTooLargeError):
        plan_import_draft(
            plan=county.plan, actor=county.owner_admin, upload=docx_upload(eop_document()), max_bytes=1000
        )
    assert world() == before

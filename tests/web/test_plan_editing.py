"""Editing plans in the browser: create, metadata, drafts and sections, attachments, publish and withdraw."""

import re
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from playwright.sync_api import expect

from access.actors import SYSTEM
from agencies.models import Role
from audit.models import AuditAction, AuditEvent
from notifications.models import EmailChoice, EventType, NotificationPreference, OutboxEvent
from notifications.services import outbox_event_fan_out
from plans import services
from plans.models import Attachment, Classification, Plan, PlanKind, PlanVersion, ShareLevel, VersionState
from plans.section_outlines import default_sections
from tests.agencies.factories import AgencyFactory, member
from tests.conftest import web_client
from tests.permission_matrix import covers, matrix, user_of
from tests.plans.factories import draft, sections
from tests.web.conftest import PHONE, SCREENSHOTS, screenshot, sign_in


def tiny_png() -> bytes:
    """A real one-pixel PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x0b\x4f\x8a")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def viewport_screenshot(page, name: str) -> None:
    """Like screenshot(), but only what fits in the window (for very long pages)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def open_section(page, anchor: str):
    """Open one section of the editor's outline (each section is closed until the writer opens it)."""
    section = page.locator(f"#{anchor}")
    if section.get_attribute("open") is None:
        section.locator("summary.edit-section__summary").click()
    return section


def as_actor(county, actor: str) -> Client:
    return web_client(user_of(county, actor))


def editor_url(plan, number: int) -> str:
    return f"/plans/{plan.pk}/versions/{number}/edit/"


def editor_data(version: PlanVersion, *, action: str = "save", summary: str | None = None, **changes) -> dict:
    """What the editor posts for `version` as saved, with `changes` (e.g. sections-0-title) applied."""
    version.refresh_from_db()
    rows = list(version.sections.order_by("position").values("key", "title", "body"))
    data = {
        "sections-TOTAL_FORMS": str(len(rows)),
        "sections-INITIAL_FORMS": str(len(rows)),
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "200",
        "change_summary": version.change_summary if summary is None else summary,
        "loaded": version.updated_at.isoformat(),
        "new_title": "",
        "new_position": "",
        "action": action,
    }
    for i, row in enumerate(rows):
        for field in ("key", "title", "body"):
            data[f"sections-{i}-{field}"] = row[field]
    data.update(changes)
    return data


def saved_sections(version: PlanVersion) -> list[tuple[str, str, str]]:
    return list(version.sections.order_by("position").values_list("key", "title", "body"))


def redirected_to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def check_status(response, expected: int) -> None:
    if expected == 302 and response.status_code == 302:
        return
    if expected == 401:
        assert redirected_to_login(response), response
        return
    assert response.status_code == expected, response.content[:500]


# Who may do what: the same answers as the API (404 when the object is invisible, 403 when forbidden).


@covers("plans:draft-edit")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=200,
        owner_planner=200,
        owner_liaison=403,
        owner_member=404,
        partner_view_liaison=404,
        partner_view_member=404,
        partner_comment_liaison=404,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_who_may_open_the_draft_editor(county, actor, expected):
    response = as_actor(county, actor).get(editor_url(county.plan, county.draft.number))
    check_status(response, expected)
    if expected == 200:
        assert b"Save draft" in response.content


@covers("plans:draft-edit")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=302,
        owner_planner=302,
        owner_liaison=403,
        owner_member=404,
        partner_view_liaison=404,
        partner_view_member=404,
        partner_comment_liaison=404,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_who_may_save_a_draft_and_nothing_changes_on_refusal(county, actor, expected):
    before = saved_sections(county.draft)
    data = editor_data(county.draft, **{"sections-0-body": "Evacuate to the gym."}, summary="Changed")
    response = as_actor(county, actor).post(editor_url(county.plan, county.draft.number), data)
    check_status(response, expected)
    county.draft.refresh_from_db()
    if expected == 302:
        assert saved_sections(county.draft)[0][2] == "Evacuate to the gym."
        assert county.draft.change_summary == "Changed"
    else:
        assert saved_sections(county.draft) == before
        assert county.draft.change_summary == "Work in progress"


@covers("plans:publish")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=302,
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
def test_only_owner_admins_publish_and_nothing_changes_on_refusal(county, actor, expected):
    client = as_actor(county, actor)
    url = f"/plans/{county.plan.pk}/versions/{county.draft.number}/publish/"
    check_status(client.get(url), 200 if expected == 302 else expected)
    check_status(client.post(url), expected)
    county.draft.refresh_from_db()
    county.plan.refresh_from_db()
    if expected == 302:
        assert county.draft.state == VersionState.PUBLISHED
        assert county.plan.current_version_id == county.draft.pk
    else:
        assert county.draft.state == VersionState.DRAFT
        assert county.plan.current_version_id == county.published.pk


@covers("plans:withdraw")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=302,
        owner_planner=403,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_only_owner_admins_withdraw_and_nothing_changes_on_refusal(county, actor, expected):
    client = as_actor(county, actor)
    url = f"/plans/{county.plan.pk}/versions/{county.published.number}/withdraw/"
    check_status(client.get(url), 200 if expected == 302 else expected)
    check_status(client.post(url), expected)
    county.published.refresh_from_db()
    expected_state = VersionState.WITHDRAWN if expected == 302 else VersionState.PUBLISHED
    assert county.published.state == expected_state


@covers("plans:edit", "plans:draft-new")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=302,
        owner_planner=302,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_who_may_change_plan_details_and_start_drafts(county, actor, expected):
    client = as_actor(county, actor)
    edit = f"/plans/{county.plan.pk}/edit/"
    check_status(client.get(edit), 200 if expected == 302 else expected)
    response = client.post(
        edit,
        {"title": "Renamed plan", "kind": PlanKind.SCHOOL_EOP, "classification": Classification.PARTNER}
        | {"review_interval_days": "180", "hazards": "Fire, Flood", "facilities": [county.school.pk]},
    )
    check_status(response, expected)
    county.plan.refresh_from_db()
    assert (county.plan.title == "Renamed plan") == (expected == 302)
    assert (county.plan.hazards == ["Fire", "Flood"]) == (expected == 302)

    versions_before = county.plan.versions.count()
    check_status(client.post(f"/plans/{county.plan.pk}/drafts/new/"), expected)
    # The open draft v2 is reused rather than a second one started.
    assert county.plan.versions.count() == versions_before


@covers("plans:attachment-upload")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=302,
        owner_planner=302,
        owner_liaison=403,
        owner_member=404,
        partner_view_liaison=404,
        partner_view_member=404,
        partner_comment_liaison=404,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_who_may_attach_files_and_nothing_is_stored_on_refusal(county, actor, expected):
    response = as_actor(county, actor).post(
        f"/plans/{county.plan.pk}/versions/{county.draft.number}/attachments/upload/",
        {"file": SimpleUploadedFile("map.png", tiny_png())},
    )
    check_status(response, expected)
    assert Attachment.objects.filter(version=county.draft).count() == (1 if expected == 302 else 0)


@covers("plans:draft-preview")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
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
    ),
)
def test_owner_admins_planners_and_liaisons_preview_drafts_partners_never(county, actor, expected):
    response = as_actor(county, actor).get(f"/plans/{county.plan.pk}/versions/{county.draft.number}/preview/")
    check_status(response, expected)
    if expected == 200:
        assert b"Evacuate to the stadium." in response.content
        assert (b"Back to the editor" in response.content) == (actor in ("owner_admin", "owner_planner"))


def test_people_who_edit_nowhere_cannot_create_plans(county):
    for user in (county.owner_member, county.owner_liaison, county.partner_view_liaison, county.staff):
        assert web_client(user).get("/plans/new/").status_code == 403
        assert web_client(user).post("/plans/new/", {"title": "x"}).status_code == 403
    assert redirected_to_login(web_client(None).get("/plans/new/"))


# Creating a plan


def create_data(county, **overrides) -> dict:
    data = {
        "owner_agency": str(county.district.pk),
        "title": "Oak Hill Middle crisis plan",
        "kind": PlanKind.SCHOOL_EOP,
        "facilities": [str(county.school.pk)],
        "classification": Classification.PARTNER,
        "review_interval_days": "365",
        "hazards": "Active threat, fire, Fire,  Severe   weather",
        "start": "template",
    }
    data.update(overrides)
    return data


def test_planner_creates_a_plan_from_the_school_eop_template(county):
    client = web_client(county.owner_planner)
    page = client.get("/plans/new/")
    assert page.status_code == 200
    owners = page.context["form"].fields["owner_agency"].queryset
    assert list(owners) == [county.district]
    assert page.context["form"]["kind"].value() == PlanKind.SCHOOL_EOP

    response = client.post("/plans/new/", create_data(county))
    plan = Plan.objects.get(title="Oak Hill Middle crisis plan")
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{plan.pk}/versions/1/edit/"
    assert plan.owner_agency == county.district
    assert list(plan.facilities.all()) == [county.school]
    assert plan.hazards == ["Active threat", "fire", "Severe weather"]
    version = plan.versions.get()
    assert version.state == VersionState.DRAFT
    expected = [(s["key"], s["title"], s["body"]) for s in default_sections(plan_kind=PlanKind.SCHOOL_EOP)]
    assert saved_sections(version) == expected
    assert any(key == "annex-reunification" for key, _, _ in expected)


def test_a_blank_plan_starts_with_one_empty_section(county):
    client = web_client(county.owner_admin)
    client.post("/plans/new/", create_data(county, start="blank", kind=PlanKind.REUNIFICATION))
    version = Plan.objects.get(title="Oak Hill Middle crisis plan").versions.get()
    assert saved_sections(version) == [("overview", "Overview", "")]


def test_create_form_errors_show_next_to_the_fields_and_nothing_is_created(county):
    plans_before = Plan.objects.count()
    response = web_client(county.owner_planner).post(
        "/plans/new/",
        create_data(county, title="   ", review_interval_days="0", owner_agency=str(county.police.pk)),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["title"]
    assert form.errors["review_interval_days"]
    assert "Select a valid choice" in form.errors["owner_agency"][0]
    assert b'aria-invalid="true"' in response.content
    assert Plan.objects.count() == plans_before


def test_the_owner_defaults_to_the_agency_the_person_works_for_now(county):
    other = AgencyFactory(name="Aspen Charter Schools", slug="aspen", kind="school_district")
    from agencies.services import membership_add

    membership_add(agency=other, user=county.owner_planner, role=Role.PLANNER, actor=SYSTEM)
    client = web_client(county.owner_planner)
    client.post("/agency/switch/", {"agency": other.pk})
    form = client.get("/plans/new/").context["form"]
    assert form["owner_agency"].value() == other.pk
    assert set(form.fields["owner_agency"].queryset) == {county.district, other}


def test_plan_details_are_saved_through_the_service_and_reclassifying_is_audited(county):
    # The owner's admin: changing the classification is theirs (tests/security/test_classification.py).
    client = web_client(county.owner_admin)
    response = client.post(
        f"/plans/{county.plan.pk}/edit/",
        {
            "title": county.plan.title,
            "kind": county.plan.kind,
            "facilities": [county.school.pk],
            "classification": Classification.LAW_ENFORCEMENT_SENSITIVE,
            "review_interval_days": "180",
            "hazards": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{county.plan.pk}/"
    county.plan.refresh_from_db()
    assert county.plan.classification == Classification.LAW_ENFORCEMENT_SENSITIVE
    assert county.plan.review_interval_days == 180
    assert AuditEvent.objects.filter(action=AuditAction.PLAN_RECLASSIFY).count() == 1


# The draft editor


def test_editing_titles_bodies_and_summary_saves_the_draft(county):
    client = web_client(county.owner_planner)
    data = editor_data(
        county.draft,
        summary="Stadium is the new assembly point.\r\nDrill in May.",
        **{"sections-0-title": "  Evacuation   ", "sections-0-body": "## Assembly\r\n\r\nGo to the stadium."},
    )
    response = client.post(editor_url(county.plan, county.draft.number), data)
    assert response.status_code == 302
    assert response["Location"] == editor_url(county.plan, county.draft.number)
    county.draft.refresh_from_db()
    assert county.draft.change_summary == "Stadium is the new assembly point.\nDrill in May."
    assert saved_sections(county.draft)[0] == ("section-1", "Evacuation", "## Assembly\n\nGo to the stadium.")
    assert "Draft saved." in [str(m) for m in client.get(editor_url(county.plan, 2)).context["messages"]]


def test_adding_a_section_makes_a_unique_key_from_its_title_and_places_it(county):
    client = web_client(county.owner_admin)
    data = editor_data(county.draft, action="add", new_title="Section 1!", new_position="0")
    response = client.post(editor_url(county.plan, county.draft.number), data)
    assert response.status_code == 302
    assert response["Location"].endswith("#section-section-1-2")
    assert [key for key, _, _ in saved_sections(county.draft)] == ["section-1-2", "section-1", "section-2"]

    data = editor_data(county.draft, new_title="Bus evacuation")  # Enter in the new title field adds it too
    client.post(editor_url(county.plan, county.draft.number), data)
    assert saved_sections(county.draft)[-1] == ("bus-evacuation", "Bus evacuation", "")


def test_moving_and_removing_sections(county):
    client = web_client(county.owner_planner)
    url = editor_url(county.plan, county.draft.number)
    client.post(url, editor_data(county.draft, action="down-0"))
    assert [key for key, _, _ in saved_sections(county.draft)] == ["section-2", "section-1"]
    client.post(url, editor_data(county.draft, action="up-1"))
    assert [key for key, _, _ in saved_sections(county.draft)] == ["section-1", "section-2"]
    client.post(url, editor_data(county.draft, action="up-0"))  # already first: nothing moves
    assert [key for key, _, _ in saved_sections(county.draft)] == ["section-1", "section-2"]
    response = client.post(url, editor_data(county.draft, action="remove-0"))
    assert response.status_code == 302
    assert [key for key, _, _ in saved_sections(county.draft)] == ["section-2"]

    response = client.post(url, editor_data(county.draft, action="remove-0"))
    assert response.status_code == 200
    assert "at least one section" in response.content.decode()
    assert len(saved_sections(county.draft)) == 1


def test_editor_validation_errors_are_shown_at_the_field_and_nothing_is_saved(county):
    client = web_client(county.owner_planner)
    url = editor_url(county.plan, county.draft.number)
    before = saved_sections(county.draft)

    response = client.post(url, editor_data(county.draft, **{"sections-0-title": "  "}))
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["title"] == ["Give this section a title."]
    assert "Nothing was saved" in response.content.decode()

    response = client.post(url, editor_data(county.draft, **{"sections-1-key": "section-1"}))
    assert response.status_code == 200
    assert "already uses the key" in response.context["formset"].forms[1].errors["key"][0]

    response = client.post(url, editor_data(county.draft, **{"sections-1-key": "no spaces/allowed"}))
    assert response.status_code == 200
    assert "letters, numbers, hyphens" in response.context["formset"].forms[1].errors["key"][0]
    assert b'<details class="edit-section__key" open>' in response.content

    response = client.post(url, editor_data(county.draft, action="add"))
    assert response.status_code == 200
    assert response.context["form"].errors["new_title"]

    response = client.post(url, editor_data(county.draft, action="remove-7"))
    assert response.status_code == 200
    assert saved_sections(county.draft) == before


def test_a_tampered_or_oversized_editor_form_saves_nothing(county):
    client = web_client(county.owner_planner)
    url = editor_url(county.plan, county.draft.number)
    before = saved_sections(county.draft)
    data = editor_data(county.draft)
    del data["sections-TOTAL_FORMS"]
    assert "The editor form arrived incomplete" in client.post(url, data).content.decode()
    data = editor_data(county.draft) | {"sections-TOTAL_FORMS": "201"}
    data |= {f"sections-{i}-title": f"T{i}" for i in range(2, 201)}
    assert "at most 200 sections" in client.post(url, data).content.decode()
    assert saved_sections(county.draft) == before


def test_an_emptied_key_is_made_again_from_the_title(county):
    client = web_client(county.owner_planner)
    data = editor_data(county.draft, **{"sections-1-key": "", "sections-1-title": "Section 1"})
    assert client.post(editor_url(county.plan, county.draft.number), data).status_code == 302
    assert [key for key, _, _ in saved_sections(county.draft)] == ["section-1", "section-1-2"]


def test_a_save_over_someone_elses_newer_save_is_refused(county):
    stale = editor_data(county.draft, **{"sections-0-body": "My version"})
    services.plan_version_update_draft(version=county.draft, actor=county.owner_admin, change_summary="Theirs")
    response = web_client(county.owner_planner).post(editor_url(county.plan, county.draft.number), stale)
    assert response.status_code == 409
    assert "Someone saved this draft after you opened it" in response.content.decode()
    assert "My version" in response.content.decode()  # what they typed is still on the page
    assert saved_sections(county.draft)[0][2] == "Evacuate to the stadium."


def test_a_published_version_is_never_editable(county):
    client = web_client(county.owner_admin)
    url = editor_url(county.plan, county.published.number)
    before = saved_sections(county.published)
    response = client.get(url)
    assert response.status_code == 409
    text = response.content.decode()
    assert "can never be edited" in text
    assert "start a new draft" in text
    assert "<textarea" not in text
    assert "Save draft" not in text
    assert client.post(url, editor_data(county.published, **{"sections-0-body": "x"})).status_code == 409
    upload = client.post(
        f"/plans/{county.plan.pk}/versions/{county.published.number}/attachments/upload/",
        {"file": SimpleUploadedFile("map.png", tiny_png())},
    )
    assert upload.status_code == 409
    assert saved_sections(county.published) == before
    assert not Attachment.objects.filter(version=county.published).exists()


def test_planners_see_no_publish_control_and_admins_do(county):
    planner = web_client(county.owner_planner).get(editor_url(county.plan, county.draft.number)).content.decode()
    admin = web_client(county.owner_admin).get(editor_url(county.plan, county.draft.number)).content.decode()
    publish_url = f"/plans/{county.plan.pk}/versions/{county.draft.number}/publish/"
    assert publish_url not in planner
    assert "Only an admin of Maple Valley School District can publish" in planner
    assert publish_url in admin


def test_starting_a_draft_copies_the_current_version(county):
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    client = web_client(county.owner_planner)
    page = client.get(f"/plans/{county.plan.pk}/drafts/new/")
    assert "a copy of the current version, v2: its sections, its attachments" in page.content.decode()
    response = client.post(f"/plans/{county.plan.pk}/drafts/new/")
    new = county.plan.versions.get(number=3)
    assert response["Location"] == editor_url(county.plan, 3)
    assert new.state == VersionState.DRAFT
    assert new.based_on_number == 2
    assert saved_sections(new) == saved_sections(county.draft)


# Attachments


@pytest.mark.parametrize(
    ("name", "content", "status", "message"),
    [
        ("notes.png", b"just some text, not an image", 200, "Only PDF, PNG, JPEG or DOCX files can be attached"),
        ("map.pdf", tiny_png(), 200, "rename it to end in .png"),
        ("empty.pdf", b"", 200, "The file is empty"),
    ],
    ids=["wrong-type", "mislabelled", "empty"],
)
def test_attachment_errors_are_shown_at_the_file_field(county, name, content, status, message):
    response = web_client(county.owner_planner).post(
        f"/plans/{county.plan.pk}/versions/{county.draft.number}/attachments/upload/",
        {"file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == status
    assert message in " ".join(response.context["upload_form"].errors["file"])
    assert message in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_too_large_attachment_is_refused_with_the_limit(county, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    response = web_client(county.owner_planner).post(
        f"/plans/{county.plan.pk}/versions/{county.draft.number}/attachments/upload/",
        {"file": SimpleUploadedFile("scan.pdf", PDF + b"0" * (1024 * 1024))},
    )
    assert response.status_code == 200
    assert "at most 1 MB" in response.content.decode()
    assert not Attachment.objects.exists()


def test_an_attached_png_is_listed_in_the_editor(county):
    client = web_client(county.owner_planner)
    response = client.post(
        f"/plans/{county.plan.pk}/versions/{county.draft.number}/attachments/upload/",
        {"file": SimpleUploadedFile("floor-plan.png", tiny_png())},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#attachments")
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    page = client.get(editor_url(county.plan, county.draft.number)).content.decode()
    assert "floor-plan.png" in page
    assert "Attached “floor-plan.png”." in page


@covers("plans:attachment-remove")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=302,
        owner_planner=302,
        owner_liaison=403,
        owner_member=404,
        partner_view_liaison=404,
        partner_view_member=404,
        partner_comment_liaison=404,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_who_may_remove_a_file_from_a_draft_in_the_editor(county, actor, expected):
    web_client(county.owner_planner).post(
        f"/plans/{county.plan.pk}/versions/{county.draft.number}/attachments/upload/",
        {"file": SimpleUploadedFile("floor-plan.png", tiny_png())},
    )
    attachment = Attachment.objects.get()
    client = as_actor(county, actor)
    response = client.post(
        f"/plans/{county.plan.pk}/versions/{county.draft.number}/attachments/{attachment.pk}/remove/"
    )
    check_status(response, expected)
    assert Attachment.objects.filter(pk=attachment.pk).exists() == (expected != 302)
    if expected == 302:
        page = client.get(editor_url(county.plan, county.draft.number)).content.decode()
        assert "Removed “floor-plan.png” from this draft." in page


# Publishing and withdrawing


def test_publish_confirmation_lists_who_will_be_alerted(county):
    member(county.police, Role.ADMIN, username="police_chief")
    quiet = member(county.police, Role.LIAISON, username="police_quiet")
    NotificationPreference.objects.create(
        user=quiet, event_type=EventType.VERSION_PUBLISHED, in_app=True, email=EmailChoice.OFF
    )
    response = web_client(county.owner_admin).get(f"/plans/{county.plan.pk}/versions/{county.draft.number}/publish/")
    assert response.status_code == 200
    rows = {row.agency.name: row for row in response.context["audience"].agencies}
    assert list(rows) == ["Maple Valley School District", "Ridgeford Fire", "Ridgeford Police"]
    owner, fire, police = rows.values()
    assert (owner.is_owner, owner.members, owner.emailed) == (True, 3, 1)  # the publisher is not alerted
    assert (fire.share_level, fire.members, fire.emailed) == (ShareLevel.COMMENT, 1, 1)
    assert (police.share_level, police.members, police.emailed) == (ShareLevel.VIEW, 4, 2)
    assert response.context["audience"].people == 8
    text = response.content.decode()
    assert "Ridgeford Police" in text
    assert "Partner · view" in text
    assert "admins and liaisons" in text
    assert "Publish version 2" in text
    assert "Far County Sheriff" not in text


def test_publishing_redirects_to_the_plan_page_and_alerts_partners(county):
    client = web_client(county.owner_admin)
    response = client.post(f"/plans/{county.plan.pk}/versions/{county.draft.number}/publish/")
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{county.plan.pk}/"
    county.plan.refresh_from_db()
    assert county.plan.current_version_id == county.draft.pk
    event = OutboxEvent.objects.get(event_type=EventType.VERSION_PUBLISHED, payload__version=2)
    assert event.plan_id == county.plan.pk
    outbox_event_fan_out(event_id=event.pk)
    assert county.partner_view_liaison.notifications.filter(event=event).exists()


def test_publishing_a_stale_draft_says_to_start_a_new_draft(county):
    newer = draft(county.plan, county.owner_admin, "Evacuate to the parking lot.")
    services.plan_version_publish(version=newer, actor=county.owner_admin)
    client = web_client(county.owner_admin)
    url = f"/plans/{county.plan.pk}/versions/{county.draft.number}/publish/"
    page = client.get(url).content.decode()
    assert "This draft cannot be published" in page
    assert ">Publish version 2</button>" not in page

    response = client.post(url)
    assert response.status_code == 409
    text = response.content.decode()
    assert "Version 2 was not published" in text
    assert "start a new draft from the current version" in text
    assert f'action="/plans/{county.plan.pk}/drafts/new/"' in text
    county.draft.refresh_from_db()
    assert county.draft.state == VersionState.DRAFT


def test_publishing_twice_shows_a_message_not_an_error(county):
    client = web_client(county.owner_admin)
    url = f"/plans/{county.plan.pk}/versions/{county.draft.number}/publish/"
    assert client.post(url).status_code == 302
    response = client.post(url)
    assert response.status_code == 409
    assert "already published" in response.content.decode()
    assert client.get(url).status_code == 409


def test_withdrawing_needs_confirmation_then_leaves_no_current_version(county):
    client = web_client(county.owner_admin)
    url = f"/plans/{county.plan.pk}/versions/{county.published.number}/withdraw/"
    page = client.get(url)
    assert page.status_code == 200
    assert "has no current version" in page.content.decode()
    assert "Ridgeford Police" in page.content.decode()
    response = client.post(url)
    assert response["Location"] == f"/plans/{county.plan.pk}/"
    county.plan.refresh_from_db()
    assert county.plan.current_version_id is None
    assert client.get(url).status_code == 409  # withdrawn already


def test_reading_a_sensitive_draft_in_the_editor_is_audited(county):
    services.plan_update(
        plan=county.plan, actor=county.owner_admin, classification=Classification.LAW_ENFORCEMENT_SENSITIVE
    )
    web_client(county.owner_planner).get(editor_url(county.plan, county.draft.number))
    assert AuditEvent.objects.filter(action=AuditAction.PLAN_READ, actor=county.owner_planner).count() == 1


# Query counts: constant whatever the number of sections, attachments or partner agencies


def queries_of(client: Client, url: str, data: dict | None = None) -> int:
    """How many queries one request takes (and that it succeeded)."""
    # The header's counts are cached per person and recounted after a change (tests/reading/test_header_counts.py):
    # a first request fills them, so the requests compared here all find them cached.
    if data is None:
        client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data) if data is not None else client.get(url)
    assert response.status_code in (200, 302), response.content[:300]
    return len(captured)


def test_editor_queries_do_not_grow_with_sections_or_attachments(county):
    client = web_client(county.owner_admin)
    small = draft(county.plan, county.owner_admin, "a", "b")
    few = queries_of(client, editor_url(county.plan, small.number))
    saving_few = queries_of(client, editor_url(county.plan, small.number), editor_data(small, action="down-0"))
    big = services.plan_version_create_draft(
        plan=county.plan, actor=county.owner_admin, sections=sections(*(f"Body {i}" for i in range(80)))
    )
    for i in range(5):
        services.attachment_add(
            version=big,
            actor=county.owner_admin,
            upload=SimpleUploadedFile(f"map-{i}.png", tiny_png()),
            max_bytes=10_000,
        )
    # 17 with the plan's open change requests listed beside their sections (reviews/context.py).
    assert queries_of(client, editor_url(county.plan, big.number)) == few <= 17
    assert queries_of(client, editor_url(county.plan, big.number), editor_data(big, action="down-3")) == saving_few


def test_publish_confirmation_queries_do_not_grow_with_partners(county):
    client = web_client(county.owner_admin)
    url = f"/plans/{county.plan.pk}/versions/{county.draft.number}/publish/"
    few = queries_of(client, url)
    for i in range(25):
        agency = AgencyFactory(name=f"Partner {i:02}", slug=f"partner-{i}")
        member(agency, Role.LIAISON)
        member(agency, Role.MEMBER)
        services.plan_share(plan=county.plan, agency=agency, level=ShareLevel.VIEW, actor=county.owner_admin)
    assert queries_of(client, url) == few <= 20
    assert len(client.get(url).context["audience"].agencies) == 28


def test_create_form_queries_do_not_grow_with_facilities(county):
    from tests.agencies.factories import FacilityFactory

    client = web_client(county.owner_planner)
    few = queries_of(client, "/plans/new/")
    for i in range(30):
        FacilityFactory(name=f"School {i:02}", owner_agency=county.district)
    assert queries_of(client, "/plans/new/") == few <= 12
    assert len(client.get("/plans/new/").context["form"].fields["facilities"].queryset) == 31


# In a real browser


def test_district_coordinator_creates_a_plan_edits_it_and_publishes_with_confirmation(
    page, live_server, web_county, console_errors
):
    county = web_county
    sign_in(page, live_server, "district_admin")
    page.goto(f"{live_server.url}/plans/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("New plan")
    page.get_by_label("Title", exact=True).fill("Maple Valley High reunification plan")
    page.get_by_label("Maple Valley High — Maple Valley School District").check()
    page.get_by_label("Hazards").fill("Active threat, Severe weather")
    page.get_by_label(re.compile(r"Standard sections")).check()
    page.get_by_role("button", name="Create plan and start its draft").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Edit draft v1")
    expect(page.get_by_text("created with draft version 1")).to_be_visible()
    plan = Plan.objects.get(title="Maple Valley High reunification plan")
    assert plan.versions.get().sections.count() == len(default_sections(plan_kind=PlanKind.SCHOOL_EOP))

    # Edit a section, with a change summary.
    page.get_by_label("Change summary").fill("First edition, written with the police and fire district.")
    lockdown = open_section(page, "section-annex-lockdown")
    lockdown.get_by_label("Text").fill("Lock doors, lights off, stay out of sight.\n\n- Teachers take attendance")
    page.get_by_role("button", name="Save draft").first.click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()

    # Add a section after the lockdown annex, then move it up.
    page.get_by_label("Title of the new section").fill("Bus evacuation")
    page.get_by_label("Place it").select_option(label="After “Functional annex: Lockdown”")
    page.get_by_role("button", name="Add section").click()
    expect(page.get_by_text("Added the section “Bus evacuation”")).to_be_visible()
    keys = [s.key for s in plan.versions.get().sections.order_by("position")]
    assert keys[keys.index("annex-lockdown") + 1] == "bus-evacuation"
    page.locator("#section-bus-evacuation").get_by_role("button", name=re.compile("^Move up")).click()
    expect(page.get_by_text("Moved “Bus evacuation” up")).to_be_visible()
    keys = [s.key for s in plan.versions.get().sections.order_by("position")]
    assert keys[keys.index("annex-lockdown") - 1] == "bus-evacuation"
    assert dict(plan.versions.get().sections.values_list("key", "body"))["annex-lockdown"].startswith("Lock doors")

    # Upload a floor plan.
    page.get_by_label("File").set_input_files(
        files=[{"name": "floor-plan.png", "mimeType": "image/png", "buffer": tiny_png()}]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Attached “floor-plan.png”.")).to_be_visible()
    expect(page.locator("#attachments").get_by_role("link", name="floor-plan.png")).to_be_visible()

    # Partners are added from the plan page's share panel; here directly, as that page is tested elsewhere.
    services.plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=county.owner_admin)
    services.plan_share(plan=plan, agency=county.fire, level=ShareLevel.COMMENT, actor=county.owner_admin)

    page.get_by_role("link", name="Publish…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Publish version 1")
    audience = page.get_by_role("table")
    expect(audience.get_by_role("rowheader", name="Ridgeford Police")).to_be_visible()
    expect(audience.get_by_role("rowheader", name="Ridgeford Fire")).to_be_visible()
    expect(audience).not_to_contain_text("Far County Sheriff")
    expect(page.get_by_text("floor-plan.png")).to_be_visible()
    screenshot(page, "publish-confirm-desktop")

    page.get_by_role("button", name="Publish version 1").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Maple Valley High reunification plan")
    plan.refresh_from_db()
    assert plan.current_version.number == 1
    assert console_errors == []


def test_a_planner_edits_a_draft_on_a_phone(page, live_server, web_county, console_errors):
    county = web_county
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "district_planner")
    page.goto(f"{live_server.url}{editor_url(county.plan, county.draft.number)}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit draft v2")
    expect(page.get_by_role("link", name="Publish…")).to_have_count(0)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the editor scrolls sideways at {PHONE['width']} px ({width} px)"

    open_section(page, "section-section-2").get_by_label("Text").fill(
        "Lockdown: lock doors, lights off, silence phones."
    )
    open_section(page, "section-section-1").get_by_role("button", name=re.compile("^Move down")).click()
    expect(page.get_by_text("Moved “Section 1” down")).to_be_visible()
    assert saved_sections(county.draft) == [
        ("section-2", "Section 2", "Lockdown: lock doors, lights off, silence phones."),
        ("section-1", "Section 1", "Evacuate to the stadium."),
    ]

    # An empty title is refused at the field; the summary at the top links to it.
    open_section(page, "section-section-1").get_by_label("Title").fill("")
    page.get_by_role("button", name="Save draft").first.click()
    expect(page.get_by_text("Nothing was saved")).to_be_visible()
    page.get_by_role("link", name="Section 2 (untitled)").click()
    expect(page.locator("#row-2").get_by_text("Give this section a title.")).to_be_in_viewport()
    expect(page.locator("#row-2").get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    assert console_errors == []

"""Attachments: real type sniffed from content, size limit, draft-only uploads, permission-checked downloads."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError

from plans.models import Attachment
from tests.conftest import client_for
from tests.plans.factories import draft, make_plan

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(client, plan, number, name, content):
    return client.post(
        f"/api/v1/plans/{plan.pk}/versions/{number}/attachments/",
        {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")},
        format="multipart",
    )


@pytest.mark.parametrize(
    ("name", "content", "expected_type"),
    [
        ("site-map.pdf", PDF, "application/pdf"),
        ("floor-plan.png", PNG, "image/png"),
        (
            "signature-page.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
    ids=["pdf", "png", "docx"],
)
def test_planner_attaches_a_file_to_a_draft_and_a_partner_downloads_it_once_published(
    county, name, content, expected_type
):
    planner = client_for(county.owner_planner)
    response = upload(planner, county.plan, county.draft.number, name, content)
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == expected_type
    assert response.json()["size"] == len(content)

    admin = client_for(county.owner_admin)
    assert admin.post(f"/api/v1/plans/{county.plan.pk}/versions/{county.draft.number}/publish/").status_code == 200

    police = client_for(county.partner_view_liaison)
    listing = police.get(f"/api/v1/plans/{county.plan.pk}/versions/{county.draft.number}/attachments/")
    assert listing.status_code == 200
    [item] = listing.json()["results"]
    download = police.get(item["download_url"].replace("http://127.0.0.1:8000", ""))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Type"] == expected_type
    assert name in download["Content-Disposition"]
    assert "no-store" in download["Cache-Control"]


def test_a_file_whose_name_lies_about_its_type_is_refused(county):
    response = upload(client_for(county.owner_planner), county.plan, county.draft.number, "map.pdf", PNG)
    assert response.status_code == 400
    assert "rename it" in response.json()["file"][0]
    assert not Attachment.objects.exists()


def test_a_file_that_is_not_an_allowed_type_is_refused_whatever_its_name(county):
    script = b"#!/bin/sh\necho hello\n" * 10
    response = upload(client_for(county.owner_planner), county.plan, county.draft.number, "plan.pdf", script)
    assert response.status_code == 400
    assert "PDF, PNG, JPEG or DOCX" in response.json()["file"][0]
    assert not Attachment.objects.exists()


def test_an_empty_upload_is_refused_with_a_field_message(county):
    response = upload(client_for(county.owner_planner), county.plan, county.draft.number, "plan.pdf", b"")
    assert response.status_code == 400
    assert "file" in response.json()


def test_a_file_over_the_size_limit_answers_413(county, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    response = upload(client_for(county.owner_planner), county.plan, county.draft.number, "big.pdf", PDF + b"0" * 2048)
    assert response.status_code == 413
    assert "at most" in response.json()["detail"]
    assert not Attachment.objects.exists()


def test_attaching_to_a_published_version_answers_409(county):
    response = upload(client_for(county.owner_planner), county.plan, county.published.number, "map.pdf", PDF)
    assert response.status_code == 409
    assert not Attachment.objects.exists()


def test_attachments_of_a_draft_are_invisible_to_partners(county):
    upload(client_for(county.owner_planner), county.plan, county.draft.number, "map.pdf", PDF)
    attachment = Attachment.objects.get()
    police = client_for(county.partner_view_liaison)
    base = f"/api/v1/plans/{county.plan.pk}/versions/{county.draft.number}/attachments/"
    assert police.get(base).status_code == 404
    assert police.get(f"{base}{attachment.pk}/download/").status_code == 404


def test_stored_files_have_opaque_names_outside_any_public_url(county, settings):
    upload(client_for(county.owner_planner), county.plan, county.draft.number, "Lincoln High map.pdf", PDF)
    attachment = Attachment.objects.get()
    assert "Lincoln" not in attachment.file.name
    assert str(settings.PRIVATE_MEDIA_ROOT) in attachment.file.path
    assert not str(settings.PRIVATE_MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))


def test_an_uploaders_account_is_kept_with_its_audit_history_and_so_are_published_attachments(county):
    upload(client_for(county.owner_planner), county.plan, county.draft.number, "map.pdf", PDF)
    client_for(county.owner_admin).post(f"/api/v1/plans/{county.plan.pk}/versions/{county.draft.number}/publish/")
    # Starting the draft and uploading are audited now, and people with an audit history are deactivated,
    # never deleted (audit/models.py: AuditEvent.actor is PROTECT).
    with pytest.raises(ProtectedError):
        county.owner_planner.delete()
    attachment = Attachment.objects.get()
    assert attachment.uploaded_by == county.owner_planner
    assert attachment.version.created_by == county.owner_planner


def test_deleting_a_never_published_plan_removes_its_files(county, django_capture_on_commit_callbacks):
    fresh = make_plan(owner=county.district, actor=county.owner_admin, title="Never published")
    first_draft = draft(fresh, county.owner_planner, "Work in progress")
    upload(client_for(county.owner_planner), fresh, first_draft.number, "map.pdf", PDF)
    path = Path(Attachment.objects.get().file.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(county.owner_admin).delete(f"/api/v1/plans/{fresh.pk}/")
    assert response.status_code == 204
    assert not path.exists()
    assert not Attachment.objects.exists()


def test_a_new_draft_carries_the_current_versions_files_as_copies_of_its_own(county):
    upload(client_for(county.owner_planner), county.plan, county.draft.number, "floor-plan.pdf", PDF)
    client_for(county.owner_admin).post(f"/api/v1/plans/{county.plan.pk}/versions/{county.draft.number}/publish/")
    published = Attachment.objects.get()

    next_draft = draft(county.plan, county.owner_planner, "Evacuate to the stadium.")

    copy = Attachment.objects.get(version=next_draft)
    assert (copy.filename, copy.sha256, copy.content_type) == (
        "floor-plan.pdf",
        published.sha256,
        published.content_type,
    )
    assert copy.token != published.token
    assert copy.file.name != published.file.name
    assert Path(copy.file.path).read_bytes() == PDF


def test_removing_a_carried_file_from_a_draft_keeps_the_published_one(county, django_capture_on_commit_callbacks):
    upload(client_for(county.owner_planner), county.plan, county.draft.number, "floor-plan.pdf", PDF)
    client_for(county.owner_admin).post(f"/api/v1/plans/{county.plan.pk}/versions/{county.draft.number}/publish/")
    published = Attachment.objects.get()
    next_draft = draft(county.plan, county.owner_planner, "Evacuate to the stadium.")
    copy = Attachment.objects.get(version=next_draft)
    copy_path = Path(copy.file.path)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(county.owner_planner).delete(
            f"/api/v1/plans/{county.plan.pk}/versions/{next_draft.number}/attachments/{copy.pk}/"
        )

    assert response.status_code == 204
    assert not copy_path.exists()
    assert list(Attachment.objects.all()) == [published]
    assert Path(published.file.path).read_bytes() == PDF


def test_removing_a_file_from_a_published_version_answers_409_and_keeps_it(county):
    upload(client_for(county.owner_planner), county.plan, county.draft.number, "floor-plan.pdf", PDF)
    client_for(county.owner_admin).post(f"/api/v1/plans/{county.plan.pk}/versions/{county.draft.number}/publish/")
    published = Attachment.objects.get()
    response = client_for(county.owner_admin).delete(
        f"/api/v1/plans/{county.plan.pk}/versions/{county.draft.number}/attachments/{published.pk}/"
    )
    assert response.status_code == 409
    assert "part of the record" in response.json()["detail"]
    assert Path(published.file.path).exists()

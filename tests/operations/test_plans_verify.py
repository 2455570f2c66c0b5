"""`manage.py plans_verify`, the check an administrator runs after a restore, names every version and file that
no longer matches its recorded digest."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from plans.models import Attachment
from plans.services import plan_version_publish
from plans.services.attachments import attachment_add

PDF = b"%PDF-1.4\n" + b"evacuation map" * 50 + b"\n%%EOF\n"


@pytest.fixture
def published_with_file(county):
    attachment_add(
        version=county.draft,
        actor=county.owner_planner,
        upload=SimpleUploadedFile("map.pdf", PDF),
        max_bytes=len(PDF),
    )
    return plan_version_publish(version=county.draft, actor=county.owner_admin)


def test_an_intact_deployment_passes(published_with_file):
    out = io.StringIO()
    call_command("plans_verify", stdout=out)
    assert out.getvalue().strip() == "2 released plan versions and 1 attachment match their digests."


def test_a_changed_or_missing_attachment_file_is_named(published_with_file):
    attachment = Attachment.objects.get()
    path = attachment.file.path
    with open(path, "wb") as stored:
        stored.write(PDF.replace(b"evacuation", b"EVACUATION"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem:"):
        call_command("plans_verify", stderr=err)
    assert f"attachment {attachment.pk} (map.pdf)" in err.getvalue()
    assert "differs from its recorded sha256" in err.getvalue()


def test_a_published_section_changed_behind_concords_back_is_named(published_with_file):
    # The immutability trigger refuses this to the portal's role; a damaged restore or a superuser is not stopped.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE plans_section SET body = 'Evacuate to the parking lot.' WHERE version_id = %s",
            [published_with_file.pk],
        )
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem:"):
        call_command("plans_verify", stderr=err)
    plan, number = published_with_file.plan_id, published_with_file.number
    assert f"plan {plan} version {number}: its content no longer matches its content_sha256" in err.getvalue()

"""A plan worth exporting (headings, lists, a table, key facts, an attachment) and readers of the copies: the
text of each PDF page (pypdf) and the parts of a .docx (python-docx)."""

import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from pypdf import PdfReader

from consistency.fact_services import facility_facts_set
from plans import services
from plans.models import Classification, Plan, PlanVersion, ShareLevel

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

BASIC_PLAN = """# Purpose

This plan tells staff and first responders what to do when a **threat** is inside the building.

## Concept of operations

1. Call 911.
2. Announce the lockdown over the PA.
    - Use plain language.
    - Repeat it twice.
3. Account for every student.

- Teachers lock classroom doors
- Office staff meet the police at the *main entrance*

| Role | Who | Radio |
| --- | --- | --- |
| Incident commander | Principal | TAC-3 |
| Liaison | School Resource Officer | TAC-3 |

See [the district site](https://district.example.org/safety) for the family guide.
"""

# Long enough that the copy runs over several pages: every page must carry the marking.
LOCKDOWN = "\n\n".join(
    f"Step {n}: keep the doors locked, the lights off and everyone out of sight of the corridor windows "
    "until a police officer in uniform opens the door with a key."
    for n in range(1, 41)
)


@dataclass
class Exported:
    plan: Plan
    version: PlanVersion
    draft: PlanVersion


def exportable_plan(
    county, *, classification: str = Classification.PARTNER, title: str = "Maple Valley High active threat annex"
) -> Exported:
    """A district plan covering the county's school, shared with police (`view`) and fire (`comment`): version 1
    published with two sections, key facts and a site map; version 2 a draft."""
    plan = services.plan_create(
        actor=county.owner_admin,
        title=title,
        kind="school_eop",
        owner_agency=county.district,
        facilities=[county.school],
        classification=classification,
    )
    first = services.plan_version_create_draft(
        plan=plan,
        actor=county.owner_planner,
        change_summary="Annual review with police and fire",
        sections=[
            {"key": "basic-plan", "title": "Basic plan", "body": BASIC_PLAN},
            {"key": "lockdown", "title": "Lockdown annex", "body": LOCKDOWN},
        ],
    )
    facility_facts_set(
        version=first,
        facility=county.school,
        facts={
            "command_post": {"text": "North parking lot", "latitude": 41.8801, "longitude": -87.6301},
            "radio_channel": "FD TAC-3",
            "onsite_contact_phone": "(217) 555-0142",
        },
        actor=county.owner_planner,
    )
    services.attachment_add(
        version=first,
        actor=county.owner_planner,
        upload=SimpleUploadedFile("site-map.pdf", PDF_BYTES, content_type="application/pdf"),
        max_bytes=10_000,
    )
    services.plan_version_publish(version=first, actor=county.owner_admin)
    services.plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=county.owner_admin)
    services.plan_share(plan=plan, agency=county.fire, level=ShareLevel.COMMENT, actor=county.owner_admin)
    second = services.plan_version_create_draft(
        plan=plan,
        actor=county.owner_planner,
        change_summary="Move reunification to the stadium",
        sections=[{"key": "basic-plan", "title": "Basic plan", "body": "Reunify at the stadium."}],
    )
    first.refresh_from_db()
    plan.refresh_from_db()
    return Exported(plan=plan, version=first, draft=second)


def pdf_pages(content: bytes) -> list[str]:
    """The text of each page, as a PDF reader extracts it (margin boxes included)."""
    assert content.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def squashed(text: str) -> str:
    """Text with its line breaks and runs of spaces as single spaces (a PDF wraps lines where it likes)."""
    return " ".join(text.split())


def read_docx(content: bytes):
    assert content.startswith(b"PK")
    return Document(io.BytesIO(content))

"""Small real files and a document of the county's school, for the building-document tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from buildings.models import BuildingDocument
from buildings.services import building_document_add
from plans.models import Classification

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes(colour: str = "white", size: tuple[int, int] = (8, 6)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def png(name: str = "site-map.png", colour: str = "white", size: tuple[int, int] = (8, 6)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(colour, size), content_type="image/png")


def pdf(name: str = "floor-plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def add_document(
    county,
    *,
    actor=None,
    title: str = "Site map",
    kind: str = "site_map",
    classification: str = Classification.PARTNER,
    upload=None,
) -> BuildingDocument:
    return building_document_add(
        facility=county.school,
        actor=actor or county.owner_planner,
        kind=kind,
        title=title,
        classification=classification,
        upload=upload or png(),
        max_bytes=1_000_000,
        change_note="First edition",
    )


def files_url(facility_id: int, rest: str = "") -> str:
    return f"/api/v1/facilities/{facility_id}/documents/{rest}"


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content)

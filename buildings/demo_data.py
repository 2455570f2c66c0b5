"""The demo county's maps: a site map and a floor plan of two schools, drawn here as small PNGs (Pillow), so the
building page shows what a responder would open."""

import io
from collections.abc import Callable, Mapping

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from agencies.models import Facility
from buildings.models import DocumentKind
from buildings.services import building_document_add
from plans.models import Classification

_DEMO_MAX_BYTES = 1024 * 1024

Drawing = Callable[[ImageDraw.ImageDraw], None]


def _png(name: str, draw_on: Drawing) -> SimpleUploadedFile:
    image = Image.new("RGB", (640, 420), "white")
    draw_on(ImageDraw.Draw(image))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _site_map(school: str) -> Drawing:
    def draw(d: ImageDraw.ImageDraw) -> None:
        d.rectangle((20, 20, 620, 400), outline="black", width=3)  # the property line
        d.text((30, 28), f"{school}: site map (demo)", fill="black")
        d.rectangle((200, 120, 440, 280), fill="#dddddd", outline="black", width=2)  # the school
        d.text((285, 190), "MAIN BUILDING", fill="black")
        d.rectangle((470, 60, 600, 160), fill="#c8e6c9", outline="darkgreen", width=2)
        d.text((480, 70), "North field\nEvacuation site", fill="darkgreen")
        d.rectangle((40, 300, 170, 380), fill="#bbdefb", outline="navy", width=2)
        d.text((50, 310), "Staging\n(fire, EMS)", fill="navy")
        d.rectangle((470, 300, 600, 380), fill="#ffe0b2", outline="darkorange", width=2)
        d.text((480, 310), "Command post\n(front lot)", fill="black")
        for x, label in ((205, "Door 1"), (400, "Door 2")):
            d.rectangle((x, 275, x + 30, 290), fill="red")
            d.text((x, 292), label, fill="red")
        d.line((320, 280, 320, 340, 470, 340), fill="red", width=3)
        d.text((330, 345), "Evacuation route", fill="red")

    return draw


def _floor_plan(school: str) -> Drawing:
    def draw(d: ImageDraw.ImageDraw) -> None:
        d.text((30, 20), f"{school}: first floor (demo)", fill="black")
        d.rectangle((30, 50, 610, 390), outline="black", width=3)
        d.rectangle((30, 200, 610, 240), fill="#eeeeee")  # corridor B
        d.text((280, 213), "Corridor B", fill="black")
        for index in range(6):
            x = 30 + index * 97
            d.rectangle((x, 50, x + 97, 200), outline="black", width=2)
            d.text((x + 10, 60), f"Room {101 + index}", fill="black")
            d.rectangle((x, 240, x + 97, 390), outline="black", width=2)
            d.text((x + 10, 250), f"Room {111 + index}", fill="black")
        for x, label in ((30, "Door 1"), (590, "Door 2")):
            d.rectangle((x, 205, x + 20, 235), fill="red")
            d.text((x + 2 if x < 300 else x - 40, 242), label, fill="red")

    return draw


def demo_building_documents_create(*, facilities: Mapping[str, Facility], writers: Mapping[str, User]) -> int:
    """A site map and a floor plan for the first school, a site map for the second (by short name): added by the
    school's own writer, so the alerts and the audit trail read as they would."""
    added = 0
    for index, (short, facility) in enumerate(facilities.items()):
        writer = writers[short]
        building_document_add(
            facility=facility,
            actor=writer,
            kind=DocumentKind.SITE_MAP,
            title=f"Site map, {facility.name}",
            classification=Classification.PARTNER,
            upload=_png(f"{short}-site-map.png", _site_map(facility.name)),
            max_bytes=_DEMO_MAX_BYTES,
            change_note="Drawn for the annual review",
        )
        added += 1
        if index == 0:
            building_document_add(
                facility=facility,
                actor=writer,
                kind=DocumentKind.FLOOR_PLAN,
                title="First floor, room and door numbers",
                classification=Classification.LAW_ENFORCEMENT_SENSITIVE,
                upload=_png(f"{short}-floor-1.png", _floor_plan(facility.name)),
                max_bytes=_DEMO_MAX_BYTES,
                change_note="Door numbers as painted on the doors",
            )
            added += 1
    return added

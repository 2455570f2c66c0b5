"""A new version that moves the family reunification site, rewrites a Markdown section and swaps a file: what
"What changed", the API's diff and the new-version e-mail must all report (issue 13, item 4)."""

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from consistency.fact_services import facility_facts_set
from plans import services
from plans.models import PlanVersion

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
OLD_SITE = "Lincoln Middle School gym"
NEW_SITE = "Fairbrook Recreation Center, 1200 Oak St"
# Markdown as planners write it: emphasis, a table and a list. The diff must show it rendered, never `**` or `|`.
OLD_REUNIFICATION = """Parents are sent to the **Lincoln Middle School gym** by text message.

| Role | Who |
| --- | --- |
| Lead | Principal |
| Check-in | Office staff |

- Bring photo ID
- Sign out each child
"""
NEW_REUNIFICATION = """Parents are sent to the **Fairbrook Recreation Center** by text message and radio.

| Role | Who |
| --- | --- |
| Lead | Assistant principal |
| Check-in | Office staff |
| Medical | School nurse |

- Bring photo ID
- Sign out each child
- Wait in the lobby until called
"""
EVACUATION = "Evacuate to the **north field**; teachers take the class roster."


def _sections(reunification: str) -> list[dict[str, str]]:
    return [
        {"key": "evacuation", "title": "Evacuation", "body": EVACUATION},
        {"key": "family-reunification", "title": "Family reunification", "body": reunification},
    ]


def attach(version: PlanVersion, actor, name: str, size: int = 0) -> None:
    services.attachment_add(
        version=version,
        actor=actor,
        upload=SimpleUploadedFile(name, PDF + b"%" * size, content_type="application/pdf"),
        max_bytes=10 * 1024 * 1024,
    )


@dataclass
class Moved:
    before: PlanVersion
    after: PlanVersion


def reunification_moved(county, *, publish_after: bool = True) -> Moved:
    """v2 (the county's draft, published) states the old site and holds old-map.pdf; v3 moves the site, rewrites
    the reunification annex and replaces old-map.pdf with reunification-map.pdf (published unless told not to)."""
    plan, planner, admin = county.plan, county.owner_planner, county.owner_admin
    services.plan_version_update_draft(version=county.draft, actor=planner, sections=_sections(OLD_REUNIFICATION))
    facility_facts_set(
        version=county.draft,
        facility=county.school,
        facts={"reunification_site": OLD_SITE, "radio_channel": "FD TAC-3"},
        actor=planner,
    )
    attach(county.draft, planner, "old-map.pdf")
    before = services.plan_version_publish(version=county.draft, actor=admin)

    after = services.plan_version_create_draft(plan=plan, actor=planner, change_summary="Reunification moved")
    services.plan_version_update_draft(version=after, actor=planner, sections=_sections(NEW_REUNIFICATION))
    facility_facts_set(
        version=after,
        facility=county.school,
        facts={
            "reunification_site": {"text": NEW_SITE, "latitude": 41.8801, "longitude": -87.6301},
            "radio_channel": "FD TAC-3",
        },
        actor=planner,
    )
    services.attachment_remove(attachment=after.attachments.get(filename="old-map.pdf"), actor=planner)
    attach(after, planner, "reunification-map.pdf", size=2048)
    if publish_after:
        after = services.plan_version_publish(version=after, actor=admin)
    return Moved(before=before, after=after)

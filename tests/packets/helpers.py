"""The county's school with what a field packet gathers: key facts, an SRO, a contact, a site map and a floor
plan; and the packet's PDF read back as text, page by page."""

from agencies.assignment_services import personnel_assignment_create
from agencies.contact_services import facility_contact_create
from agencies.models import AssignmentRole
from consistency.models import FactKey
from packets.services import field_packet_build, field_packet_request
from tests.buildings.helpers import add_document, pdf
from tests.consistency.helpers import publish_facts
from tests.plans.export_helpers import pdf_pages, squashed


def furnish(county) -> None:
    """Facts in the district's plan, the police officer as SRO, the principal to call, a map and a floor plan."""
    publish_facts(county.plan, county.owner_admin, {county.school: {FactKey.REUNIFICATION_SITE: "Riverside Church"}})
    county.plan.refresh_from_db()
    personnel_assignment_create(
        user=county.partner_view_member,
        agency=county.police,
        facility=county.school,
        role=AssignmentRole.SCHOOL_RESOURCE_OFFICER,
        actor=county.staff,
    )
    facility_contact_create(
        facility=county.school, actor=county.owner_admin, label="Principal", name="Dana Reyes", phone="+12175550142"
    )
    add_document(county, title="North site map")
    add_document(county, title="Ground floor plan", kind="floor_plan", upload=pdf())


def built(packet) -> None:
    """What the worker does with a requested packet (the Celery task is a call of this service)."""
    field_packet_build(packet_id=str(packet.pk))
    packet.refresh_from_db()


def made_packet(county, user):
    """The school's packet, asked for by `user` and made as the worker would."""
    packet = field_packet_request(facility=county.school, actor=user)
    built(packet)
    return packet


def packet_text(content: bytes) -> list[str]:
    return [squashed(page) for page in pdf_pages(content)]

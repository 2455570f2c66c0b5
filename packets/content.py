"""What one person's field packet of a building shows, gathered as that person (and that request's second
factor) would see it on the building's page: the key facts, the officers and numbers to call, the building's
documents, and every agency's current plan they may read, in full. Plans and documents whose content needs a
second factor the request did not pass are named as left out, never shown."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.utils import dateformat, timezone

from access.facilities import facility_contacts_visible, may_read_document
from access.plans import plan_access
from access.second_factor import may_read_content
from agencies.facility_page import KeyFact, key_facts_block
from agencies.models import AssignmentRole, Facility, FacilityContact, PersonnelAssignment
from agencies.selectors import assignments_at_facility
from buildings.models import BuildingDocument, BuildingDocumentVersion
from buildings.selectors import facility_documents
from consistency.fact_selectors import facility_facts_compared
from consistency.facts import degrees_text
from consistency.models import FactKey
from consistency.templatetags.key_facts import phone_display
from plans.export.document import MARKINGS, TIME_FORMAT, ExportDocument, export_document
from plans.models import Classification, Plan, PlanKind
from plans.selectors import facility_current_plans

Progress = Callable[[int, str], None]
# The packet's own pages (key facts, people, the index) show partner information at the least.
RANK = {Classification.PUBLIC: 0, Classification.PARTNER: 1, Classification.LAW_ENFORCEMENT_SENSITIVE: 2}
IMAGE_SCHEME = "concord-packet:"


@dataclass(frozen=True)
class PacketDocument:
    """A building document as the packet lists it (and, for an image, shows it on a page of its own)."""

    document_id: int
    version_id: int
    title: str
    kind: str
    agency: str
    classification: str
    marking: str
    number: int
    filename: str
    file_kind: str
    size: int
    sha256: str
    is_image: bool

    @property
    def sensitive(self) -> bool:
        return self.classification == Classification.LAW_ENFORCEMENT_SENSITIVE

    @property
    def image_url(self) -> str:
        return f"{IMAGE_SCHEME}{self.version_id}"

    @property
    def running_title(self) -> str:
        return f"{self.title} · v{self.number} · SHA-256 {self.sha256[:12]}…"


@dataclass(frozen=True)
class PacketFact:
    """One key fact: the value to act on, the plan that states it, and any agency's differing statement."""

    label: str
    text: str
    source: str
    differing: list[str]


def _fact_text(fact: Any) -> str:
    shown = phone_display(fact.text) if fact.key == FactKey.ONSITE_CONTACT_PHONE else fact.text
    if fact.latitude is not None and fact.longitude is not None:
        shown += f" ({degrees_text(fact.latitude)}, {degrees_text(fact.longitude)})"
    return str(shown)


def _packet_fact(item: KeyFact) -> PacketFact:
    return PacketFact(
        label=item.label,
        text=_fact_text(item.fact),
        source=f"{item.source.owner_agency.name}: {item.source.title}",
        differing=[f"{plan.owner_agency.name} ({plan.title}): {_fact_text(fact)}" for plan, fact in item.differing],
    )


@dataclass(frozen=True)
class Withheld:
    """A plan or document left out because its content needs a second factor the request did not pass."""

    title: str
    agency: str


@dataclass
class PacketContent:
    """Everything one packet shows, in the order a reader meets it."""

    facility: Facility
    reader_name: str
    at: datetime
    key_facts: list[PacketFact]
    fact_plans: list[Plan]
    sros: list[PersonnelAssignment]
    contacts: list[FacilityContact]
    documents: list[PacketDocument]
    plans: list[ExportDocument]
    withheld_plans: list[Withheld]
    withheld_documents: list[Withheld]
    images: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # url -> (bytes, media type)
    plan_versions: list[tuple[int, int]] = field(default_factory=list)

    @property
    def classification(self) -> str:
        """The packet's own pages: partner at least, law-enforcement sensitive if a sensitive plan states a fact."""
        stated = [plan.classification for plan in self.fact_plans] + [Classification.PARTNER]
        return max(stated, key=lambda level: RANK.get(Classification(level), 1))

    @property
    def sensitive(self) -> bool:
        return self.classification == Classification.LAW_ENFORCEMENT_SENSITIVE

    @property
    def marking(self) -> str:
        return MARKINGS[Classification(self.classification)]

    @property
    def reader_line(self) -> str:
        return f"Prepared for {self.reader_name} on {dateformat.format(self.at, TIME_FORMAT)}"

    @property
    def running_title(self) -> str:
        """Which copies the packet's own pages come from: each fact-stating plan's version and content hash."""
        sources = "; ".join(
            f"{plan.title} v{plan.current_version.number} SHA-256 {plan.current_version.content_sha256[:12]}…"
            for plan in self.fact_plans
            if plan.current_version is not None
        )
        return f"Field packet · {self.facility.name}" + (f" · facts from {sources}" if sources else "")

    @property
    def image_documents(self) -> list[PacketDocument]:
        return [document for document in self.documents if document.is_image]

    @property
    def document_versions(self) -> list[tuple[int, int]]:
        return [(document.document_id, document.version_id) for document in self.documents]


def _plans(user: User, facility: Facility) -> list[Plan]:
    """The building's current plans the user may see, the owner's crisis plan first (as on the building page)."""
    plans = list(
        facility_current_plans(user=user, facility=facility)
        .select_related("current_version__published_by")
        .order_by("owner_agency__name", "title", "pk")
    )
    plans.sort(key=lambda plan: (plan.owner_agency_id != facility.owner_agency_id, plan.kind != PlanKind.SCHOOL_EOP))
    return plans


def _packet_document(document: BuildingDocument, version: BuildingDocumentVersion) -> PacketDocument:
    return PacketDocument(
        document_id=document.pk,
        version_id=version.pk,
        title=document.title,
        kind=str(document.get_kind_display()),
        agency=document.owner_agency.name,
        classification=document.classification,
        marking=MARKINGS[Classification(document.classification)],
        number=version.number,
        filename=version.filename,
        file_kind=str(version.get_content_type_display()),
        size=version.size,
        sha256=version.sha256,
        is_image=version.is_image,
    )


def packet_content(*, user: User, facility: Facility, now: datetime, progress: Progress) -> PacketContent:
    """The packet's content as `user` may see it (`user` carries its request's second-factor mark)."""
    progress(10, "Reading the building's plans")
    visible = _plans(user, facility)
    readable = [plan for plan in visible if may_read_content(plan=plan, user=user)]
    withheld_plans = [Withheld(plan.title, plan.owner_agency.name) for plan in visible if plan not in readable]
    rows = facility_facts_compared(user=user, facility=facility, plans=readable)
    key_facts = key_facts_block(rows, readable)
    stating = {id(item.source) for item in key_facts} | {id(plan) for item in key_facts for plan, _ in item.differing}
    fact_plans = [plan for plan in readable if id(plan) in stating]
    current = [a for a in assignments_at_facility(facility=facility) if a.ended_on is None]

    progress(20, "Reading the building's documents")
    documents: list[PacketDocument] = []
    withheld_documents: list[Withheld] = []
    images: dict[str, tuple[bytes, str]] = {}
    for document in facility_documents(user=user, facility=facility).select_related("owner_agency"):
        if not may_read_document(document=document, user=user):
            withheld_documents.append(Withheld(document.title, document.owner_agency.name))
            continue
        file = document.current_version
        if file is None:
            continue
        item = _packet_document(document, file)
        documents.append(item)
        if item.is_image:
            with file.file.open("rb") as stored:
                images[item.image_url] = (stored.read(), file.content_type)
    documents.sort(key=lambda item: (item.agency != facility.owner_agency.name, item.kind, item.title))

    exports = []
    reader = user.get_full_name() or user.get_username()
    for index, plan in enumerate(readable):
        progress(25 + 25 * index // max(len(readable), 1), f"Reading {plan.title}")
        version = plan.current_version
        if version is None:
            continue
        version.plan = plan
        access = plan_access(user=user, plan=plan)
        exports.append(export_document(version=version, access=access, reader_name=reader, now=now))
    return PacketContent(
        facility=facility,
        reader_name=reader,
        at=timezone.localtime(now),
        key_facts=[_packet_fact(item) for item in key_facts],
        fact_plans=fact_plans,
        sros=[a for a in current if a.role == AssignmentRole.SCHOOL_RESOURCE_OFFICER],
        contacts=list(facility_contacts_visible(user=user, facility=facility)),
        documents=documents,
        plans=exports,
        withheld_plans=withheld_plans,
        withheld_documents=withheld_documents,
        images=images,
        plan_versions=[(plan.pk, plan.current_version_id) for plan in readable if plan.current_version_id],
    )

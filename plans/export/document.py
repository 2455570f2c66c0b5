"""What an exported copy of a version says, gathered once for every format: the plan's record, the version's
sections, key facts and attachments, its classification marking and, for law-enforcement-sensitive plans, who
exported it and when."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeString
from django.utils.text import slugify

from access.plans import PlanAccess
from agencies.models import Agency
from consistency.fact_selectors import version_facts_by_facility
from consistency.facts import degrees_text
from consistency.models import FactKey
from consistency.templatetags.key_facts import phone_display
from plans import selectors
from plans.models import Classification, PlanVersion, VersionState

# The marking every page carries, by classification (the words US agencies print on handling-restricted copies).
MARKINGS = {
    Classification.LAW_ENFORCEMENT_SENSITIVE: "LAW ENFORCEMENT SENSITIVE",
    Classification.PARTNER: "PARTNERS ONLY — NOT FOR PUBLIC RELEASE",
    Classification.PUBLIC: "PUBLIC",
}
PAPER_SIZES = {"letter": "Letter", "a4": "A4"}
NOT_PUBLISHED = "Draft — not published"
DATE_FORMAT = "j M Y"
TIME_FORMAT = "j M Y H:i T"


@dataclass(frozen=True)
class FactLine:
    label: str
    text: str


@dataclass(frozen=True)
class FactTable:
    """What the version states about one building."""

    facility: str
    facts: list[FactLine]


@dataclass(frozen=True)
class ExportSection:
    number: int
    title: str
    html: SafeString  # the Markdown body, sanitized, its headings below the section's own (h3 and down)


@dataclass(frozen=True)
class ExportAttachment:
    filename: str
    kind: str
    size: int
    sha256: str


@dataclass(frozen=True)
class ExportReader:
    """Who exported the copy, for which agency, and when (printed on every page of a sensitive copy)."""

    name: str
    agencies: str
    at: datetime

    @property
    def line(self) -> str:
        return f"Exported by {self.name} ({self.agencies}) on {dateformat.format(self.at, TIME_FORMAT)}"


@dataclass(frozen=True)
class ExportDocument:
    """Everything one exported copy shows, in the order a reader meets it."""

    plan_id: int
    title: str
    agency: str
    kind: str
    classification: str
    marking: str
    number: int
    state: str
    state_label: str
    published_at: datetime | None
    published_by: str
    content_sha256: str
    change_summary: str
    status_note: str
    facilities: list[str]
    next_review: date | None
    facts: list[FactTable]
    sections: list[ExportSection]
    attachments: list[ExportAttachment]
    reader: ExportReader
    caveat: str
    paper_size: str

    @property
    def sensitive(self) -> bool:
        return self.classification == Classification.LAW_ENFORCEMENT_SENSITIVE

    @property
    def published_label(self) -> str:
        if self.published_at is None:
            return NOT_PUBLISHED
        published = dateformat.format(timezone.localtime(self.published_at), DATE_FORMAT)
        return f"{published} by {self.published_by}" if self.published_by else published

    @property
    def sha_label(self) -> str:
        return self.content_sha256 or "None yet: a draft's content hash is fixed when it is published"

    @property
    def running_title(self) -> str:
        """The line at the foot of every page: which copy this is."""
        sha = f"SHA-256 {self.content_sha256[:12]}…" if self.content_sha256 else NOT_PUBLISHED
        return f"{self.title} · v{self.number} · {sha}"

    @property
    def footer_lines(self) -> list[str]:
        """The foot of every page: the reader's line (sensitive plans only), which copy, the marking."""
        return [*([self.reader.line] if self.sensitive else []), self.running_title]

    def filename(self, extension: str) -> str:
        return export_filename(self.title, self.number, extension)


def export_filename(title: str, number: int, extension: str) -> str:
    """A name that is safe in any header and file system: the title's slug and the version, e.g.
    `maple-valley-high-crisis-plan-v3.pdf`."""
    slug = slugify(title)[:80].strip("-") or "plan"
    return f"{slug}-v{number}.{extension}"


def _status_note(version: PlanVersion, is_current: bool) -> str:
    """Why a reader should not rely on this copy, if they should not."""
    if version.state == VersionState.DRAFT:
        return f"{NOT_PUBLISHED}: partners cannot see this draft, and it may still change."
    if version.state == VersionState.SUPERSEDED and version.superseded_at is not None:
        when = dateformat.format(timezone.localtime(version.superseded_at), DATE_FORMAT)
        return f"Superseded on {when}: this is not the current version of the plan."
    if version.state == VersionState.WITHDRAWN and version.withdrawn_at is not None:
        when = dateformat.format(timezone.localtime(version.withdrawn_at), DATE_FORMAT)
        return f"Withdrawn on {when}: do not rely on this version."
    return "" if is_current else "This is not the current version of the plan."


def _fact_text(key: str, text: str, latitude: Decimal | None, longitude: Decimal | None) -> str:
    shown = phone_display(text) if key == FactKey.ONSITE_CONTACT_PHONE else text
    if latitude is not None and longitude is not None:
        shown += f" ({degrees_text(latitude)}, {degrees_text(longitude)})"
    return shown


def _facts(version: PlanVersion) -> list[FactTable]:
    return [
        FactTable(
            facility=group.facility.name,
            facts=[
                FactLine(
                    label=str(fact.get_key_display()),
                    text=_fact_text(fact.key, fact.text, fact.latitude, fact.longitude),
                )
                for fact in group.facts.values()
            ],
        )
        for group in version_facts_by_facility(version=version)
    ]


def _reader(access: PlanAccess, user_name: str, now: datetime) -> ExportReader:
    """The reader and the agencies through which they read the plan (the owner, else the partners it is shared
    with, else, for a public plan, all of theirs)."""
    plan = access.plan
    if access.is_owner_member:
        names = [plan.owner_agency.name]
    else:
        ids = access.partner_agencies() or sorted(access.roles)
        names = list(Agency.objects.filter(pk__in=ids).order_by("name").values_list("name", flat=True)) if ids else []
    return ExportReader(name=user_name, agencies=", ".join(names) or "no agency", at=timezone.localtime(now))


def sensitive_caveat() -> str:
    """The handling caveat the plan pages show for sensitive plans, as plain text (one source: _sensitive.html)."""
    return re.sub(r"\s+", " ", strip_tags(render_to_string("plans/_sensitive.html"))).strip()


def export_document(*, version: PlanVersion, access: PlanAccess, reader_name: str, now: datetime) -> ExportDocument:
    """Everything an export of `version` shows (the caller has checked that the reader may see it).

    `version.plan` must be `access.plan` with its owner agency loaded; a fixed number of queries: facilities,
    sections, facts, attachments and, for a partner, the names of their agencies."""
    plan = access.plan
    sensitive = plan.classification == Classification.LAW_ENFORCEMENT_SENSITIVE
    paper = PAPER_SIZES[settings.EXPORT_PAPER_SIZE]
    published_by = version.published_by.get_username() if version.published_by is not None else ""
    return ExportDocument(
        plan_id=plan.pk,
        title=plan.title,
        agency=plan.owner_agency.name,
        kind=str(plan.get_kind_display()),
        classification=plan.classification,
        marking=MARKINGS.get(Classification(plan.classification), str(plan.classification).upper()),
        number=version.number,
        state=version.state,
        state_label=str(version.get_state_display()),
        published_at=version.published_at,
        published_by=published_by,
        content_sha256=version.content_sha256,
        change_summary=version.change_summary,
        status_note=_status_note(version, is_current=version.pk == plan.current_version_id),
        facilities=[f"{f.name}, {f.address}" if f.address else f.name for f in plan.facilities.all()],
        next_review=plan.next_review_due,
        facts=_facts(version),
        sections=[
            ExportSection(number=i, title=s.title, html=s.html)
            for i, s in enumerate(selectors.version_sections_shown(version=version), 1)
        ],
        attachments=[
            ExportAttachment(filename=a.filename, kind=str(a.get_content_type_display()), size=a.size, sha256=a.sha256)
            for a in selectors.attachments_of_version(version=version)
        ],
        reader=_reader(access, reader_name, now),
        caveat=sensitive_caveat() if sensitive else "",
        paper_size=paper,
    )

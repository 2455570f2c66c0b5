"""An agency's recent plan changes as OASIS CAP 1.2 alerts, delivered as an Atom feed of inline CAP alerts.

CAP has no container for several alerts; alerting systems read them from an Atom feed whose entries carry
each `<alert>` as `application/cap+xml` content (RFC 4287 §4.1.3: an XML media type is inline XML).
Nothing sensitive is said: titles only of plans the agency may see, and a neutral headline for
law-enforcement-sensitive plans.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from django.conf import settings
from django.urls import reverse

from agencies.models import Agency
from plans.models import PlanVersion

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_MEDIA_TYPE = "application/atom+xml"
CAP_MEDIA_TYPE = "application/cap+xml"
ET.register_namespace("", ATOM_NS)
ET.register_namespace("cap", CAP_NS)

Absolute = Callable[[str], str]


def cap_time(moment: datetime) -> str:
    """CAP 1.2 dateTime: seconds, an explicit offset, and UTC written as -00:00 (never "Z")."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S-00:00")


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "concord"


def sender() -> str:
    return f"concord@{_host()}"


@dataclass(frozen=True)
class PlanChangeAlert:
    """One CAP alert: a version published (Alert for the first, Update after) or withdrawn (Cancel)."""

    version: PlanVersion
    withdrawn: bool

    @property
    def sent(self) -> datetime:
        moment = self.version.withdrawn_at if self.withdrawn else self.version.published_at
        if moment is None:
            raise ValueError("a version that was never published or withdrawn raises no alert")
        return moment

    @property
    def identifier(self) -> str:
        event = "withdrawn" if self.withdrawn else "published"
        return f"concord-{_host()}-plan{self.version.plan_id}-v{self.version.number}-{event}"

    @property
    def msg_type(self) -> str:
        if self.withdrawn:
            return "Cancel"
        return "Update" if self.version.number > 1 else "Alert"

    def references(self) -> str | None:
        """Cancel names the alert of the same version's publication (sender,identifier,sent)."""
        if not self.withdrawn or self.version.published_at is None:
            return None
        published = PlanChangeAlert(self.version, withdrawn=False)
        return f"{sender()},{published.identifier},{cap_time(published.sent)}"


def alerts_of(versions: Iterable[PlanVersion], since: datetime) -> list[PlanChangeAlert]:
    """The publication and withdrawal events since `since`, newest first."""
    alerts = []
    for version in versions:
        if version.published_at and version.published_at >= since:
            alerts.append(PlanChangeAlert(version, withdrawn=False))
        if version.withdrawn_at and version.withdrawn_at >= since:
            alerts.append(PlanChangeAlert(version, withdrawn=True))
    return sorted(alerts, key=lambda alert: (alert.sent, alert.identifier), reverse=True)


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{CAP_NS}}}{tag}")
    element.text = value
    return element


def _wording(alert: PlanChangeAlert) -> tuple[str, str, str]:
    """Event, headline and description; a law-enforcement-sensitive plan is not named."""
    plan = alert.version.plan
    number = alert.version.number
    change = "withdrawn" if alert.withdrawn else "published"
    event = "Response plan withdrawn" if alert.withdrawn else "Response plan updated"
    if plan.is_law_enforcement_sensitive:
        headline = f"A law-enforcement-sensitive plan: version {number} {change}"
        description = (
            f"Version {number} of a law-enforcement-sensitive response plan was {change}. "
            "Sign in to Concord to read it."
        )
    else:
        headline = f"{plan.title}: version {number} {change}"[:160]
        description = (
            f"Version {number} of the response plan “{plan.title}” ({plan.owner_agency.name}) was {change}. "
            "Sign in to Concord to read it."
        )
    return event, headline, description


def cap_alert(alert: PlanChangeAlert, agency: Agency, absolute: Absolute) -> ET.Element:
    """One `<alert>` in CAP 1.2's element order (the schema's xs:sequence)."""
    root = ET.Element(f"{{{CAP_NS}}}alert")
    _text(root, "identifier", alert.identifier)
    _text(root, "sender", sender())
    _text(root, "sent", cap_time(alert.sent))
    _text(root, "status", "Actual")
    _text(root, "msgType", alert.msg_type)
    _text(root, "scope", "Restricted")
    _text(root, "restriction", f"For {agency.name} and its alerting systems only; not for public release.")
    references = alert.references()
    if references:
        _text(root, "references", references)
    info = ET.SubElement(root, f"{{{CAP_NS}}}info")
    event, headline, description = _wording(alert)
    _text(info, "language", "en-US")
    _text(info, "category", "Safety")
    _text(info, "event", event)
    _text(info, "responseType", "None")
    # An informational change to a plan: nothing is happening now, and it did happen.
    _text(info, "urgency", "Unknown")
    _text(info, "severity", "Minor")
    _text(info, "certainty", "Observed")
    _text(info, "senderName", "Concord")
    _text(info, "headline", headline)
    _text(info, "description", description)
    _text(info, "web", absolute(reverse("plans:detail", args=[alert.version.plan_id])))
    return root


def atom_feed(alerts: list[PlanChangeAlert], agency: Agency, self_url: str, absolute: Absolute) -> bytes:
    """The Atom document: one entry per alert, the CAP alert inline as its content."""
    feed = ET.Element(f"{{{ATOM_NS}}}feed")

    def atom(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attributes)
        element.text = text
        return element

    atom(feed, "id", self_url)
    atom(feed, "title", f"Concord plan changes for {agency.name}")
    updated = alerts[0].sent if alerts else agency.created_at
    atom(feed, "updated", updated.astimezone(UTC).isoformat())
    atom(feed, "link", rel="self", href=self_url)
    author = atom(feed, "author")
    atom(author, "name", "Concord")
    for alert in alerts:
        entry = atom(feed, "entry")
        element = cap_alert(alert, agency, absolute)
        atom(entry, "id", f"urn:concord:{alert.identifier}")
        atom(entry, "title", element.findtext(f"{{{CAP_NS}}}info/{{{CAP_NS}}}headline") or "")
        atom(entry, "updated", alert.sent.astimezone(UTC).isoformat())
        atom(entry, "link", href=element.findtext(f"{{{CAP_NS}}}info/{{{CAP_NS}}}web") or self_url)
        content = atom(entry, "content", type=CAP_MEDIA_TYPE)
        content.append(element)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)

"""CAP 1.2's structure (OASIS CAP-V1.2, the XSD's xs:sequence of `alert` and `info`), checked with ElementTree.

No XSD is available offline, so this transcribes what the schema requires of the elements we write: their
order, how often each may occur, the enumerations, and the dateTime form (no "Z", no fractions).
"""

import re
from xml.etree import ElementTree as ET

from feeds.cap import CAP_NS

N = f"{{{CAP_NS}}}"
MANY = 10**6
# (element, least, most) in schema order.
ALERT = [
    ("identifier", 1, 1),
    ("sender", 1, 1),
    ("sent", 1, 1),
    ("status", 1, 1),
    ("msgType", 1, 1),
    ("source", 0, 1),
    ("scope", 1, 1),
    ("restriction", 0, 1),
    ("addresses", 0, 1),
    ("code", 0, MANY),
    ("note", 0, 1),
    ("references", 0, 1),
    ("incidents", 0, 1),
    ("info", 0, MANY),
]
INFO = [
    ("language", 0, 1),
    ("category", 1, MANY),
    ("event", 1, 1),
    ("responseType", 0, MANY),
    ("urgency", 1, 1),
    ("severity", 1, 1),
    ("certainty", 1, 1),
    ("audience", 0, 1),
    ("eventCode", 0, MANY),
    ("effective", 0, 1),
    ("onset", 0, 1),
    ("expires", 0, 1),
    ("senderName", 0, 1),
    ("headline", 0, 1),
    ("description", 0, 1),
    ("instruction", 0, 1),
    ("web", 0, 1),
    ("contact", 0, 1),
    ("parameter", 0, MANY),
    ("resource", 0, MANY),
    ("area", 0, MANY),
]
ENUMS = {
    "status": {"Actual", "Exercise", "System", "Test", "Draft"},
    "msgType": {"Alert", "Update", "Cancel", "Ack", "Error"},
    "scope": {"Public", "Restricted", "Private"},
    "category": {"Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra"}
    | {"CBRNE", "Other"},
    "responseType": {"Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None"},
    "urgency": {"Immediate", "Expected", "Future", "Past", "Unknown"},
    "severity": {"Extreme", "Severe", "Moderate", "Minor", "Unknown"},
    "certainty": {"Observed", "Likely", "Possible", "Unlikely", "Unknown"},
}
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$")
# identifier and sender: no spaces, commas or restricted characters (< and &).
TOKEN = re.compile(r"^[^\s,<&]+$")


def _check_sequence(element: ET.Element, sequence: list[tuple[str, int, int]]) -> list[str]:
    problems = []
    children = list(element)
    position = 0
    for name, least, most in sequence:
        count = 0
        while position < len(children) and children[position].tag == N + name:
            count += 1
            position += 1
        if not least <= count <= most:
            problems.append(f"{element.tag}: {name} occurs {count} times, allowed {least}..{most}")
    problems += [f"{element.tag}: unexpected or misplaced {child.tag}" for child in children[position:]]
    for child in children:
        name = child.tag.removeprefix(N)
        if name in ENUMS and child.text not in ENUMS[name]:
            problems.append(f"{name} {child.text!r} is not one of CAP's values")
    return problems


def cap_problems(alert: ET.Element) -> list[str]:
    """Every way `alert` departs from CAP 1.2's structure (empty when it conforms)."""
    if alert.tag != N + "alert":
        return [f"root is {alert.tag}, not a CAP 1.2 alert"]
    problems = _check_sequence(alert, ALERT)
    for name in ("identifier", "sender"):
        if not TOKEN.match(alert.findtext(N + name) or ""):
            problems.append(f"{name} has spaces, commas or restricted characters")
    if not DATETIME.match(alert.findtext(N + "sent") or ""):
        problems.append("sent is not a CAP dateTime")
    if alert.findtext(N + "scope") == "Restricted" and not alert.findtext(N + "restriction"):
        problems.append("a Restricted alert needs its restriction")
    references = alert.findtext(N + "references")
    if references:
        for reference in references.split():
            sender, identifier, sent = reference.split(",")
            if not (TOKEN.match(sender) and TOKEN.match(identifier) and DATETIME.match(sent)):
                problems.append(f"reference {reference!r} is not sender,identifier,sent")
    for info in alert.findall(N + "info"):
        problems += _check_sequence(info, INFO)
    return problems

"""Default section structures: the federal school EOP guide (2013) for school plans, a short one otherwise."""

from plans.models import PlanKind

_ANNEX_PROMPT = (
    "Goals before, during and after an incident; objectives; courses of action; who does what, with what resources."
)

SCHOOL_EOP_SECTIONS: list[tuple[str, str, str]] = [
    (
        "introductory-material",
        "Introductory material",
        "Promulgation and approval; record of changes; record of distribution.",
    ),
    (
        "purpose-situation",
        "Purpose, scope, situation overview and assumptions",
        "Why the plan exists, which buildings and people it covers, the threats and hazards assessed.",
    ),
    ("concept-of-operations", "Concept of operations", "How the school responds, overall."),
    (
        "organization-responsibilities",
        "Organization and assignment of responsibilities",
        "Roles of staff, students, families and first responders.",
    ),
    (
        "direction-control",
        "Direction, control and coordination",
        "Incident command: who is in charge, how the school works with responders.",
    ),
    ("information-collection", "Information collection, analysis and dissemination", ""),
    ("training-exercises", "Training and exercises", "Drills, tabletop exercises and their schedule."),
    ("administration-logistics", "Administration, finance and logistics", ""),
    (
        "plan-maintenance",
        "Plan development and maintenance",
        "Reviewed with all partners at least yearly; no part left more than two years.",
    ),
    ("authorities-references", "Authorities and references", ""),
    ("annex-communications", "Functional annex: Communications and warning", _ANNEX_PROMPT),
    ("annex-evacuation", "Functional annex: Evacuation", _ANNEX_PROMPT),
    ("annex-shelter-in-place", "Functional annex: Shelter-in-place", _ANNEX_PROMPT),
    ("annex-lockdown", "Functional annex: Lockdown", _ANNEX_PROMPT),
    ("annex-accounting", "Functional annex: Accounting for all persons", _ANNEX_PROMPT),
    ("annex-reunification", "Functional annex: Family reunification", _ANNEX_PROMPT),
    ("annex-continuity", "Functional annex: Continuity of operations", _ANNEX_PROMPT),
    ("annex-recovery", "Functional annex: Recovery", _ANNEX_PROMPT),
    ("annex-health", "Functional annex: Public health, medical and mental health", _ANNEX_PROMPT),
    ("annex-security", "Functional annex: Security", _ANNEX_PROMPT),
    ("hazard-active-threat", "Threat annex: Active threat", _ANNEX_PROMPT),
    ("hazard-fire", "Hazard annex: Fire", _ANNEX_PROMPT),
    ("hazard-severe-weather", "Hazard annex: Severe weather", _ANNEX_PROMPT),
    ("hazard-hazmat", "Hazard annex: Hazardous materials", _ANNEX_PROMPT),
]

GENERIC_SECTIONS: list[tuple[str, str, str]] = [
    ("purpose-scope", "Purpose and scope", ""),
    ("concept-of-operations", "Concept of operations", ""),
    ("responsibilities", "Roles and responsibilities", ""),
    ("communications", "Communications", ""),
    ("plan-maintenance", "Plan maintenance", "Review interval and who maintains this plan."),
]


def default_sections(*, plan_kind: str) -> list[dict[str, str]]:
    """The starting sections for a plan's first draft."""
    rows = SCHOOL_EOP_SECTIONS if plan_kind == PlanKind.SCHOOL_EOP else GENERIC_SECTIONS
    return [{"key": key, "title": title, "body": body} for key, title, body in rows]

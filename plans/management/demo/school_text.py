"""Section text of the demo school crisis plans, written from each school's key facts."""

from collections.abc import Callable

from agencies.models import FacilityKind
from plans.management.demo.county import CATHOLIC, HSD211, SD58, SchoolFacts
from plans.section_outlines import SCHOOL_EOP_SECTIONS

SectionData = dict[str, str]

OWNER_NAMES = {
    SD58: "Fairbrook School District 58",
    HSD211: "Fairbrook Township High School District 211",
    CATHOLIC: "Fairbrook Deanery Catholic Schools",
}
PARTNERS = (
    "Fairbrook Police Department (School Services Unit and all patrol shifts), Fairbrook Fire Protection District, "
    "Lindell County Ambulance District and Lindell County Office of Emergency Management"
)


def _level(f: SchoolFacts) -> str:
    return {
        FacilityKind.HIGH_SCHOOL: "high",
        FacilityKind.MIDDLE_SCHOOL: "middle",
    }.get(f.school.kind, "elementary")


def _introductory(f: SchoolFacts, sro: str, history: list[str]) -> str:
    rows = "\n".join(f"| {n} | {change} | {f.school.principal} |" for n, change in enumerate(history, 1))
    return (
        f"**Promulgation.** This plan is approved by {OWNER_NAMES[f.school.owner]} and by {f.school.principal}, "
        "Principal, and supersedes every earlier version. Staff read it at the start of each school year.\n\n"
        f"**Record of changes**\n\n| Version | Change | Approved by |\n| --- | --- | --- |\n{rows}\n\n"
        f"**Record of distribution.** Published through Concord to {PARTNERS}. Printed copies: main office, "
        f"the alternate command post, both go-kits, and the SRO ({sro})."
    )


def _purpose(f: SchoolFacts, sro: str, history: list[str]) -> str:
    s = f.school
    events = {
        "high": "athletic events, performances and summer school",
        "middle": "after-school clubs, sports and evening events",
        "elementary": "before- and after-care, PTO events and summer camp",
    }[_level(f)]
    return (
        f"This plan covers {s.name}, {s.address} (grades {s.grades}, about {s.enrollment} students and {f.staff} "
        f"staff) during the school day and during {events}.\n\n"
        f"**Situation.** A {'two-story' if f.stories == 2 else 'single-story'} building with {f.exterior_doors} "
        f"exterior doors, numbered clockwise from the main entrance ({f.main_entrance}). {f.nearby_hazard}.\n\n"
        "**Threats and hazards assessed** with the SRO and the fire marshal, highest risk first: medical emergency; "
        "severe weather (tornado, extreme heat); fire; intruder or active threat; hazardous materials release; "
        "utility failure; missing student.\n\n"
        "**Assumptions.** Police arrive within 4 minutes of a 911 call and fire/EMS within 6; staff act before "
        "responders arrive; parents will come to the school unless told where to go."
    )


def _concept(f: SchoolFacts, sro: str, history: list[str]) -> str:
    return (
        "Any staff member who sees a threat calls the protective action (evacuate, lockdown, secure, "
        "shelter-in-place or hold) and calls 911, without waiting for permission.\n\n"
        f"1. The principal or designee takes charge at the school command post: {f.school_command_post}.\n"
        f"2. Responders set up the incident command post at the {f.command_post}; the principal joins unified "
        "command there with the building floor plan, the door key ring and the attendance report.\n"
        "3. Students are accounted for, released only through reunification, and the building reopens only after "
        "the fire district and the police clear it."
    )


def _organization(f: SchoolFacts, sro: str, history: list[str]) -> str:
    return (
        f"- **Principal ({f.school.principal})**: incident commander until responders arrive; approves "
        "protective actions and messages to families.\n"
        "- **Assistant principal / designee**: operations; runs the accountability table.\n"
        "- **Main office**: calls 911, makes the PA announcement, brings the visitor log and go-kit.\n"
        f"- **Custodians**: utilities ({f.utility_shutoffs}); meet the fire department at the Knox box "
        f"({f.knox_box}).\n"
        f"- **Nurse**: triage and medications; AEDs are in the {f.aed_locations}.\n"
        "- **Teachers**: carry out the action, take the class roster, report with the green/red card.\n"
        f"- **School Resource Officer ({sro}, Fairbrook PD)**: first police contact, briefs arriving units "
        "at the command post, holds the master key set for responders.\n"
        "- **Families**: follow district messages; do not come to the building during an incident."
    )


def _direction(f: SchoolFacts, sro: str, history: list[str]) -> str:
    return (
        "The school uses the Incident Command System. On arrival, the ranking police officer (law-enforcement "
        "incident) or the fire battalion chief (fire, hazmat, rescue) assumes command and forms unified command "
        f"with the principal at the {f.command_post}. The district office sends its crisis team and public "
        "information officer; Lindell County OEM supports with buses, shelters and mutual aid on request."
    )


def _information(f: SchoolFacts, sro: str, history: list[str]) -> str:
    return (
        "- Weather: NOAA weather radio in the main office; the county's outdoor sirens are tested the first "
        "Tuesday of each month at 10:00.\n"
        "- Threats: the building threat assessment team (principal, counselor, SRO, social worker) reviews every "
        "report the same day, including tips from the Fairbrook SpeakUp line.\n"
        f"- Video: {f.cameras} cameras; Fairbrook PD can view them live from the command post and from dispatch."
    )


def _training(f: SchoolFacts, sro: str, history: list[str]) -> str:
    drills = "3 evacuation drills (1 with the fire district), 1 bus evacuation drill, 1 severe-weather drill"
    return (
        f"- Each school year: {drills}, and 1 law-enforcement lockdown drill with the SRO within the first 90 days.\n"
        "- August: all-staff training on this plan, Stop the Bleed, and the lockdown/evacuate decision.\n"
        "- Yearly tabletop exercise with Fairbrook PD, the fire district and the ambulance district; the annual "
        "active-threat training of the police department may use this building in summer."
    )


def _administration(f: SchoolFacts, sro: str, history: list[str]) -> str:
    return (
        "Two go-kits (main office and alternate command post): floor plans with door numbers, class lists, "
        "master keys, vests, radios, flashlights, bleeding-control kit, student medication list. Expenses during "
        "an incident are logged on the district's incident cost form; purchases over $5,000 need the "
        "superintendent's approval."
    )


def _maintenance(f: SchoolFacts, sro: str, history: list[str]) -> str:
    return (
        "The building safety team reviews this plan each summer with the SRO, the fire marshal's office and the "
        "ambulance district, and after every drill debrief or real incident. No part goes more than two years "
        "without review. Each update is published in Concord, and partners acknowledge the current version."
    )


def _authorities(f: SchoolFacts, sro: str, history: list[str]) -> str:
    return (
        "- State School Safety Drill Act and its rules\n"
        "- Guide for Developing High-Quality School Emergency Operations Plans (2013)\n"
        "- National Incident Management System (NIMS)\n"
        f"- {OWNER_NAMES[f.school.owner]} Board Policy 4:170, Safety\n"
        "- Fairbrook Police Department Active Threat Response Plan"
    )


def _communications(f: SchoolFacts, sro: str, history: list[str]) -> str:
    return (
        f"- **Inside the building**: PA system; staff radios on {f.district_radio}.\n"
        f"- **With responders**: county interoperability talkgroup **{f.talkgroup}** on the LINCOM P25 system; "
        "the principal's radio and the SRO's radio both carry it.\n"
        "- **Families**: text, e-mail and phone alerts from the district office only; no staff or student posts.\n"
        "- **Media**: staged at the district office; only the district spokesperson and the police PIO speak."
    )


def _evacuation(f: SchoolFacts, sro: str, history: list[str]) -> str:
    steps = [
        f"- On-site assembly area: {f.assembly_area}.",
        f"- Off-site evacuation site (walk, or buses from the district garage): {f.offsite_evacuation}.",
        "- Teachers take the roster and go-bag, close doors, and report with the green/red card.",
    ]
    if f.stories == 2:
        steps.append("- Evacuation chairs at both stairwells for students who cannot use stairs.")
    goal = "**Goal**: everyone out and accounted for within 4 minutes of the alarm or announcement."
    return goal + "\n\n" + "\n".join(steps)


def _shelter(f: SchoolFacts, sro: str, history: list[str]) -> str:
    return (
        "**Hazmat shelter-in-place** (directed by the fire district or OEM): bring everyone inside, close windows "
        "and doors, custodian shuts down HVAC with the emergency stop in the main office, classes stay in rooms.\n\n"
        f"**Severe weather shelter areas**: {f.shelter_areas}."
    )


def _lockdown(f: SchoolFacts, sro: str, history: list[str]) -> str:
    return (
        f"**Signal**: {f.lockdown_signal} The office calls 911 and the SRO.\n\n"
        "- Lock the door, lights off, everyone out of sight and silent; do not open the door for anyone.\n"
        "- Students in hallways or restrooms go to the nearest classroom; outdoor classes go to the off-site "
        "evacuation site.\n"
        "- Ignore a fire alarm unless there is smoke or fire in sight.\n"
        "- Only police release rooms, one at a time, with a key; a PA announcement alone does not end a lockdown."
    )


def _accounting(f: SchoolFacts, sro: str, history: list[str]) -> str:
    return (
        "Teachers take attendance at the assembly area or in the room and hold up a green card (all present) or a "
        "red card (missing or extra students), then send the roster sheet to the accountability table. The office "
        "brings the visitor and substitute log; the nurse reports injured students sent with EMS."
    )


def _reunification(f: SchoolFacts, sro: str, history: list[str]) -> str:
    return (
        f"- **Primary reunification site**: {f.reunification_site}.\n"
        f"- **Alternate**: {f.reunification_alternate}.\n"
        "- Families are told the site by district alert only; students travel by district bus with their teacher "
        "and roster.\n"
        "- Request/release: the parent fills a request card and shows ID at the request gate; students are "
        "brought to the release gate; every release is logged.\n"
        "- Fairbrook PD runs traffic control and security at the site; the district crisis team runs the process."
    )


def _continuity(f: SchoolFacts, sro: str, history: list[str]) -> str:
    return (
        "If the building is closed for more than a day: instruction moves to remote learning within 2 days and "
        "to space at a sister school within 5; payroll, food service and transportation continue from the "
        "district office. Student records are backed up nightly to the district's hosted system."
    )


def _recovery(f: SchoolFacts, sro: str, history: list[str]) -> str:
    return (
        "The district crisis team and counselors are in the building from the first school day after the "
        "incident. The building reopens after a walkthrough with the fire marshal and facilities. Families receive "
        "a written update within 24 hours; staff debrief within a week and the plan is revised."
    )


def _health(f: SchoolFacts, sro: str, history: list[str]) -> str:
    return (
        f"- AEDs: {f.aed_locations}; bleeding-control kits in every classroom and at each AED.\n"
        f"- EMS enters through the fire/EMS staging area ({f.fire_staging}); the nurse meets them with the "
        "injured students' names and medications.\n"
        "- Mental health: counselors and the district's psychologist provide psychological first aid."
    )


def _security(f: SchoolFacts, sro: str, history: list[str]) -> str:
    return (
        f"- Single visitor entrance: {f.main_entrance}; every other door stays locked and closed.\n"
        f"- Door numbers are posted on the outside of all {f.exterior_doors} exterior doors and on the floor "
        "plans shared with responders.\n"
        f"- Knox box {f.knox_box}; {f.cameras} cameras; the SRO walks the perimeter at arrival and dismissal."
    )


def _active_threat(f: SchoolFacts, sro: str, history: list[str]) -> str:
    return (
        "**Before**: the SRO and Fairbrook PD patrol walk the building each semester; staff are trained to decide "
        "between lockdown and evacuation.\n\n"
        "**During**: lockdown (or evacuate away from the threat). Responding units:\n\n"
        f"- Incident command post: {f.command_post}\n"
        f"- Police staging: {f.police_staging}\n"
        f"- Fire/EMS staging and rescue task force form-up: {f.fire_staging}\n"
        f"- Radio: {f.talkgroup}\n\n"
        "**After**: reunification as in the reunification annex; the building is a crime scene until released."
    )


def _fire(f: SchoolFacts, sro: str, history: list[str]) -> str:
    return (
        "Fire alarm → evacuate to the assembly area. The office calls 911 even when the alarm is monitored. "
        f"The fire district enters at {f.main_entrance} and uses the Knox box ({f.knox_box}); the fire alarm "
        "annunciator panel is in the main office vestibule. Re-entry only on the fire officer's word."
    )


def _severe_weather(f: SchoolFacts, sro: str, history: list[str]) -> str:
    return (
        f"Tornado warning or siren → shelter in place: {f.shelter_areas}; crouch facing the wall, hands over heads. "
        "Thunderstorm within 10 miles → all outdoor activity inside for 30 minutes after the last thunder. "
        "Heat index over 100 °F → no outdoor recess or practice."
    )


def _hazmat(f: SchoolFacts, sro: str, history: list[str]) -> str:
    return (
        f"{f.nearby_hazard}. On notice from the fire district or OEM, shelter in place (see the shelter-in-place "
        "annex) or evacuate as directed, upwind, to the off-site evacuation site or by bus. Never evacuate toward "
        "the release."
    )


_RENDERERS: dict[str, Callable[[SchoolFacts, str, list[str]], str]] = {
    "introductory-material": _introductory,
    "purpose-situation": _purpose,
    "concept-of-operations": _concept,
    "organization-responsibilities": _organization,
    "direction-control": _direction,
    "information-collection": _information,
    "training-exercises": _training,
    "administration-logistics": _administration,
    "plan-maintenance": _maintenance,
    "authorities-references": _authorities,
    "annex-communications": _communications,
    "annex-evacuation": _evacuation,
    "annex-shelter-in-place": _shelter,
    "annex-lockdown": _lockdown,
    "annex-accounting": _accounting,
    "annex-reunification": _reunification,
    "annex-continuity": _continuity,
    "annex-recovery": _recovery,
    "annex-health": _health,
    "annex-security": _security,
    "hazard-active-threat": _active_threat,
    "hazard-fire": _fire,
    "hazard-severe-weather": _severe_weather,
    "hazard-hazmat": _hazmat,
}


def school_sections(facts: SchoolFacts, *, sro: str, history: list[str]) -> list[SectionData]:
    """A school crisis plan in the federal school EOP structure, written from the school's key facts."""
    return [
        {"key": key, "title": title, "body": _RENDERERS[key](facts, sro, history)}
        for key, title, _prompt in SCHOOL_EOP_SECTIONS
    ]

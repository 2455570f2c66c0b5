"""Section text of the demo agencies' own plans: police, ambulance, emergency management, district."""

SectionData = dict[str, str]


def _sections(*rows: tuple[str, str, str]) -> list[SectionData]:
    return [{"key": key, "title": title, "body": body} for key, title, body in rows]


def active_threat_sections(*, revised: bool) -> list[SectionData]:
    """The police department's law-enforcement-sensitive active threat response plan."""
    rtf = (
        "A rescue task force (2 officers, 2 fire/EMS) enters the warm zone as soon as a corridor is cleared; "
        "the casualty collection point is set at the nearest cleared exterior door, named by door number."
        if revised
        else "Fire/EMS stay in staging until the incident commander declares the building secure."
    )
    rows = [
        (
            "purpose-scope",
            "Purpose and scope",
            "How every Fairbrook PD officer responds to an active threat in the village, with particular "
            "procedures for the 19 public and private schools. Law-enforcement sensitive: not for public release.",
        ),
        (
            "concept-of-operations",
            "Concept of operations",
            "Priorities: stop the killing, stop the dying, then evacuate and reunify.\n\n"
            "- The first officers on scene form a contact team and go to the threat; no one waits for the Special "
            "Response Team.\n"
            f"- {rtf}\n"
            "- Later units set the perimeter, evacuate the building room by room and hand students to school staff.",
        ),
        (
            "schools",
            "School buildings",
            "The school's current crisis plan in Concord is the reference for each building: door numbers, "
            "incident command post, police and fire staging, radio talkgroup and reunification site. The SRO of the "
            "building (or the on-duty school-services sergeant) briefs the first units at the command post and "
            "brings the master keys. Patrol officers read the current plan of each school on their beat and "
            "acknowledge it in Concord.",
        ),
        (
            "command",
            "Command and coordination",
            "The first supervisor on scene establishes command at the command post named in the school's plan and "
            "forms unified command with the fire battalion chief and the principal. The Lindell County OEM duty "
            "officer coordinates mutual aid, buses and the reunification site; the police PIO and the district "
            "spokesperson release information together.",
        ),
        (
            "communications",
            "Communications",
            "Dispatch moves the incident to FBK PD TAC 2; the contact teams stay on TAC 2 and command patches to "
            "the school's LC SCHOOLS talkgroup. Fire/EMS stay on FPD FIREGROUND 3 with a liaison at the command post."
            + (" Since the LINCOM rebanding, Fairbrook High School uses LC SCHOOLS 5." if revised else ""),
        ),
        (
            "reunification",
            "Reunification support",
            "Officers secure the reunification site named in the school's plan, run traffic control on the access "
            "roads and keep families away from the incident scene. No student is released at the scene.",
        ),
        (
            "training",
            "Training",
            "Every officer trains each year for an active-killer event, usually inside a school building during "
            "summer break. The Special Response Team trains the rest of the department and, each August, school "
            "staff in every district."
            + (" This year's exercise was held with the fire district at Riverside High School." if revised else ""),
        ),
        (
            "plan-maintenance",
            "Plan maintenance",
            "The emergency planning lieutenant reviews this plan yearly and after every exercise, and publishes it "
            "in Concord to the school districts, who hold the schools' side of it.",
        ),
    ]
    return _sections(*rows)


def mutual_aid_sections() -> list[SectionData]:
    """The county's public mutual aid and resource request plan."""
    return _sections(
        (
            "purpose-scope",
            "Purpose and scope",
            "How agencies in Lindell County ask for and provide personnel and equipment when an incident exceeds "
            "their own resources. Covers every signatory of the Lindell County Intergovernmental Mutual Aid "
            "Agreement: 14 municipalities, 9 fire districts, the ambulance district and 22 school systems.",
        ),
        (
            "concept-of-operations",
            "Concept of operations",
            "1. The incident commander requests resources through Lindell County 911 using the box alarm cards.\n"
            "2. Requests beyond the box alarm go to the OEM duty officer (24/7, (630) 555-0181), who fills them "
            "from the county resource inventory or asks the state.\n"
            "3. Responding resources check in at the staging area named by the incident commander and work under "
            "that command.",
        ),
        (
            "responsibilities",
            "Roles and responsibilities",
            "- Requesting agency: command, staging, feeding and relief of resources after 12 hours.\n"
            "- Providing agency: self-sufficient crews for the first 12 hours.\n"
            "- OEM: tracking, state requests, Emergency Operations Center activation.",
        ),
        (
            "communications",
            "Communications",
            "LINCOM P25 talkgroups LC MUTUAL AID 1-4; the state interoperability channels as a fallback.",
        ),
        (
            "finance",
            "Reimbursement",
            "No reimbursement for the first 12 hours; after that, at the providing agency's posted rates, "
            "documented on ICS-214 unit logs.",
        ),
        ("plan-maintenance", "Plan maintenance", "Reviewed every year at the county chiefs' meeting in January."),
    )


def hazmat_sections() -> list[SectionData]:
    """The county's public hazardous materials response plan."""
    return _sections(
        (
            "purpose-scope",
            "Purpose and scope",
            "Response to releases from fixed facilities and transport routes in Lindell County, and protective "
            "actions for the public, schools and care facilities.",
        ),
        (
            "hazard-analysis",
            "Hazard analysis",
            "- Lindell Valley Railroad: LPG and chlorine tank cars through Fairbrook daily.\n"
            "- Route 59: fuel and chemical tankers.\n"
            "- Fairbrook water treatment plant: one-ton chlorine cylinders.\n"
            "- Fairbrook Industrial Park: anhydrous ammonia refrigeration (cold storage).",
        ),
        (
            "concept-of-operations",
            "Concept of operations",
            "The fire district commands; the regional hazmat team responds on a hazmat box alarm. The incident "
            "commander decides between shelter-in-place and evacuation; OEM alerts every school, day care and care "
            "home within one mile and sends buses when evacuation is ordered.",
        ),
        (
            "communications",
            "Public warning",
            "Wireless emergency alerts and the county's mass notification system; schools receive the protective "
            "action by phone from OEM and on their LC SCHOOLS talkgroup.",
        ),
        ("plan-maintenance", "Plan maintenance", "Reviewed yearly by the Local Emergency Planning Committee."),
    )


def severe_weather_sections() -> list[SectionData]:
    """OEM's monthly severe-weather readiness checklist."""
    return _sections(
        (
            "purpose-scope",
            "Purpose",
            "A monthly check, March to October, that warning systems and shelters are ready.",
        ),
        (
            "checklist",
            "Checklist",
            "- Outdoor sirens: the first-Tuesday test heard at all 24 sites.\n"
            "- NOAA weather radios in every school office answered the weekly test.\n"
            "- Cooling centers: the library and the recreation center confirmed hours and capacity.\n"
            "- Spotter roster: at least 12 active trained spotters.",
        ),
        ("plan-maintenance", "Plan maintenance", "Reviewed every month during the season."),
    )


def mci_sections() -> list[SectionData]:
    """The ambulance district's mass casualty incident plan."""
    return _sections(
        (
            "purpose-scope",
            "Purpose and scope",
            "Triage, treatment and transport when casualties exceed the first-due ambulances, including at schools.",
        ),
        (
            "concept-of-operations",
            "Concept of operations",
            "START/JumpSTART triage at the casualty collection point; treatment area at the fire/EMS staging area "
            "named in the school's plan; transport officer distributes patients across Lindell General, "
            "St. Luke's and the pediatric center by capacity.",
        ),
        (
            "responsibilities",
            "Roles and responsibilities",
            "First ambulance officer: triage; EMS supervisor: medical group; fire district: rescue task force teams.",
        ),
        ("communications", "Communications", "EMS on LC EMS 1; hospitals by the MED channel and the hospital portal."),
        ("plan-maintenance", "Plan maintenance", "Reviewed yearly with the hospitals and the fire districts."),
    )


def reunification_sections() -> list[SectionData]:
    """District 58's district-wide family reunification plan."""
    return _sections(
        (
            "purpose-scope",
            "Purpose and scope",
            "How District 58 reunites students with their families when a school cannot dismiss normally.",
        ),
        (
            "sites",
            "Reunification sites",
            "Elementary schools reunify at the middle school of their part of the village, or at the Park District "
            "Recreation Center; middle schools at a high school fieldhouse. Each school's crisis plan names its site.",
        ),
        (
            "concept-of-operations",
            "Process",
            "Request gate, ID check, student release gate and a release log; counselors at the site; police "
            "security and traffic control.",
        ),
        (
            "responsibilities",
            "Roles and responsibilities",
            "District crisis team runs the site; transportation brings students; Fairbrook PD secures it.",
        ),
        (
            "communications",
            "Communications",
            "Families are told the site by district alert only, after police confirm it is safe.",
        ),
        ("plan-maintenance", "Plan maintenance", "Reviewed yearly; a full-scale drill every three years."),
    )

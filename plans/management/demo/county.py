"""The invented county behind `seed_demo`: its agencies, its schools and each school's key facts."""

import random
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from agencies.models import AgencyKind, FacilityKind

COUNTY = "Lindell County"
TOWN = "Village of Fairbrook"

POLICE = "fairbrook-pd"
FIRE = "fairbrook-fpd"
EMS = "lindell-ems"
OEM = "lindell-oem"
SD58 = "fairbrook-sd58"
HSD211 = "fairbrook-hsd211"
CATHOLIC = "fairbrook-catholic-schools"


@dataclass(frozen=True)
class AgencySpec:
    """One demo agency as the operator would register it."""

    slug: str
    name: str
    kind: str
    jurisdiction: str
    phone: str


# fmt: off
AGENCIES: list[AgencySpec] = [
    AgencySpec(POLICE, "Fairbrook Police Department", AgencyKind.POLICE, TOWN, "(630) 555-0100"),
    AgencySpec(FIRE, "Fairbrook Fire Protection District", AgencyKind.FIRE,
               f"{TOWN} and unincorporated Fairbrook Township", "(630) 555-0140"),
    AgencySpec(EMS, "Lindell County Ambulance District", AgencyKind.EMS, COUNTY, "(630) 555-0160"),
    AgencySpec(OEM, "Lindell County Office of Emergency Management", AgencyKind.EMERGENCY_MANAGEMENT,
               COUNTY, "(630) 555-0180"),
    AgencySpec(SD58, "Fairbrook School District 58", AgencyKind.SCHOOL_DISTRICT,
               f"{TOWN} (PreK-8)", "(630) 555-0120"),
    AgencySpec(HSD211, "Fairbrook Township High School District 211", AgencyKind.SCHOOL_DISTRICT,
               "Fairbrook Township (9-12)", "(630) 555-0130"),
    AgencySpec(CATHOLIC, "Fairbrook Deanery Catholic Schools", AgencyKind.SCHOOL_DISTRICT,
               "Fairbrook Deanery (PreK-8 parish schools)", "(630) 555-0150"),
]
# fmt: on


@dataclass(frozen=True)
class School:
    """One school as listed in the table below (the facts a person would know without a site visit)."""

    short: str
    name: str
    kind: FacilityKind
    owner: str
    grades: str
    enrollment: int
    principal: str
    address: str
    cross_street: str
    area: str
    offsite_evacuation: str


# fmt: off
_MS, _HS = FacilityKind.MIDDLE_SCHOOL, FacilityKind.HIGH_SCHOOL
_ES, _PS = FacilityKind.ELEMENTARY_SCHOOL, FacilityKind.PRIVATE_SCHOOL
SCHOOLS: list[School] = [
    # Middle and high schools: each has its own School Resource Officer.
    School("jefferson", "Jefferson Middle School", _MS, SD58, "6-8", 640, "Dana Whitfield",
           "1450 W Ash St", "Fairview Ave", "north", "Fairbrook Covenant Church, 1500 W Ash St (0.2 mi west)"),
    School("lakeview", "Lakeview Middle School", _MS, SD58, "6-8", 690, "Marcus Ortega",
           "2200 Lakeview Dr", "Hillcrest Rd", "south", "Grace Lutheran Church, 2350 Lakeview Dr (0.3 mi east)"),
    School("prairie_ridge", "Prairie Ridge Middle School", _MS, SD58, "6-8", 575, "Alicia Brennan",
           "905 Prairie Ridge Pkwy", "County Line Rd", "west", "Prairie Ridge Park fieldhouse, 1000 Prairie Ridge"),
    School("fairbrook_hs", "Fairbrook High School", _HS, HSD211, "9-12", 2150, "Gregory Lindqvist",
           "1 Falcon Way", "Roosevelt Rd", "center", "Fairbrook Park District Recreation Center, 300 Civic Center Dr"),
    School("fairbrook_north", "Fairbrook North High School", _HS, HSD211, "9-12", 1780, "Teresa Okafor",
           "3100 N Kennicott Ave", "Dundee Rd", "north", "Kennicott Commons shopping center lot, 3300 N Kennicott Ave"),
    School("riverside", "Riverside High School", _HS, HSD211, "9-12", 1390, "Samuel Petrakis",
           "450 River Rd", "Bridge St", "south", "Riverside Forest Preserve pavilion lot, 600 River Rd"),
    # Elementary and private schools: shared by two School Resource Officers.
    School("hawthorne", "Hawthorne Elementary School", _ES, SD58, "K-5", 410, "Rebecca Sandoval",
           "320 Hawthorne Ln", "Elm St", "north", "Elm Street Baptist Church, 410 Elm St"),
    School("willow_creek", "Willow Creek Elementary School", _ES, SD58, "K-5", 455, "Jonathan Meyers",
           "1800 Willow Creek Dr", "Golf Rd", "west", "Willow Creek Community Church, 1900 Golf Rd"),
    School("oak_terrace", "Oak Terrace Elementary School", _ES, SD58, "K-5", 380, "Priya Raman",
           "615 Oak Terrace Ct", "Central Ave", "east", "St. Mark's Episcopal Church, 700 Central Ave"),
    School("maple_grove", "Maple Grove Elementary School", _ES, SD58, "K-5", 395, "Laura Kowalczyk",
           "240 Maple Ave", "Wilson St", "center", "Fairbrook Public Library, 125 Wilson St"),
    School("cedar_point", "Cedar Point Elementary School", _ES, SD58, "K-5", 430, "Darnell Hayes",
           "2750 Cedar Point Rd", "Hillcrest Rd", "south", "Hillcrest Park shelter, 2800 Hillcrest Rd"),
    School("meadowbrook", "Meadowbrook Elementary School", _ES, SD58, "K-5", 470, "Kristin Albrecht",
           "1120 Meadowbrook Ln", "County Line Rd", "west", "Meadowbrook Park District building, 1200 Meadowbrook Ln"),
    School("lincoln", "Lincoln Elementary School", _ES, SD58, "K-5", 360, "Miguel Santos",
           "500 S Lincoln Ave", "Roosevelt Rd", "south", "First United Methodist Church, 520 S Lincoln Ave"),
    School("garfield", "Garfield Elementary School", _ES, SD58, "K-5", 340, "Heather Dunleavy",
           "88 Garfield St", "Main St", "center", "Fairbrook Village Hall community room, 100 Main St"),
    School("northfield", "Northfield Elementary School", _ES, SD58, "K-5", 420, "Benjamin Cho",
           "3400 N Kennicott Ave", "Dundee Rd", "north", "Fairbrook North High School main gym, 3100 N Kennicott Ave"),
    School("sunset_ridge", "Sunset Ridge Elementary School", _ES, SD58, "K-5", 445, "Nicole Fairbanks",
           "1975 Sunset Ridge Rd", "Algonquin Rd", "east", "Sunset Ridge Swim Club clubhouse, 2000 Sunset Ridge Rd"),
    School("st_brendan", "St. Brendan School", _PS, CATHOLIC, "PreK-8", 310, "Kathleen Doyle",
           "700 N Main St", "Church St", "center", "St. Brendan Parish Center, 720 N Main St"),
    School("our_lady_of_mercy", "Our Lady of Mercy School", _PS, CATHOLIC, "K-8", 265, "Patrick Gallagher",
           "1515 E Central Ave", "Oak St", "east", "Our Lady of Mercy Church hall, 1525 E Central Ave"),
    School("st_anne", "St. Anne Catholic Academy", _PS, CATHOLIC, "PreK-8", 225, "Angela Russo",
           "2300 W Algonquin Rd", "Meadow Ln", "west", "St. Anne Parish hall, 2320 W Algonquin Rd"),
]
# fmt: on

SECONDARY_KINDS = (FacilityKind.MIDDLE_SCHOOL, FacilityKind.HIGH_SCHOOL)

# The two SROs who share the elementary and private schools split the village into two beats.
ELEMENTARY_BEAT_OF_AREA = {"north": 0, "west": 0, "center": 0, "south": 1, "east": 1}

# The county's P25 radio system and the school interoperability talkgroup of each part of the village.
TALKGROUP_OF_AREA = {
    "north": "LC SCHOOLS 1",
    "south": "LC SCHOOLS 2",
    "center": "LC SCHOOLS 3",
    "east": "LC SCHOOLS 3",
    "west": "LC SCHOOLS 4",
}
DISTRICT_RADIO = {
    SD58: "SD58 Ops (channel 2) on the district's handheld radios",
    HSD211: "D211 Security (channel 1); deans and custodians on channel 3",
    CATHOLIC: "FRS handhelds on channel 5 (office, custodian, teachers on duty)",
}
HAZARD_OF_AREA = {
    "north": "The Lindell Valley Railroad freight line runs 0.3 mi north (tank cars of LPG and chlorine pass daily)",
    "south": "Route 59 carries tanker traffic 0.4 mi south; the Riverside lift station stores sodium hypochlorite",
    "center": "The Main Street grade crossing of the Lindell Valley Railroad is 0.5 mi east",
    "east": "Fairbrook Industrial Park (0.6 mi east) has a cold-storage warehouse with an anhydrous ammonia system",
    "west": "The Fairbrook water treatment plant on County Line Rd stores one-ton chlorine cylinders (0.7 mi west)",
}
REUNIFICATION = {
    # Elementary schools reunify at a middle school of the same part of town; the rest as listed.
    "north": "Jefferson Middle School main gym, 1450 W Ash St",
    "south": "Lakeview Middle School gym, 2200 Lakeview Dr",
    "west": "Prairie Ridge Middle School gym, 905 Prairie Ridge Pkwy",
    "center": "Fairbrook Park District Recreation Center, 300 Civic Center Dr",
    "east": "Fairbrook Park District Recreation Center, 300 Civic Center Dr",
    "jefferson": "Fairbrook North High School fieldhouse, 3100 N Kennicott Ave",
    "lakeview": "Riverside High School fieldhouse, 450 River Rd",
    "prairie_ridge": "Fairbrook High School fieldhouse, 1 Falcon Way",
    "fairbrook_hs": "Fairbrook Park District Recreation Center, 300 Civic Center Dr",
    "fairbrook_north": "Lindell County Fairgrounds Expo Hall, 4000 N Kennicott Ave",
    "riverside": "Riverside Community Church, 800 River Rd",
    "st_brendan": "St. Brendan Parish Center, 720 N Main St",
    "our_lady_of_mercy": "Our Lady of Mercy Church hall, 1525 E Central Ave",
    "st_anne": "St. Anne Parish hall, 2320 W Algonquin Rd",
}
REUNIFICATION_ALTERNATE = "Lindell College Physical Education Center, 1 College Dr (buses from the district garage)"

CENTER = (Decimal("41.912000"), Decimal("-88.081000"))
AREA_OFFSET = {
    "north": (Decimal("0.021"), Decimal("0")),
    "south": (Decimal("-0.019"), Decimal("0.004")),
    "east": (Decimal("0.002"), Decimal("0.026")),
    "west": (Decimal("-0.003"), Decimal("-0.027")),
    "center": (Decimal("0"), Decimal("0")),
}


@dataclass(frozen=True)
class SchoolFacts:
    """The key facts of one school's crisis plan: what responders need to know about the building."""

    school: School
    latitude: Decimal
    longitude: Decimal
    staff: int
    stories: int
    exterior_doors: int
    main_entrance: str
    school_command_post: str
    command_post: str
    fire_staging: str
    police_staging: str
    assembly_area: str
    offsite_evacuation: str
    reunification_site: str
    reunification_alternate: str
    shelter_areas: str
    talkgroup: str
    district_radio: str
    knox_box: str
    utility_shutoffs: str
    aed_locations: str
    nearby_hazard: str
    lockdown_signal: str
    cameras: int


_COMMAND_POSTS = [
    "front circle drive at the flagpole, facing Door 1",
    "north staff parking lot, row A, clear of the building's line of sight",
    "bus loop at the south end of the building",
    "visitor lot across from Door 1, next to the marquee sign",
]
_FIRE_STAGING = [
    "east bus loop, entering from {cross}",
    "{cross} curb lane, north of the main driveway",
    "rear service drive by the kitchen loading dock",
    "south parking lot, entering from {cross}",
]
_POLICE_STAGING = [
    "Fairbrook Park District lot on {cross}",
    "church lot across {cross}",
    "west end of the staff lot, away from Door 1",
]
_ASSEMBLY = {
    FacilityKind.ELEMENTARY_SCHOOL: ["back playground blacktop", "west kickball field", "north soccer field"],
    FacilityKind.PRIVATE_SCHOOL: ["church parking lot (coned off by the custodian)", "parish lawn behind the school"],
    FacilityKind.MIDDLE_SCHOOL: ["south soccer fields", "track and football field", "west practice fields"],
    FacilityKind.HIGH_SCHOOL: ["stadium home bleachers", "baseball and softball complex", "east practice fields"],
}
_KNOX_BOX = [
    "left of Door 1 at shoulder height",
    "at Door 4 (gym lobby), right of the frame",
    "beside the fire department connection at Door 7",
]
_AED = [
    "main office, gym lobby and cafeteria",
    "nurse's office, gym and second-floor landing",
    "main office, gym, cafeteria and athletic trainer's room",
]


def _coordinates(rng: random.Random, area: str) -> tuple[Decimal, Decimal]:
    d_lat, d_lon = AREA_OFFSET[area]
    jitter = Decimal(rng.randint(-6000, 6000)) / Decimal(1_000_000)
    jitter_lon = Decimal(rng.randint(-6000, 6000)) / Decimal(1_000_000)
    return CENTER[0] + d_lat + jitter, CENTER[1] + d_lon + jitter_lon


def school_facts(rng: random.Random) -> list[SchoolFacts]:
    """Every school's key facts, varied per school but the same on every run for the same generator state."""
    facts = []
    for school in SCHOOLS:
        secondary = school.kind in SECONDARY_KINDS
        high = school.kind == FacilityKind.HIGH_SCHOOL
        latitude, longitude = _coordinates(rng, school.area)
        stories = 2 if secondary or rng.random() < 0.3 else 1
        doors = rng.randint(38, 52) if high else rng.randint(20, 28) if secondary else rng.randint(11, 17)
        shelter = (
            "interior first-floor corridors B and C, the locker rooms and the band room; never the gym or the library"
            if secondary
            else "interior first-floor hallway by the office and the library's windowless reading room; never the gym"
        )
        if stories == 2 and not secondary:
            shelter = "first-floor interior hallways (second-floor classes come down the center stair); never the gym"
        facts.append(
            SchoolFacts(
                school=school,
                latitude=latitude,
                longitude=longitude,
                staff=max(25, school.enrollment // (12 if secondary else 9)),
                stories=stories,
                exterior_doors=doors,
                main_entrance="Door 1, main office vestibule on " + school.address.split(" ", 1)[1],
                school_command_post="main office conference room; alternate: the "
                + ("athletic director's office" if secondary else "library workroom"),
                command_post=rng.choice(_COMMAND_POSTS),
                fire_staging=rng.choice(_FIRE_STAGING).format(cross=school.cross_street),
                police_staging=rng.choice(_POLICE_STAGING).format(cross=school.cross_street),
                assembly_area=rng.choice(_ASSEMBLY[school.kind]),
                offsite_evacuation=school.offsite_evacuation,
                reunification_site=REUNIFICATION.get(school.short) or REUNIFICATION[school.area],
                reunification_alternate=REUNIFICATION_ALTERNATE,
                shelter_areas=shelter,
                talkgroup=TALKGROUP_OF_AREA[school.area],
                district_radio=DISTRICT_RADIO[school.owner],
                knox_box=rng.choice(_KNOX_BOX),
                utility_shutoffs=(
                    f"gas meter on the {rng.choice(['north', 'east', 'south', 'west'])} wall outside the boiler room; "
                    f"main electrical room behind Door {rng.randint(3, doors)}; HVAC emergency stop in the main office"
                ),
                aed_locations=_AED[2] if high else _AED[1] if stories == 2 else _AED[0],
                nearby_hazard=HAZARD_OF_AREA[school.area],
                lockdown_signal=(
                    '"Code Red" announced twice on the PA'
                    if school.owner == CATHOLIC
                    else 'plain language on the PA: "Lockdown, lockdown, lockdown. Locks, lights, out of sight."'
                ),
                cameras=rng.randint(90, 160) if high else rng.randint(24, 48) if secondary else rng.randint(10, 22),
            )
        )
    return facts


@dataclass(frozen=True)
class SchoolUpdate:
    """A second published version of a school's plan: what changed and why."""

    summary: str
    changes: dict[str, Any]  # SchoolFacts field name -> its new value (all text so far)


# Second published versions: partners see these as real section-by-section changes.
SCHOOL_UPDATES: dict[str, SchoolUpdate] = {
    "jefferson": SchoolUpdate(
        "Reunification moved to the Park District Recreation Center while the North High fieldhouse is renovated.",
        {"reunification_site": "Fairbrook Park District Recreation Center, 300 Civic Center Dr (north entrance)"},
    ),
    "fairbrook_hs": SchoolUpdate(
        "Interoperability talkgroup changed to LC SCHOOLS 5 after the LINCOM rebanding.",
        {"talkgroup": "LC SCHOOLS 5 (encrypted; programmed in the principal's, SRO's and deans' radios)"},
    ),
    "hawthorne": SchoolUpdate(
        "Fire/EMS staging moved to the east staff lot; the front circle is closed while the addition is built.",
        {"fire_staging": "east staff lot off Elm St (front circle closed during construction of the addition)"},
    ),
    "lakeview": SchoolUpdate(
        "New off-site evacuation site: Grace Lutheran Church has closed.",
        {"offsite_evacuation": "Fairbrook Public Library South Branch, 2600 Hillcrest Rd (0.4 mi north)"},
    ),
    "riverside": SchoolUpdate(
        "Secure entry vestibule opened: Door 1A is the only visitor entrance; incident command post moved.",
        {
            "main_entrance": "Door 1A, new secure vestibule on River Rd (visitors buzzed in by the main office)",
            "command_post": "faculty lot B on Bridge St, outside the line of sight of the main office windows",
        },
    ),
    "st_brendan": SchoolUpdate(
        "Lockdown called in plain language instead of 'Code Red', as the police department recommends.",
        {"lockdown_signal": 'plain language on the PA: "Lockdown, lockdown, lockdown. Locks, lights, out of sight."'},
    ),
    "willow_creek": SchoolUpdate(
        "Assembly area moved to the north ball field; four modular classrooms now stand on the west playground.",
        {
            "assembly_area": "north ball field (the modular classrooms occupy the west playground)",
            "shelter_areas": "interior first-floor hallway by the office and the library reading room; "
            "modular classrooms M1-M4 go to the music room; never the gym",
        },
    ),
}

# School plans carried over from paper, by the days since their last review on paper: each one's next review
# is due a year after that review, so the district's dashboard shows two overdue and two due within 30 days.
LAST_REVIEWED_DAYS_AGO: dict[str, int] = {"oak_terrace": 390, "lincoln": 372, "garfield": 350, "sunset_ridge": 338}

# A draft in progress that partners must not see until it is published.
SCHOOL_DRAFT = (
    "maple_grove",
    SchoolUpdate(
        "Draft for the board: second-floor addition, new shelter areas and door numbers (not yet approved).",
        {
            "shelter_areas": "first-floor interior hallways and the addition's ground-floor corridor; never the gym",
            "main_entrance": "Door 1, main office vestibule on Maple Ave (addition doors renumbered 18-22)",
        },
    ),
)


def facts_updated(facts: SchoolFacts, update: SchoolUpdate) -> SchoolFacts:
    """The school's facts after an update."""
    return replace(facts, **update.changes)

"""The invented people of the demo county: who works where, in which role, under which username."""

import random
from dataclasses import dataclass

from agencies.models import Role
from plans.management.demo.county import CATHOLIC, EMS, FIRE, HSD211, OEM, POLICE, SCHOOLS, SD58


@dataclass(frozen=True)
class Person:
    """One demo account: where it belongs, its role there and what the person does."""

    username: str
    first_name: str
    last_name: str
    agency: str
    role: str
    title: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def _words(text: str) -> list[str]:
    return text.split()


_FIRST = _words(
    "James Maria Robert Linda Michael Jennifer David Susan Daniel Karen Kevin Lisa Brian Angela Jason Michelle "
    "Eric Amanda Steven Melissa Timothy Stephanie Ryan Rachel Jeffrey Heather Gary Nicole Anthony Erin Mark Tanya "
    "Luis Carmen Andre Keisha Tomasz Agnieszka Raj Anjali Sean Colleen Derek Monica Victor Rosa Travis Kelly "
    "Joseph Megan Adam Brianna Carlos Denise Patrick Holly Scott Tiffany Omar Yolanda Greg Dawn"
)
_LAST = _words(
    "Anderson Baker Castillo Dombrowski Eriksen Flanagan Garcia Hoffmann Iverson Jablonski Kaminski Lopez "
    "Mahoney Novak O'Brien Patel Quinlan Reyes Schultz Tran Underwood Vasquez Walsh Yamamoto Zielinski "
    "Brooks Carver Delgado Esposito Fitzgerald Gutierrez Hartmann Ibarra Jankowski Kowalski Lindgren Moreno "
    "Nguyen Olson Pereira Ramos Sorensen Thornton Ueda Vargas Wojcik Becker Coleman Duffy Engstrom Foley "
    "Grady Hernandez Jensen Keller Larsen McCarthy Nowak Ortiz Price Rossi Sullivan Tierney Webb"
)


class NamePool:
    """Distinct invented names drawn from a seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        principals = (school.principal.split(" ", 1) for school in SCHOOLS)
        self._used: set[tuple[str, str]] = {(first, last) for first, last in principals}

    def take(self) -> tuple[str, str]:
        """A first and last name not handed out before."""
        while True:
            name = (self._rng.choice(_FIRST), self._rng.choice(_LAST))
            if name not in self._used:
                self._used.add(name)
                return name


POLICE_SIZE = 85
SRO_COUNT = 8


def people(rng: random.Random) -> list[Person]:
    """Every demo account except the operator, agency by agency, with memorable names for the demo logins."""
    names = NamePool(rng)
    roster: list[Person] = []

    def add(username: str, agency: str, role: str, title: str, name: tuple[str, str] | None = None) -> None:
        first, last = name or names.take()
        roster.append(Person(username, first, last, agency, role, title))

    add("police_admin", POLICE, Role.ADMIN, "Chief of Police")
    add("officer01", POLICE, Role.ADMIN, "Deputy Chief, Operations")
    add("officer02", POLICE, Role.PLANNER, "Lieutenant, emergency planning")
    add("police_liaison", POLICE, Role.LIAISON, "Sergeant, School Services Unit")
    add("officer03", POLICE, Role.LIAISON, "Sergeant, Special Response Team")
    add("police_officer", POLICE, Role.MEMBER, "Officer, School Resource Officer")
    for n in range(4, POLICE_SIZE - 3 + 1):
        title = "Officer, School Resource Officer" if n < 4 + SRO_COUNT - 1 else "Patrol officer"
        add(f"officer{n:02d}", POLICE, Role.MEMBER, title)

    add("firefighter01", FIRE, Role.ADMIN, "Fire Chief")
    add("fire_liaison", FIRE, Role.LIAISON, "Battalion Chief, Fire Marshal's office")
    for n in range(2, 6):
        add(f"firefighter{n:02d}", FIRE, Role.MEMBER, "Firefighter/paramedic")

    add("medic01", EMS, Role.ADMIN, "EMS Chief")
    add("medic02", EMS, Role.LIAISON, "EMS Coordinator")
    add("ems_medic", EMS, Role.MEMBER, "Paramedic")
    for n in range(3, 6):
        add(f"medic{n:02d}", EMS, Role.MEMBER, "Paramedic")

    add("em_admin", OEM, Role.ADMIN, "Emergency Management Coordinator")
    add("em_staff01", OEM, Role.LIAISON, "Planning and school-safety liaison")
    for n in range(2, 4):
        add(f"em_staff{n:02d}", OEM, Role.MEMBER, "Emergency management specialist")

    add("district_admin", SD58, Role.ADMIN, "District Safety Coordinator")
    add("district_planner", SD58, Role.PLANNER, "Assistant Superintendent, Operations")
    add("sd58_staff01", SD58, Role.LIAISON, "Director of Communications")
    add("sd58_staff02", SD58, Role.MEMBER, "Director of Transportation")
    add("hsd211_staff01", HSD211, Role.ADMIN, "District Safety Coordinator")
    add("hsd211_staff02", HSD211, Role.PLANNER, "Director of Safety and Security")
    add("hsd211_staff03", HSD211, Role.LIAISON, "Director of Communications")
    add("hsd211_staff04", HSD211, Role.MEMBER, "Dean of Students")
    add("catholic_staff01", CATHOLIC, Role.ADMIN, "Superintendent of Catholic Schools")
    add("catholic_staff02", CATHOLIC, Role.LIAISON, "Deanery Safety Liaison")
    for school in SCHOOLS:
        first, last = school.principal.split(" ", 1)
        add(f"principal_{school.short}", school.owner, Role.MEMBER, f"Principal, {school.name}", (first, last))
    return roster


# The platform operator: Django staff and superuser, member of no agency.
OPERATOR = "operator"

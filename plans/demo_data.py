"""Builds the demo county through the services: agencies, people, schools, plans, shares and acknowledgements."""

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from access.actors import SYSTEM
from accounts.demo_totp import demo_totp_enrol
from agencies.contact_services import facility_contact_create
from agencies.models import Agency, AssignmentRole, Facility, Role
from agencies.services import (
    agency_create,
    agency_update,
    facility_create,
    membership_add,
    personnel_assignment_create,
)
from buildings.demo_data import demo_building_documents_create
from consistency.models import FacilityFact
from plans.management.demo import key_facts, school_text
from plans.management.demo.agency_plans import AgencyPlansMixin
from plans.management.demo.county import (
    AGENCIES,
    CATHOLIC,
    ELEMENTARY_BEAT_OF_AREA,
    EMS,
    FIRE,
    HSD211,
    LAST_REVIEWED_DAYS_AGO,
    OEM,
    POLICE,
    SCHOOL_DRAFT,
    SCHOOL_UPDATES,
    SCHOOLS,
    SD58,
    SECONDARY_KINDS,
    SchoolFacts,
    facts_updated,
    school_facts,
)
from plans.management.demo.people import OPERATOR, Person, people
from plans.management.demo.required_reading import RequiredReadingMixin
from plans.management.demo.sources import SourcesMixin
from plans.models import Classification, Plan, PlanKind, PlanVersion, ShareLevel
from plans.services import (
    plan_create,
    plan_share,
    plan_version_acknowledge,
    plan_version_create_draft,
    plan_version_publish,
)
from reviews.demo_data import demo_reviews_create

Progress = Callable[[str], None]

# Any fixed value keeps the demo identical on every run; this is the federal school EOP guide's release date.
SEED = 20130618
PEOPLE, FACTS, READERS = 0, 1, 2  # One random stream each, so changing one part leaves the others as they were.
MARKER_SLUG = POLICE  # The demo is loaded when this agency exists.

# Who writes and who publishes each school owner's plans.
SCHOOL_WRITERS = {
    SD58: ("district_planner", "district_admin"),
    HSD211: ("hsd211_staff02", "hsd211_staff01"),
    CATHOLIC: ("catholic_staff01", "catholic_staff01"),
}
# Secondary schools have their own SRO; two more share the elementary and private schools by beat.
SECONDARY_SROS = ["officer04", "officer05", "officer06", "police_officer", "officer07", "officer08"]
ELEMENTARY_SROS = ["officer09", "officer10"]
# The schools whose building pages show demo maps: police_officer's high school first (buildings/demo_data.py).
DEMO_MAP_SCHOOLS = ("fairbrook_hs", "jefferson")
# How each partner may use the school crisis plans shared with it.
SCHOOL_SHARES = {POLICE: ShareLevel.COMMENT, FIRE: ShareLevel.COMMENT, EMS: ShareLevel.VIEW, OEM: ShareLevel.VIEW}


@dataclass(frozen=True)
class DemoSummary:
    """What the build created, for the closing message."""

    agencies: int
    users: int
    schools: int
    plans: int
    versions: int


def demo_loaded() -> bool:
    """Whether the demo county is already in the database."""
    return Agency.objects.filter(slug=MARKER_SLUG).exists()


def _random(stream: int) -> random.Random:
    return random.Random(SEED + stream)  # noqa: S311 - demo data needs repeatability, not secrecy


def demo_usernames() -> list[str]:
    """Every account the demo creates, in a fixed order."""
    return [OPERATOR] + [person.username for person in people(_random(PEOPLE))]


def demo_username_clashes() -> list[str]:
    """Demo usernames that some other account already holds (the demo would fail on them)."""
    return sorted(User.objects.filter(username__in=demo_usernames()).values_list("username", flat=True))


@transaction.atomic
def demo_build(*, password_hash: str, progress: Progress) -> DemoSummary:
    """Create the whole demo county in one transaction, so a failure leaves nothing half-made."""
    return _DemoBuilder(password_hash=password_hash, progress=progress).build()


# The demo's history: its plans were published over the last weeks, not all at the moment it loads, so what is
# computed from publication times (the review clock, required reading's due dates) stands as seeded when the
# nightly sync recomputes it. The school plans follow one another from 20 to 3 days ago (with 14 days to read
# them, the first few are overdue for whoever has not), then the agencies' plans, then the latest school updates.
HISTORY_DAYS = 30
SCHOOL_PLANS_DAYS_AGO = (20.0, 3.0)
AGENCY_PLANS_DAYS_AGO = 2.0
SCHOOLS_MOVE_ON_DAYS_AGO = 1.0
PUBLISH_STEP = timedelta(minutes=10)


def _school_year(day: date) -> str:
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


class _DemoBuilder(AgencyPlansMixin, RequiredReadingMixin, SourcesMixin):
    """The build steps in order; every write goes through a service."""

    def __init__(self, *, password_hash: str, progress: Progress) -> None:
        self.rng = _random(READERS)
        self.password_hash = password_hash
        self.progress = progress
        self.agencies: dict[str, Agency] = {}
        self.users: dict[str, User] = {}
        self.names: dict[str, str] = {}
        self.facilities: dict[str, Facility] = {}
        self.sro_of: dict[str, str] = {}
        self.plans = 0
        self.versions = 0
        self.now = timezone.now()
        self.history_start = self.now - timedelta(days=HISTORY_DAYS)
        self.clock = self.history_start  # when the next version is published

    def build(self) -> DemoSummary:
        roster = people(_random(PEOPLE))
        facts = school_facts(_random(FACTS))
        self._agencies()
        self._people(roster)
        self._schools(facts)
        self._school_plans(facts)
        self._clock_at(days_ago=AGENCY_PLANS_DAYS_AGO)
        self._agency_plans()
        # Before two schools move on: Prairie Ridge's next version closes a corrective action of the exercises.
        self._exercises()
        self._clock_at(days_ago=SCHOOLS_MOVE_ON_DAYS_AGO)
        self._schools_move_on(SCHOOL_WRITERS)
        self._fire_plan(facts)
        self._required_reading()
        self._training()
        self._building_documents()
        self._police_mfa()
        return DemoSummary(
            agencies=len(self.agencies),
            users=len(self.users),
            schools=len(self.facilities),
            plans=self.plans,
            versions=self.versions,
        )

    # -- agencies, people, buildings -------------------------------------------------------------

    def _agencies(self) -> None:
        self.progress(f"Creating {len(AGENCIES)} agencies…")
        for spec in AGENCIES:
            self.agencies[spec.slug] = agency_create(
                actor=SYSTEM,
                name=spec.name,
                slug=spec.slug,
                kind=spec.kind,
                jurisdiction=spec.jurisdiction,
                phone=spec.phone,
                email=f"info@{spec.slug}.example.org",
            )

    def _people(self, roster: list[Person]) -> None:
        self.progress(f"Creating {len(roster) + 1} people (one shared demo password, hashed once)…")
        # No password at creation: hashing it 130 times would take a minute; the one hash is set below.
        operator = User.objects.create_user(
            username=OPERATOR,
            email=f"{OPERATOR}@concord.example.org",
            password=None,
            first_name="Platform",
            last_name="Operator",
            is_staff=True,
            is_superuser=True,
        )
        self.users[OPERATOR] = operator
        for person in roster:
            self.users[person.username] = User.objects.create_user(
                username=person.username,
                email=f"{person.username}@{person.agency}.example.org",
                password=None,
                first_name=person.first_name,
                last_name=person.last_name,
            )
            self.names[person.username] = person.full_name
        for user in self.users.values():
            user.password = self.password_hash
        User.objects.bulk_update(list(self.users.values()), ["password"], batch_size=500)

        self.progress("Adding memberships and roles…")
        admin_of: dict[str, User] = {}
        for person in roster:
            user = self.users[person.username]
            # The operator adds each agency's first admin; that admin adds everyone else.
            actor = admin_of.get(person.agency, operator)
            membership_add(agency=self.agencies[person.agency], user=user, role=person.role, actor=actor)
            if person.role == Role.ADMIN:
                admin_of.setdefault(person.agency, user)

    def _building_documents(self) -> None:
        """Maps on the building page of the school police_officer is the SRO of, and of one more."""
        schools = {short: self.facilities[short] for short in DEMO_MAP_SCHOOLS}
        self.progress(f"Adding site maps and a floor plan to {len(schools)} schools…")
        owner_of = {school.short: school.owner for school in SCHOOLS}
        writers = {short: self.users[SCHOOL_WRITERS[owner_of[short]][0]] for short in schools}
        demo_building_documents_create(facilities=schools, writers=writers)

    def _exercises(self) -> None:
        """A year of exercises (exercises/demo_data.py): the police's active-threat training with its report and
        corrective actions, and the schools' drills."""
        from exercises.demo_data import DemoCounty, demo_exercises_create
        from exercises.demo_requirements import demo_drill_requirements_create

        shorts = ("prairie_ridge", "fairbrook_hs", "jefferson", "lakeview", "hawthorne")
        plans = {
            short: Plan.objects.get(facilities=self.facilities[short], kind=PlanKind.SCHOOL_EOP) for short in shorts
        }
        county = DemoCounty(
            agencies=self.agencies,
            facilities=self.facilities,
            users=self.users,
            plans=plans,
            police=POLICE,
            fire=FIRE,
            ems=EMS,
            district=SD58,
            high_schools=HSD211,
        )
        self.progress("Recording a year of exercises, an after-action report and its corrective actions…")
        demo_exercises_create(county=county)
        self.progress("Loading a state's drill rule and applying it to the schools…")
        demo_drill_requirements_create(county=county)

    def _training(self) -> None:
        """The police department's active-threat training records (reading/demo_training.py)."""
        from reading.demo_training import demo_training_create

        demo_training_create(police=self.agencies[POLICE], users=self.users, progress=self.progress)

    def _police_mfa(self) -> None:
        """The police department requires multi-factor sign-in, for its people and to read its sensitive plans;
        its people get the DEMO-ONLY authenticator secret (`manage.py demo_totp <username>` prints the code).
        Last, so the history above was written as it would have been before."""
        police = self.agencies[POLICE]
        self.progress("Requiring multi-factor sign-in at the police department (demo authenticator codes)…")
        agency_update(agency=police, actor=SYSTEM, require_mfa=True, les_read_requires_mfa=True)
        demo_totp_enrol(users=User.objects.filter(memberships__agency=police).order_by("pk"))

    def _schools(self, facts: list[SchoolFacts]) -> None:
        self.progress(f"Registering {len(facts)} schools and their School Resource Officers…")
        secondary = iter(SECONDARY_SROS)
        for index, f in enumerate(facts, 1):
            school = f.school
            self.facilities[school.short] = facility_create(
                name=school.name,
                kind=school.kind,
                owner_agency=self.agencies[school.owner],
                address=f"{school.address}, Fairbrook",
                latitude=f.latitude,
                longitude=f.longitude,
                actor=self.users[OPERATOR],
            )
            if school.kind in SECONDARY_KINDS:
                sro = next(secondary)
            else:
                sro = ELEMENTARY_SROS[ELEMENTARY_BEAT_OF_AREA[school.area]]
            self.sro_of[school.short] = sro
            personnel_assignment_create(
                user=self.users[sro],
                agency=self.agencies[POLICE],
                facility=self.facilities[school.short],
                role=AssignmentRole.SCHOOL_RESOURCE_OFFICER,
                actor=self.users[OPERATOR],
                started_on=date(2024, 8, 19),
                announce=False,  # the county as it stands, not a change anyone needs to hear about
            )
            self._school_contacts(f, index=index)

    def _school_contacts(self, f: SchoolFacts, *, index: int) -> None:
        """The numbers responders call about a school, in order: principal, custodian, district safety, 24/7."""
        school = f.school
        district_phone = next(spec.phone for spec in AGENCIES if spec.slug == school.owner)
        contacts = [
            (
                "Principal",
                school.principal,
                key_facts.contact_phone(index),
                "Main office; ask for the principal's cell.",
            ),
            ("Head custodian", "", f"(630) 555-{200 + index:04d}", "Keys, shut-offs, the Knox Box."),
            ("District safety office", "", district_phone, "Weekdays 7:00-17:00."),
            ("District 24/7 line", "", "(630) 555-0199", "Answered around the clock by the district's duty officer."),
        ]
        for position, (label, name, phone, notes) in enumerate(contacts):
            facility_contact_create(
                facility=self.facilities[school.short],
                label=label,
                name=name,
                phone=phone,
                notes=notes,
                position=position,
                actor=self.users[OPERATOR],
            )

    # -- plans -----------------------------------------------------------------------------------

    def _new_plan(
        self,
        *,
        actor: str,
        owner: str,
        title: str,
        kind: str,
        classification: str,
        facilities: list[Facility] | None = None,
        hazards: list[str] | None = None,
        review_interval_days: int = 365,
    ) -> Plan:
        self.plans += 1
        return plan_create(
            actor=self.users[actor],
            title=title,
            kind=kind,
            owner_agency=self.agencies[owner],
            facilities=facilities or [],
            classification=classification,
            hazards=hazards,
            review_interval_days=review_interval_days,
        )

    def _draft(
        self,
        plan: Plan,
        *,
        actor: str,
        summary: str,
        sections: list[dict[str, str]],
        facts: dict[Facility, dict[str, key_facts.FactInput]] | None = None,
    ) -> PlanVersion:
        self.versions += 1
        draft = plan_version_create_draft(plan=plan, actor=self.users[actor], change_summary=summary, sections=sections)
        if facts is not None:
            self._state_facts(draft, facts)
        return draft

    def _state_facts(self, draft: PlanVersion, facts: dict[Facility, dict[str, key_facts.FactInput]]) -> None:
        """The draft states exactly these key facts (written directly, as the fact editor would save them)."""
        FacilityFact.objects.filter(version=draft).delete()
        rows = []
        for facility, stated in facts.items():
            for key, value in stated.items():
                text, latitude, longitude = (value, None, None) if isinstance(value, str) else value
                rows.append(
                    FacilityFact(
                        version=draft, facility=facility, key=key, text=text, latitude=latitude, longitude=longitude
                    )
                )
        FacilityFact.objects.bulk_create(rows)

    def _publish(
        self,
        plan: Plan,
        *,
        writer: str,
        publisher: str,
        summary: str,
        sections: list[dict],
        facts: dict[Facility, dict[str, key_facts.FactInput]] | None = None,
    ) -> PlanVersion:
        draft = self._draft(plan, actor=writer, summary=summary, sections=sections, facts=facts)
        published_at = min(self.clock, timezone.now())
        self.clock += PUBLISH_STEP
        return plan_version_publish(version=draft, actor=self.users[publisher], published_at=published_at)

    def _clock_at(self, *, days_ago: float) -> None:
        """Move the demo's history on to `days_ago` (never back: publications keep their order)."""
        self.clock = max(self.clock, self.now - timedelta(days=days_ago))

    def _share(self, plan: Plan, *, actor: str, partners: Mapping[str, str]) -> None:
        for slug, level in partners.items():
            plan_share(plan=plan, agency=self.agencies[slug], level=level, actor=self.users[actor])

    def _acknowledge(self, plan: Plan, version: PlanVersion, *usernames: str) -> None:
        for username in usernames:
            plan_version_acknowledge(version=version, actor=self.users[username])

    def _school_plans(self, facts: list[SchoolFacts]) -> None:
        total = len(facts)
        today = timezone.localdate()
        patrol = [f"officer{n:02d}" for n in range(11, 83)]
        updated = list(SCHOOL_UPDATES)
        self.progress(f"Publishing {total} school plans…")
        first, last = SCHOOL_PLANS_DAYS_AGO
        for index, f in enumerate(facts, 1):
            school = f.school
            self._clock_at(days_ago=first - (first - last) * (index - 1) / max(total - 1, 1))
            writer, publisher = SCHOOL_WRITERS[school.owner]
            sro = self.names[self.sro_of[school.short]]
            plan = self._new_plan(
                actor=writer,
                owner=school.owner,
                title=f"{school.name} crisis plan",
                kind=PlanKind.SCHOOL_EOP,
                facilities=[self.facilities[school.short]],
                classification=Classification.PARTNER,
                hazards=["active_threat", "fire", "severe_weather", "hazmat", "medical"],
            )
            days_since_review = LAST_REVIEWED_DAYS_AGO.get(school.short, 0)
            last_review = today - timedelta(days=days_since_review)
            history = [f"Annual review {_school_year(last_review)} with the SRO and the fire marshal's office"]
            building = self.facilities[school.short]
            v1 = self._publish(
                plan,
                writer=writer,
                publisher=publisher,
                summary=history[0],
                sections=school_text.school_sections(f, sro=sro, history=history),
                facts={building: key_facts.school_key_facts(f, index=index)},
            )
            if days_since_review:
                self._review_cycle_from(plan, last_review=last_review)
            self._share(plan, actor=publisher, partners=SCHOOL_SHARES)
            self._acknowledge_school_v1(plan, v1, index=index, sro=self.sro_of[school.short], patrol=patrol)

            update = SCHOOL_UPDATES.get(school.short)
            if update is not None:
                history = [*history, update.summary]
                v2 = self._publish(
                    plan,
                    writer=writer,
                    publisher=publisher,
                    summary=update.summary,
                    sections=school_text.school_sections(facts_updated(f, update), sro=sro, history=history),
                    facts={building: key_facts.school_key_facts(facts_updated(f, update), index=index)},
                )
                # Only some partners have caught up with the new version.
                order = updated.index(school.short)
                readers = ["police_liaison"] if order < 4 else []
                readers += ["fire_liaison"] if order < 2 else []
                readers += [self.sro_of[school.short]] if order < 5 else []
                self._acknowledge(plan, v2, *readers)

            if school.short == SCHOOL_DRAFT[0]:
                draft_update = SCHOOL_DRAFT[1]
                self._draft(
                    plan,
                    actor=writer,
                    summary=draft_update.summary,
                    sections=school_text.school_sections(
                        facts_updated(f, draft_update), sro=sro, history=[*history, draft_update.summary]
                    ),
                    facts={building: key_facts.school_key_facts(facts_updated(f, draft_update), index=index)},
                )
                demo_reviews_create(plan=plan, users=self.users)
            if index % 5 == 0 or index == total:
                self.progress(f"  Published {index}/{total} school plans")

    def _review_cycle_from(self, plan: Plan, *, last_review: date) -> None:
        """A plan carried over from paper keeps its review cycle: the next review is one interval after the last
        review on paper, not after the day it was published in Concord (written directly: no service moves it)."""
        due = last_review + timedelta(days=plan.review_interval_days)
        Plan.objects.filter(pk=plan.pk).update(next_review_due=due)
        plan.next_review_due = due

    def _acknowledge_school_v1(
        self, plan: Plan, version: PlanVersion, *, index: int, sro: str, patrol: list[str]
    ) -> None:
        """Most partners acknowledged the first version; a few never did, so the status view has gaps."""
        readers = ["police_liaison", sro]
        if index % 5 != 0:
            readers.append("fire_liaison")
        if index % 3 != 0:
            readers.append("medic02")
        if index % 2 == 1:
            readers.append("em_staff01")
        if index % 4 == 1:
            readers.append("ems_medic")
        readers += self.rng.sample(patrol, self.rng.randint(3, 9))
        self._acknowledge(plan, version, *readers)

"""The demo's agency plans (police, county, partners, the fire district's pre-incident plan): steps of the demo
builder in plans/demo_data.py, which provides the helpers they call (_new_plan, _publish, _share, …)."""

import random
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from agencies.models import Agency, Facility
from plans.management.demo import agency_text, key_facts
from plans.management.demo.county import (
    CATHOLIC,
    EMS,
    FIRE,
    HSD211,
    OEM,
    POLICE,
    SCHOOL_UPDATES,
    SD58,
    SchoolFacts,
    facts_updated,
)
from plans.models import Classification, Plan, PlanKind, PlanVersion, ShareLevel


class AgencyPlansMixin:
    """Build steps for the plans agencies own, as opposed to the schools' crisis plans."""

    # What the builder (plans/demo_data.py) provides, declared for the type checker.
    rng: random.Random
    progress: Callable[[str], None]
    agencies: dict[str, Agency]
    facilities: dict[str, Facility]

    if TYPE_CHECKING:

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
        ) -> Plan: ...

        def _publish(
            self,
            plan: Plan,
            *,
            writer: str,
            publisher: str,
            summary: str,
            sections: list[dict],
            facts: dict[Facility, dict[str, key_facts.FactInput]] | None = None,
        ) -> PlanVersion: ...

        def _share(self, plan: Plan, *, actor: str, partners: Mapping[str, str]) -> None: ...

        def _acknowledge(self, plan: Plan, version: PlanVersion, *usernames: str) -> None: ...

        def _police_sources(self, plan: Plan, *, writer: str) -> None: ...

    def _agency_plans(self) -> None:
        self.progress("Publishing agency plans (police, emergency management, ambulance, district)…")
        self._police_plan()
        self._county_plans()
        self._partner_plans()

    def _police_plan(self) -> None:
        """The police department's own plan, shared back with the school systems only (not with EMS)."""
        plan = self._new_plan(
            actor="officer02",
            owner=POLICE,
            title="Active threat response plan",
            kind=PlanKind.AGENCY_RESPONSE,
            facilities=list(self.facilities.values()),
            classification=Classification.LAW_ENFORCEMENT_SENSITIVE,
            hazards=["active_threat"],
        )
        v1 = self._publish(
            plan,
            writer="officer02",
            publisher="police_admin",
            summary="Annual review",
            sections=agency_text.active_threat_sections(revised=False),
        )
        self._share(plan, actor="police_admin", partners=dict.fromkeys((SD58, HSD211, CATHOLIC), ShareLevel.VIEW))
        officers = [f"officer{n:02d}" for n in range(4, 83)]
        self._acknowledge(plan, v1, "hsd211_staff01", "catholic_staff02", *self.rng.sample(officers, 25))
        # Its "schools" section builds on every school's crisis plan: v2 records the versions it was written against.
        self._police_sources(plan, writer="officer02")
        v2 = self._publish(
            plan,
            writer="officer02",
            publisher="police_admin",
            summary="After the summer exercise at Riverside HS: rescue task forces enter the warm zone; new talkgroup.",
            sections=agency_text.active_threat_sections(revised=True),
        )
        self._acknowledge(
            plan, v2, "district_admin", "police_liaison", "police_officer", *self.rng.sample(officers, 40)
        )

    def _county_plans(self) -> None:
        """County emergency management's public plans, which every signed-in user can read."""
        county_plans = [
            (
                "Lindell County mutual aid and resource request plan",
                PlanKind.MUTUAL_AID,
                agency_text.mutual_aid_sections(),
            ),
            (
                "Lindell County hazardous materials response plan",
                PlanKind.AGENCY_RESPONSE,
                agency_text.hazmat_sections(),
            ),
            ("Severe weather readiness checklist", PlanKind.OTHER, agency_text.severe_weather_sections()),
        ]
        for title, kind, sections in county_plans:
            # The checklist is reviewed monthly in season, so it always shows on the review-due list.
            interval = 30 if kind == PlanKind.OTHER else 365
            plan = self._new_plan(
                actor="em_admin",
                owner=OEM,
                title=title,
                kind=kind,
                classification=Classification.PUBLIC,
                review_interval_days=interval,
            )
            version = self._publish(
                plan, writer="em_admin", publisher="em_admin", summary="Annual review", sections=sections
            )
            if kind != PlanKind.OTHER:
                self._acknowledge(plan, version, "police_liaison", "fire_liaison", "medic02")

    def _partner_plans(self) -> None:
        """The ambulance district's MCI plan and District 58's reunification plan, shared with partners."""
        plan = self._new_plan(
            actor="medic01",
            owner=EMS,
            title="Mass casualty incident plan",
            kind=PlanKind.AGENCY_RESPONSE,
            classification=Classification.PARTNER,
            hazards=["active_threat", "mass_casualty"],
        )
        version = self._publish(
            plan, writer="medic01", publisher="medic01", summary="Annual review", sections=agency_text.mci_sections()
        )
        self._share(
            plan, actor="medic01", partners={FIRE: ShareLevel.COMMENT, POLICE: ShareLevel.VIEW, OEM: ShareLevel.VIEW}
        )
        self._acknowledge(plan, version, "fire_liaison")

        plan = self._new_plan(
            actor="district_planner",
            owner=SD58,
            title="District 58 family reunification plan",
            kind=PlanKind.REUNIFICATION,
            facilities=[f for f in self.facilities.values() if f.owner_agency_id == self.agencies[SD58].pk],
            classification=Classification.PARTNER,
        )
        version = self._publish(
            plan,
            writer="district_planner",
            publisher="district_admin",
            summary="Annual review",
            sections=agency_text.reunification_sections(),
        )
        self._share(
            plan,
            actor="district_admin",
            partners={POLICE: ShareLevel.COMMENT, FIRE: ShareLevel.VIEW, EMS: ShareLevel.VIEW, OEM: ShareLevel.VIEW},
        )
        self._acknowledge(plan, version, "police_liaison", "em_staff01")

    def _fire_plan(self, facts: list[SchoolFacts]) -> None:
        """The fire district's pre-incident plan for every school, shared with the three school systems. Its key
        facts agree with the schools' current plans but for one planted conflict (see demo/key_facts.py), which
        publishing detects and announces to both agencies."""
        self.progress("Publishing the fire district's pre-incident plan (its facts are compared with the schools')…")
        plan = self._new_plan(
            actor="firefighter01",
            owner=FIRE,
            title="Fire District pre-incident plan for schools",
            kind=PlanKind.AGENCY_RESPONSE,
            facilities=list(self.facilities.values()),
            classification=Classification.PARTNER,
            hazards=["fire", "hazmat", "active_threat"],
        )
        stated = {}
        for index, f in enumerate(facts, 1):
            update = SCHOOL_UPDATES.get(f.school.short)
            current = facts_updated(f, update) if update is not None else f
            stated[self.facilities[f.school.short]] = key_facts.fire_key_facts(current, f, index=index)
        self._publish(
            plan,
            writer="firefighter01",
            publisher="firefighter01",
            summary="Annual review with the school districts",
            sections=key_facts.fire_preincident_sections(),
            facts=stated,
        )
        self._share(plan, actor="firefighter01", partners=dict.fromkeys((SD58, HSD211, CATHOLIC), ShareLevel.VIEW))

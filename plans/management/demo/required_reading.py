"""The demo's required reading (issue 15): the police department requires every school crisis plan of its School
Resource Officers and its active-threat plan of everyone, and its people stand at every state — most read, some
due, a few overdue — so a first sign-in as police_admin or police_officer shows what the feature is for.

A step of the demo builder in plans/demo_data.py; every write goes through a service, except the due dates of the
few obligations made overdue or due soon: the demo's whole history is published today, so those are backdated
directly, as the demo does for other history (`_review_cycle_from`). The nightly full sync recomputes due dates
from publication times, so on a demo left running they drift back to "due" after the first night.
"""

import random
from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from agencies.models import Agency
from plans.management.demo.county import POLICE
from plans.models import Plan, PlanKind
from plans.services import plan_version_acknowledge
from reading.models import Audience, ReadingObligation
from reading.services import reading_group_create, reading_group_member_add, reading_requirement_create
from reading.sync import obligations_sync

SROS = ["officer04", "officer05", "officer06", "police_officer", "officer07", "officer08", "officer09", "officer10"]
COMMAND_STAFF = ["police_admin", "officer01", "officer02", "officer03"]
# police_officer's own queue: these school plans stay to read (the first overdue, the second due in two days).
OFFICER_TO_READ = 4
STILL_OPEN = 0.2  # share of the other obligations left unread
OVERDUE = 0.35  # of those, overdue


class RequiredReadingMixin:
    """Build step for the police department's required reading."""

    progress: Callable[[str], None]
    agencies: dict[str, Agency]
    users: dict[str, User]

    def _required_reading(self) -> None:
        police = self.agencies[POLICE]
        admin = self.users["police_admin"]
        self.progress("Setting the police department's required reading (SROs: every school plan; all: active threat)…")
        sros = reading_group_create(
            agency=police,
            name="School Resource Officers",
            description="Every school's SRO; the School Services Unit sergeant supervises.",
            actor=admin,
        )
        for username in SROS:
            reading_group_member_add(group=sros, user=self.users[username], actor=admin)
        reading_group_member_add(group=sros, user=self.users["police_liaison"], is_supervisor=True, actor=admin)
        command = reading_group_create(agency=police, name="Command staff", actor=admin)
        for username in COMMAND_STAFF:
            reading_group_member_add(group=command, user=self.users[username], actor=admin)
        for plan in Plan.objects.filter(kind=PlanKind.SCHOOL_EOP).order_by("title"):
            reading_requirement_create(
                agency=police, plan=plan, audience=Audience.GROUP, group=sros, due_days=14, actor=admin
            )
        threat = Plan.objects.get(owner_agency=police, title="Active threat response plan")
        reading_requirement_create(agency=police, plan=threat, audience=Audience.EVERYONE, due_days=14, actor=admin)
        obligations_sync()
        self._reading_spread(police)

    def _reading_spread(self, police: Agency) -> None:
        """Most of the department has read what it owes; the rest is due, and a few are overdue."""
        rng = random.Random(20130618 + 3)  # noqa: S311 - demo data needs repeatability, not secrecy
        rows = list(
            ReadingObligation.objects.filter(agency=police, acknowledged_at__isnull=True)
            .select_related("user", "version", "plan")
            .order_by("user__username", "plan__title")
        )
        officer = self.users["police_officer"]
        kept: list[ReadingObligation] = []
        officer_kept: list[ReadingObligation] = []
        for row in rows:
            if row.user_id == officer.pk:
                if len(officer_kept) < OFFICER_TO_READ:
                    officer_kept.append(row)
                    continue
            elif row.user.username == "police_liaison" or rng.random() < STILL_OPEN:
                # The supervisor is behind on purpose (the agency acknowledgements of the demo stay as they are).
                kept.append(row)
                continue
            plan_version_acknowledge(version=row.version, actor=row.user)
        now = timezone.now()
        backdated: list[ReadingObligation] = []
        for row, due in zip(officer_kept, (now - timedelta(days=3), now + timedelta(days=2)), strict=False):
            row.due_at = due
            backdated.append(row)
        for row in kept:
            chance = rng.random()
            if chance < OVERDUE:
                row.due_at = now - timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 23))
            elif chance < OVERDUE + 0.2:
                row.due_at = now + timedelta(days=rng.randint(1, 3))
            else:
                continue
            backdated.append(row)
        ReadingObligation.objects.bulk_update(backdated, ["due_at"], batch_size=500)
        counts = ReadingObligation.objects.filter(agency=police)
        self.progress(
            f"  {counts.count()} readings owed at the police department: "
            f"{counts.filter(acknowledged_at__isnull=False).count()} read, "
            f"{counts.filter(acknowledged_at__isnull=True, due_at__lt=now).count()} overdue, "
            f"{counts.filter(acknowledged_at__isnull=True, due_at__gte=now).count()} due"
        )

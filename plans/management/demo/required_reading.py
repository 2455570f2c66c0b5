"""The demo's required reading (issue 15): the police department requires every school crisis plan of its School
Resource Officers and its active-threat plan of everyone, and its people stand at every state — most read, some
due, a few overdue — so a first sign-in as police_admin or police_officer shows what the feature is for.

A step of the demo builder in plans/demo_data.py; every write goes through a service. The due dates are the ones
`reading/sync.py` computes: the demo's plans were published over the last weeks (the builder's clock), and the
department set its requirements and groups, and its people joined, before that (`history_start`, written
directly as the demo does for other history), so the plans published more than 14 days ago are overdue for whoever
has not read them — and stay so when the nightly full sync recomputes every due date.
"""

import random
from collections.abc import Callable
from datetime import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from agencies.models import Agency, Membership
from plans.management.demo.county import POLICE
from plans.models import Plan, PlanKind
from plans.services import plan_version_acknowledge
from reading.models import Audience, ReadingGroupMember, ReadingObligation, ReadingRequirement
from reading.services import reading_group_create, reading_group_member_add, reading_requirement_create
from reading.sync import obligations_sync

SROS = ["officer04", "officer05", "officer06", "police_officer", "officer07", "officer08", "officer09", "officer10"]
COMMAND_STAFF = ["police_admin", "officer01", "officer02", "officer03"]
OFFICER_TO_READ = 4  # police_officer's own queue: one overdue, the rest due
STILL_OPEN = 0.2  # share of the other obligations left unread


class RequiredReadingMixin:
    """Build step for the police department's required reading."""

    progress: Callable[[str], None]
    agencies: dict[str, Agency]
    users: dict[str, User]
    history_start: datetime

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
        self._reading_history(police)
        obligations_sync(agency_ids=[police.pk])
        self._reading_spread(police)

    def _reading_history(self, police: Agency) -> None:
        """The department's people, groups and requirements date from before the demo's plans were published."""
        Membership.objects.filter(agency__in=self.agencies.values()).update(created_at=self.history_start)
        ReadingGroupMember.objects.filter(group__agency=police).update(added_at=self.history_start)
        ReadingRequirement.objects.filter(agency=police).update(created_at=self.history_start)

    def _reading_spread(self, police: Agency) -> None:
        """Most of the department has read what it owes; the rest is due or, for the older plans, overdue."""
        rng = random.Random(20130618 + 3)  # noqa: S311 - demo data needs repeatability, not secrecy
        now = timezone.now()
        rows = list(
            ReadingObligation.objects.filter(agency=police, acknowledged_at__isnull=True)
            .select_related("user", "version", "plan")
            .order_by("user__username", "plan__title")
        )
        officer = self.users["police_officer"]
        mine = [row for row in rows if row.user_id == officer.pk]
        # police_officer's own queue: the first overdue plan and the first few due, by title.
        officer_kept = [row for row in mine if row.due_at < now][:1]
        officer_kept += [row for row in mine if row.due_at >= now][: OFFICER_TO_READ - len(officer_kept)]
        for row in rows:
            if row in officer_kept:
                continue
            # The supervisor is behind on purpose (the agency acknowledgements of the demo stay as they are).
            if row.user_id != officer.pk and (row.user.username == "police_liaison" or rng.random() < STILL_OPEN):
                continue
            plan_version_acknowledge(version=row.version, actor=row.user)
        counts = ReadingObligation.objects.filter(agency=police)
        self.progress(
            f"  {counts.count()} readings owed at the police department: "
            f"{counts.filter(acknowledged_at__isnull=False).count()} read, "
            f"{counts.filter(acknowledged_at__isnull=True, due_at__lt=now).count()} overdue, "
            f"{counts.filter(acknowledged_at__isnull=True, due_at__gte=now).count()} due"
        )

"""`manage.py seed_demo`: load the Fairbrook demo county once, then print the demo logins."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError

from plans.demo_data import demo_build, demo_loaded, demo_username_clashes

# Demo only: every demo account shares this password. Never load the demo on a real deployment.
DEMO_PASSWORD = "concord-demo"  # noqa: S105


@dataclass(frozen=True)
class DemoLogin:
    """A memorable demo account and what to try with it."""

    username: str
    where: str
    can: str


DEMO_LOGINS: list[DemoLogin] = [
    DemoLogin(
        "operator",
        "platform staff and superuser (no agency)",
        "Django admin at /admin/; create agencies (POST /api/v1/agencies/) and users",
    ),
    DemoLogin(
        "district_admin",
        "Fairbrook SD 58, admin (district safety coordinator)",
        "publish and share the 13 district school plans; see who acknowledged; the police plan asks for "
        "multi-factor sign-in first",
    ),
    DemoLogin(
        "district_planner",
        "Fairbrook SD 58, planner",
        "write drafts (Maple Grove Elementary has one in progress); cannot publish",
    ),
    DemoLogin(
        "police_admin",
        "Fairbrook PD, admin (chief)",
        "owns the law-enforcement-sensitive Active threat response plan; 85 members, 8 SROs; code: demo_totp",
    ),
    DemoLogin(
        "police_liaison",
        "Fairbrook PD, liaison",
        "comment on all 19 school plans; acknowledge for the department; code: demo_totp",
    ),
    DemoLogin(
        "police_officer",
        "Fairbrook PD, member (SRO of Fairbrook High School)",
        "read the current school plans and the active-threat plan; acknowledge personally; code: demo_totp",
    ),
    DemoLogin(
        "fire_liaison",
        "Fairbrook FPD, liaison",
        "comment on school plans; some acknowledged only the previous version",
    ),
    DemoLogin(
        "ems_medic",
        "Lindell County Ambulance District, member",
        "read school plans (view only); cannot see the police plan",
    ),
    DemoLogin(
        "em_admin",
        "Lindell County OEM, admin",
        "owns the public mutual aid, hazmat and severe-weather plans; reads the school plans",
    ),
]


@contextmanager
def _demo_history_not_emailed() -> Iterator[None]:
    """The demo's made-up history still creates in-app alerts, but its e-mails go nowhere.

    Without a broker the alerts are fanned out in this process as the demo is built; sending the
    several hundred e-mails of that history would bury the demo logins under the console backend's
    output (and mail the invented addresses on a real SMTP server).
    """
    previous = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    try:
        yield
    finally:
        settings.EMAIL_BACKEND = previous


class Command(BaseCommand):
    help = (
        "Load the demo county (police, fire, EMS, emergency management, three school systems, 19 schools with "
        "their crisis plans, shares and acknowledgements) and print the demo logins. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_loaded():
            self.stdout.write("The demo data is already loaded; nothing to do.")
            self._print_logins()
            return
        clashes = demo_username_clashes()
        if clashes:
            raise CommandError(
                f"These usernames already exist, so the demo cannot be loaded here: {', '.join(clashes)}. "
                "Load the demo into an empty database."
            )
        started = time.monotonic()
        self.stdout.write("Hashing the demo password (once)…")
        with _demo_history_not_emailed():
            summary = demo_build(password_hash=make_password(DEMO_PASSWORD), progress=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded in {time.monotonic() - started:.1f}s: {summary.agencies} agencies, "
                f"{summary.users} people, {summary.schools} schools, {summary.plans} plans, "
                f"{summary.versions} versions."
            )
        )
        self._print_logins()

    def _print_logins(self) -> None:
        rows = [("username", "agency and role", "what to try")]
        rows += [(login.username, login.where, login.can) for login in DEMO_LOGINS]
        widths = [max(len(row[column]) for row in rows) for column in range(2)]
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo logins"))
        for index, (username, where, can) in enumerate(rows):
            line = f"  {username.ljust(widths[0])}  {where.ljust(widths[1])}  {can}"
            self.stdout.write(self.style.MIGRATE_LABEL(line) if index == 0 else line)
        self.stdout.write("")
        self.stdout.write(
            f"Password for every demo account: {DEMO_PASSWORD}  (demo only: never load this data on a real deployment)."
        )
        self.stdout.write(
            "Every other generated person (officer01-officer82, firefighter01-05, medic01-05, em_staff01-03, "
            "sd58_staff01-02, hsd211_staff01-04, catholic_staff01-02, principal_<school>) uses the same password."
        )
        self.stdout.write(
            "The police department requires multi-factor sign-in: after the password, every police account "
            "(police_*, officer01-officer82) asks for the code that `python manage.py demo_totp <username>` prints "
            "(a DEMO-ONLY authenticator secret, the same for all of them)."
        )

"""Required reading at scale, added to a generated bench database: a big department and every agency's requirements.

- **The department**: a new police department of `department_people` people (3 admins, 2 liaisons, the rest
  members) that may read what the reader's agency reads (its grants copied), in groups of 100 with one
  supervisor each, requiring `department_plans` of those plans of everyone.
- **Everyone else**: every other agency requires `per_agency` of the plans it may read, of everyone, so all
  the state's people owe something.

The obligations are then written by the product's own nightly sync (`reading.sync_all`), which is timed.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from access.actors import SYSTEM
from agencies.models import Agency, Membership, Role
from agencies.services import agency_create
from bench.scales import READER_AGENCY_SLUG
from reading.models import ReadingGroup, ReadingGroupMember, ReadingObligation
from reading.sync_all import obligations_sync_all

DEPARTMENT_SLUG = "bench-reading-department"
GROUP_SIZE = 100
Progress = Callable[[str], None]


@dataclass
class ReadingData:
    department_id: int
    people: int
    department_plans: int
    requirements: int
    obligations: int
    seconds: dict[str, float] = field(default_factory=dict)
    sync: dict[str, Any] = field(default_factory=dict)


def _department(people: int, progress: Progress) -> Agency:
    agency = agency_create(actor=SYSTEM, name="Bench Reading Department", slug=DEPARTMENT_SLUG, kind="police")
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(
                username=f"bench_reading_{i:05d}",
                first_name=f"Person{i:05d}",
                last_name=f"Reader{i % 997:03d}",
                email=f"reading{i}@bench.example.org",
            )
            for i in range(people)
        ],
        batch_size=2000,
    )

    def role(i: int) -> str:
        return Role.ADMIN if i < 3 else Role.LIAISON if i < 5 else Role.MEMBER

    Membership.objects.bulk_create(
        [Membership(user=u, agency=agency, role=role(i)) for i, u in enumerate(users)], batch_size=2000
    )
    for start in range(5, people, GROUP_SIZE):
        group = ReadingGroup.objects.create(agency=agency, name=f"Shift {start // GROUP_SIZE + 1}")
        chunk = users[start : start + GROUP_SIZE]
        ReadingGroupMember.objects.bulk_create(
            [ReadingGroupMember(group=group, user=u, is_supervisor=i == 0) for i, u in enumerate(chunk)]
        )
    with connection.cursor() as cursor:
        # The reader's agency's grants, copied to the department's group (bench data, not a share).
        cursor.execute(
            "INSERT INTO plans_plangroupobjectpermission (content_object_id, plan_title, group_id, permission_id) "
            "SELECT g.content_object_id, g.plan_title, %s, g.permission_id FROM plans_plangroupobjectpermission g "
            "JOIN agencies_agency a ON a.group_id = g.group_id WHERE a.slug = %s",
            [agency.group_id, READER_AGENCY_SLUG],
        )
    progress(f"[reading] department: {people:,} people in {Agency.objects.get(pk=agency.pk).name}")
    return agency


# Each agency requires (of everyone) the first N plans it may read through a view grant, by plan id.
_REQUIREMENTS_SQL = """
INSERT INTO reading_readingrequirement (agency_id, plan_id, audience, role, group_id, due_days, created_at, updated_at)
SELECT agency_id, plan_id, 'everyone', '', NULL, 14, now(), now() FROM (
    SELECT a.id AS agency_id, g.content_object_id AS plan_id,
        row_number() OVER (PARTITION BY a.id ORDER BY g.content_object_id) AS n
    FROM agencies_agency a
    JOIN plans_plangroupobjectpermission g ON g.group_id = a.group_id
    JOIN auth_permission p ON p.id = g.permission_id AND p.codename = 'view_plan'
    JOIN plans_plan pl ON pl.id = g.content_object_id AND pl.owner_agency_id <> a.id
    JOIN plans_planversion v ON v.id = pl.current_version_id AND v.state = 'published'
) ranked
WHERE n <= CASE WHEN agency_id = %s THEN %s ELSE %s END
ON CONFLICT DO NOTHING
"""


def generate_reading(
    *, department_people: int, department_plans: int, per_agency: int, progress: Progress
) -> ReadingData:
    """Add the department, every agency's requirements, and the obligations (by the product's full sync)."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    with transaction.atomic():
        department = _department(department_people, progress)
        seconds["department"] = time.perf_counter() - started
        step = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(_REQUIREMENTS_SQL, [department.pk, department_plans, per_agency])
            requirements = cursor.rowcount
        seconds["requirements"] = time.perf_counter() - step
    progress(f"[reading] {requirements:,} requirements; full obligations sync (the nightly safety net)…")
    step = time.perf_counter()

    def report(done: int, total: int) -> None:
        if done % 500 == 0 or done == total:
            progress(f"[reading]   synced {done:,} of {total:,} agencies ({time.perf_counter() - step:.1f} s)")

    synced = obligations_sync_all(progress=report)
    seconds["full sync"] = time.perf_counter() - step
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reading_readingobligation")
    obligations = ReadingObligation.objects.count()
    plans = ReadingObligation.objects.filter(agency=department).values("plan_id").distinct().count()
    progress(f"[reading] {obligations:,} obligations written in {seconds['full sync']:.1f} s")
    return ReadingData(
        department_id=department.pk,
        people=department_people,
        department_plans=plans,
        requirements=requirements,
        obligations=obligations,
        seconds={k: round(v, 2) for k, v in seconds.items()},
        sync=synced.__dict__,
    )

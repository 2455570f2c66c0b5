"""Measure one publish fanned out to N people by one real Celery worker on Redis.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/concord_bench REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/publish_fanout.py --recipients 500

It migrates the database it is given, so point it at a scratch database (it creates what it needs).
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=500)
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL") or "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: this measures the real broker and worker.")

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from agencies.models import AgencyKind, Membership, Role
    from agencies.services import agency_create, membership_add
    from notifications.models import Notification, OutboxEvent
    from plans import services
    from plans.models import ShareLevel
    from portal.celery import app

    print("Migrating…", flush=True)
    call_command("migrate", verbosity=0)
    user_model = get_user_model()
    stamp = str(int(time.time()))
    owner = agency_create(name=f"Bench district {stamp}", slug=f"bench-d-{stamp}", kind=AgencyKind.SCHOOL_DISTRICT)
    partner = agency_create(name=f"Bench police {stamp}", slug=f"bench-p-{stamp}", kind=AgencyKind.POLICE)
    admin = user_model.objects.create_user(username=f"bench-admin-{stamp}")
    membership_add(agency=owner, user=admin, role=Role.ADMIN, actor=None)
    print(f"Creating {args.recipients} partner members…", flush=True)
    people = user_model.objects.bulk_create(
        [user_model(username=f"bench-{stamp}-{i}", email=f"b{i}@example.org") for i in range(args.recipients)]
    )
    Membership.objects.bulk_create([Membership(user=u, agency=partner, role=Role.MEMBER) for u in people])
    plan = services.plan_create(actor=admin, title="Bench plan", kind="school_eop", owner_agency=owner, facilities=[])
    services.plan_share(plan=plan, agency=partner, level=ShareLevel.VIEW, actor=admin)
    draft = services.plan_version_create_draft(plan=plan, actor=admin)
    app.control.purge()

    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "-l",
            "warning",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        time.sleep(3)  # let the worker connect before the clock starts
        started = time.perf_counter()
        services.plan_version_publish(version=draft, actor=admin)
        published = time.perf_counter()
        event = OutboxEvent.objects.filter(plan=plan, event_type="version.published").latest("id")
        expected = args.recipients  # the partner's members; the publisher is not told
        while Notification.objects.filter(event=event).count() < expected:
            if time.perf_counter() - started > 120:
                sys.exit("Timed out after 120 s")
            time.sleep(0.01)
        done = time.perf_counter()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    print(f"publish call (transaction + hand-off): {1000 * (published - started):.0f} ms")
    print(f"publish → all {expected} in-app notifications exist: {1000 * (done - started):.0f} ms (one worker)")


if __name__ == "__main__":
    main()

"""One publish fanned out to N people by one real Celery worker on Redis (a quick check; `bench/run.py` does it all).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/concord_bench_quick \\
        .venv/bin/python -m bench.publish_fanout --recipients 500

It migrates the database it is given and adds its own agencies, so point it at a scratch database named
concord_bench…; Redis is db 7 unless BENCH_REDIS_URL says otherwise.
"""

import argparse
import os
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=500)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.rsplit("/", 1)[-1].startswith("concord_bench"):
        sys.exit("Set BENCH_DATABASE_URL to a scratch PostgreSQL database named concord_bench…")
    os.environ["DATABASE_URL"] = url
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
    from bench.django_env import setup

    setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from access.actors import SYSTEM
    from agencies.models import AgencyKind, Membership, Role
    from agencies.services import agency_create, membership_add
    from bench.fanout import Worker, copy_limit
    from notifications.models import OutboxEvent
    from plans import services
    from plans.models import ShareLevel
    from portal.celery import app

    call_command("migrate", verbosity=0)
    user_model = get_user_model()
    stamp = str(int(time.time()))
    owner = agency_create(
        actor=SYSTEM, name=f"Quick district {stamp}", slug=f"quick-d-{stamp}", kind=AgencyKind.SCHOOL_DISTRICT
    )
    partner = agency_create(actor=SYSTEM, name=f"Quick police {stamp}", slug=f"quick-p-{stamp}", kind=AgencyKind.POLICE)
    admin = user_model.objects.create_user(username=f"quick-admin-{stamp}")
    membership_add(agency=owner, user=admin, role=Role.ADMIN, actor=SYSTEM)
    print(f"Creating {args.recipients} partner members…", flush=True)
    people = user_model.objects.bulk_create(
        [user_model(username=f"quick-{stamp}-{i}", email=f"q{i}@example.org") for i in range(args.recipients)]
    )
    Membership.objects.bulk_create([Membership(user=u, agency=partner, role=Role.MEMBER) for u in people])
    plan = services.plan_create(actor=admin, title="Quick plan", kind="school_eop", owner_agency=owner, facilities=[])
    services.plan_share(plan=plan, agency=partner, level=ShareLevel.VIEW, actor=admin)
    draft = services.plan_version_create_draft(plan=plan, actor=admin)
    app.control.purge()
    with Worker():  # waits until the worker answers a ping, so the clock starts with a ready worker
        started = time.perf_counter()
        services.plan_version_publish(version=draft, actor=admin)
        published = time.perf_counter()
        event = OutboxEvent.objects.filter(plan=plan, event_type="version.published").latest("id")
        deadline = time.monotonic() + 120
        while not OutboxEvent.objects.filter(pk=event.pk, dispatched_at__isnull=False).exists():
            if time.monotonic() > deadline:
                sys.exit("Timed out after 120 s")
            time.sleep(0.01)
        done = time.perf_counter()
    print(f"publish call (transaction + hand-off): {1000 * (published - started):.0f} ms")
    print(f"publish → all {args.recipients} in-app notifications exist: {1000 * (done - started):.0f} ms (one worker)")
    print(f"COPY of the same rows: {copy_limit(event=event)['median_ms']} ms")


if __name__ == "__main__":
    main()

"""Server time of the main web pages on the demo data (PostgreSQL), signed in as demo users.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/concord_pages .venv/bin/python bench/web_pages.py

It migrates and seeds the database it is given (seed_demo is idempotent), then requests each page
through Django's test client in-process: the figure is the time Django takes to answer, without the
network. Medians of 20 requests after 3 warm-up requests, with the query count of one request.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
RUNS, WARMUP = 20, 3


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from plans.models import Plan

    if connection.vendor != "postgresql":
        sys.exit("Point DATABASE_URL at a PostgreSQL database.")
    print("Migrating and loading the demo data…", flush=True)
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    school_plan = Plan.objects.filter(kind="school_eop", versions__number=2).order_by("id").first()
    school = school_plan.facilities.first()
    police_plan = Plan.objects.get(title="Active threat response plan")
    pages = [
        ("district_admin", "dashboard", "/"),
        ("police_liaison", "dashboard", "/"),
        ("police_liaison", "plan list", "/plans/"),
        ("police_liaison", "plan page", f"/plans/{school_plan.pk}/"),
        ("district_admin", "plan page (owner, acknowledgements)", f"/plans/{school_plan.pk}/"),
        ("police_liaison", "diff", f"/plans/{school_plan.pk}/diff/"),
        ("district_admin", "print", f"/plans/{police_plan.pk}/print/"),
        ("police_officer", "facility page", f"/facilities/{school.pk}/"),
        ("police_officer", "facility list", "/facilities/"),
        ("police_admin", "agency page (85 members)", f"/agencies/{police_plan.owner_agency_id}/"),
        ("police_liaison", "alerts", "/alerts/"),
    ]
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    print(f"{'page':40} {'user':16} {'median ms':>9} {'p95 ms':>7} {'queries':>7}")
    for username, name, url in pages:
        client = Client(HTTP_HOST="127.0.0.1")  # a host the default ALLOWED_HOSTS accepts
        client.force_login(users.get(username=username))
        for _ in range(WARMUP):
            status = client.get(url).status_code
            if status != 200:
                sys.exit(f"{name} ({url}) answered {status} for {username}")
        timings = []
        for _ in range(RUNS):
            started = time.perf_counter()
            client.get(url)
            timings.append(1000 * (time.perf_counter() - started))
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(f"{name:40} {username:16} {statistics.median(timings):9.1f} {p95:7.1f} {len(queries):7d}", flush=True)


if __name__ == "__main__":
    main()

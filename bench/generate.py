"""Generate a Concord data set of a given scale with PostgreSQL COPY (psycopg 3 `cursor.copy`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/concord_bench_small .venv/bin/python -m bench.generate --scale small

The database must be migrated and hold no agencies yet (`bench/run.py` creates a fresh one). The rows are
what the services would have written — agencies with their groups, members, buildings, plans with 1-5
versions (all but the last superseded, the last published and current, a few with a draft on top), ordered
sections, content digests, shares, the owner's and partners' guardian grants in
`plans_plangroupobjectpermission`, the search document and vector — plus, for the naive-peer comparison
only, the same grants mirrored in guardian's generic `guardian_groupobjectpermission` and each member in
their agency's group (`auth_user_groups`), which guardian's generic path reads and the product does not.
Audit events and outbox rows of this history are not generated.
"""

import argparse
import json
import random
import sys
import time

from bench.generate_agencies import load_agencies
from bench.generate_plans import load_plans
from bench.loader import Generated, Loader, Progress, drop_secondary_indexes, reset_sequences
from bench.scales import SCALES, Scale

SEED = 20130618


def generate(*, scale: Scale, progress: Progress = print, rebuild_indexes: bool = False, seed: int = SEED) -> Generated:
    """Load one scale's data into the default database in the current transaction (call inside atomic)."""
    from django.db import connection

    result = Generated(scale=scale.name)
    started = time.perf_counter()
    rng = random.Random(seed)
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        loader = Loader(cursor, progress, result)
        # Triggers (foreign-key checks, the published-content guard) are skipped while loading rows that
        # are consistent by construction; superuser only, and for this transaction only.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        dropped = drop_secondary_indexes(loader) if rebuild_indexes else []
        agencies, _ = load_agencies(scale, rng, loader)
        load_plans(scale, agencies, rng, loader)
        index_started = time.perf_counter()
        for definition in dropped:
            cursor.execute(definition)
        if dropped:
            loader.stage("rebuild secondary indexes", index_started, f"{len(dropped)} indexes")
        reset_sequences(
            loader,
            ["auth_group", "auth_user", "agencies_agency", "agencies_membership", "agencies_facility", "plans_plan",
             "plans_planversion", "plans_section", "plans_planshare", "plans_plangroupobjectpermission",
             "plans_plan_facilities"],
        )  # fmt: skip
        cursor.execute("SET LOCAL session_replication_role = origin")
    result.seconds = time.perf_counter() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    args = parser.parse_args()
    from bench.django_env import setup

    setup()
    from django.db import connection, transaction

    from agencies.models import Agency

    if Agency.objects.exists():
        sys.exit("This database already holds agencies: generate into a fresh, migrated database (bench/run.py does).")
    with transaction.atomic():
        result = generate(scale=SCALES[args.scale], rebuild_indexes=True)
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        result.stages["vacuum analyze"] = time.perf_counter() - started
    print(json.dumps({"scale": result.scale, "seconds": round(result.seconds, 1), "counts": result.counts}, indent=2))


if __name__ == "__main__":
    main()

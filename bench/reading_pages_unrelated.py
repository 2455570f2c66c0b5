"""`bench.reading_pages` with a publish elsewhere in the state committed before every `/to-read/` check: the
hit path right after unrelated changes.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/concord_bench_state \\
      .venv/bin/python -m bench.reading_pages_unrelated --out /tmp/reading-pages-unrelated.json

Before each kept page's stamps are checked (reading/queue_cache.py), one plan that is in nobody's queue and one
agency that owns none of the department's plans get new stamps, committed, as a publish (a new current version)
and an agency's rename elsewhere do through the triggers. The write is inside the timed request (one statement,
autocommit, `synchronous_commit` off for this bench's connection so that it does not wait for the disk), so
the figure is the hit's plus that statement. At the end it prints how many pages were computed:
after the warm-up, none should be.
"""

import atexit
from typing import Any

from bench import django_env, reading_pages

_PICK = """
SELECT (SELECT id FROM plans_plan p WHERE NOT EXISTS (SELECT 1 FROM reading_readingobligation o WHERE o.plan_id = p.id)
        ORDER BY id DESC LIMIT 1),
       (SELECT id FROM agencies_agency a WHERE NOT EXISTS (SELECT 1 FROM plans_plan p WHERE p.owner_agency_id = a.id)
        ORDER BY id LIMIT 1)
"""
_BUMP = """
WITH p AS (INSERT INTO reading_queue_plan_stamp (plan_id, stamp) VALUES (%s, nextval('reading_queue_stamp_seq'))
           ON CONFLICT (plan_id) DO UPDATE SET stamp = EXCLUDED.stamp RETURNING 1)
INSERT INTO reading_queue_agency_stamp (agency_id, stamp) VALUES (%s, nextval('reading_queue_stamp_seq'))
ON CONFLICT (agency_id) DO UPDATE SET stamp = EXCLUDED.stamp
"""


def _unrelated_change_before_every_check() -> None:
    from django.db import connection

    from reading import queue_cache, queue_page

    with connection.cursor() as cursor:
        cursor.execute(_PICK)
        plan_id, agency_id = cursor.fetchone()
        # The bench's own writes need not wait for the disk (the requests only read): the figure stays the hit's.
        cursor.execute("SET synchronous_commit TO off")
    check, compute = queue_cache.still_current, queue_page.stamped_queue_page
    computed = [0]

    def after_a_change(page: queue_cache.StampedPage) -> bool:
        if plan_id in page.plans or agency_id in page.owners:
            raise RuntimeError("the 'unrelated' plan or agency is on the page")
        with connection.cursor() as cursor:
            cursor.execute(_BUMP, [plan_id, agency_id])
        return check(page)

    def counted(**kwargs: Any) -> queue_cache.StampedPage:
        computed[0] += 1
        return compute(**kwargs)

    queue_cache.still_current = after_a_change  # type: ignore[assignment]  # the bench's own stand-ins
    queue_page.stamped_queue_page = counted  # type: ignore[assignment]
    atexit.register(lambda: print(f"[unrelated] pages computed: {computed[0]} (plan {plan_id}, agency {agency_id})"))


def main() -> None:
    setup = django_env.setup

    def setup_then_unrelated(*args: Any, **kwargs: Any) -> None:
        setup(*args, **kwargs)
        _unrelated_change_before_every_check()

    django_env.setup = setup_then_unrelated  # type: ignore[assignment]
    reading_pages.main()


if __name__ == "__main__":
    main()

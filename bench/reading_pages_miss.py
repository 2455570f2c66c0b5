"""`bench.reading_pages` with every `/to-read/` page computed, as a person's first view after a change to one of
its plans finds it.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/concord_bench_state \\
      .venv/bin/python -m bench.reading_pages_miss --out /tmp/reading-pages-miss.json

`bench.reading_pages` requests each page once before timing it, so `/to-read/`'s rows are then kept
(reading/queue_cache.py) and every timed request is a hit. Here the kept page's stamps are still checked (their
one query, as on a real miss) but the check then says "changed", so every request computes its page and stores it.
"""

from typing import Any

from bench import django_env, reading_pages


def _every_request_a_miss() -> None:
    from reading import queue_cache

    check = queue_cache.still_current

    def changed(page: queue_cache.StampedPage) -> bool:
        check(page)
        return False

    queue_cache.still_current = changed  # type: ignore[assignment]  # the bench's own stand-in


def main() -> None:
    setup = django_env.setup

    def setup_then_miss(*args: Any, **kwargs: Any) -> None:
        setup(*args, **kwargs)
        _every_request_a_miss()

    django_env.setup = setup_then_miss  # type: ignore[assignment]
    reading_pages.main()


if __name__ == "__main__":
    main()

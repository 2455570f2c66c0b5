"""Median server time of web pages against the HTML floor, in this process and in the same minute.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/concord_bench_state REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python -m bench.floor_ratio --url /plans/ --url '/plans/?q=fire' -n 40

Signed in as the generated reader with a session. The pages and the floor (`/bench/html-floor/`, a constant
page through the same middleware and base template) are requested in turn, so a busy moment on a shared
machine falls on both; prints each page's median, its ratio to the floor's median and its query count.
"""

import argparse
import os
import statistics
import time

FLOOR_URL = "/bench/html-floor/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", action="append", required=True, help="a page to measure (repeatable)")
    parser.add_argument("-n", type=int, default=40, help="requests to each page")
    args = parser.parse_args()
    from bench.django_env import setup

    setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.clients import reader_client

    client = reader_client(session=True)
    urls = [FLOOR_URL, *args.url]
    queries: dict[str, int] = {}
    for url in urls:
        for _ in range(3):
            if client.get(url).status_code != 200:
                raise SystemExit(f"{url} did not answer 200")
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries[url] = len(captured)
    times: dict[str, list[float]] = {url: [] for url in urls}
    for _ in range(args.n):
        for url in urls:
            start = time.perf_counter()
            client.get(url)
            times[url].append(1000 * (time.perf_counter() - start))
    floor = statistics.median(times[FLOOR_URL])
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {args.n} requests each, medians")
    for url in urls:
        median = statistics.median(times[url])
        print(f"{median:8.1f} ms  {median / floor:5.1f}x floor  {queries[url]:3d} queries  {url}")


if __name__ == "__main__":
    main()

"""Profile one read-path endpoint as the generated reader, in this process.

DATABASE_URL=... REDIS_URL=... .venv/bin/python -m bench.profile --url '/api/v1/plans/?page_size=50' -n 30
... -m bench.profile --url / --session --cpu -n 50   # the dashboard; CPU time per function (cProfile)

By default pyinstrument (bench requirement) samples wall-clock time. `--cpu` uses cProfile timed with
the process's CPU time instead: on a machine shared with other work, waiting for a core or for
PostgreSQL then does not count, and it first prints the wall-clock and CPU milliseconds per request.
"""

import argparse
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="/api/v1/plans/?page=1&page_size=50")
    parser.add_argument("-n", type=int, default=30, help="requests to profile")
    parser.add_argument("--session", action="store_true", help="sign in with a session instead of the API token")
    parser.add_argument("--cpu", action="store_true", help="cProfile over CPU time instead of pyinstrument")
    parser.add_argument("--html", help="also write an HTML report here (pyinstrument)")
    args = parser.parse_args()
    from bench.django_env import setup

    setup()
    from bench.clients import reader_client

    client = reader_client(session=args.session)
    for _ in range(3):
        client.get(args.url)
    if args.cpu:
        import cProfile
        import pstats

        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.n):
            client.get(args.url)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"{1000 * wall / args.n:.2f} ms wall-clock, {1000 * cpu / args.n:.2f} ms CPU per request (unprofiled)")
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(args.n):
            client.get(args.url)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
        return
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(args.n):
            client.get(args.url)
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        with open(args.html, "w") as out:
            out.write(profiler.output_html())


if __name__ == "__main__":
    main()

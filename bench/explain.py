"""The SQL one request runs, each statement with EXPLAIN (ANALYZE, BUFFERS), as the generated reader.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/concord_bench_state REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python -m bench.explain --url '/api/v1/plans/?page=1&page_size=50'
    ... -m bench.explain --url / --session          # a web page, signed in with a session (the dashboard)

Statements that change data (the session write, a commit) are listed but not explained.
"""

import argparse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="/api/v1/plans/?page=1&page_size=50")
    parser.add_argument("--session", action="store_true", help="sign in with a session instead of the API token")
    args = parser.parse_args()
    from bench.django_env import setup

    setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.clients import reader_client

    client = reader_client(session=args.session)
    for _ in range(3):
        client.get(args.url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(args.url)
    print(f"{args.url}: {response.status_code}, {len(response.content):,} bytes, {len(captured)} statements")
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            print("\n" + "=" * 100 + "\n" + sql)
            if sql.lstrip().upper().startswith("SELECT"):
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()

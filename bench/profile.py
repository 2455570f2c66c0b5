"""Profile one read-path endpoint with pyinstrument (bench requirement), as the reader, in this process.

DATABASE_URL=... REDIS_URL=... .venv/bin/python -m bench.profile --url '/api/v1/plans/?page_size=50' -n 30
"""

import argparse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="/api/v1/plans/?page=1&page_size=50")
    parser.add_argument("-n", type=int, default=30, help="requests to profile")
    parser.add_argument("--html", help="also write an HTML report here")
    args = parser.parse_args()
    from bench.django_env import setup

    setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from pyinstrument import Profiler
    from rest_framework.authtoken.models import Token

    from bench.scales import READER_USERNAME

    reader = get_user_model().objects.get(username=READER_USERNAME)
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=reader).key}", HTTP_HOST="127.0.0.1")
    for _ in range(3):
        client.get(args.url)
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

"""Sets up Django for a benchmark process: PostgreSQL required, production-like DEBUG off, no throttling surprise."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# DEBUG off as in production (no per-query logging); a throttle rate no bounded bench loop reaches, so
# the throttle still runs (one cache round trip per request) but never refuses.
BENCH_ENV = {
    "DEBUG": "false",
    "API_THROTTLE_USER": "100000000/hour",
    "LOG_LEVEL": "WARNING",
    "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "true",
}


def bench_environ(**extra: str) -> dict[str, str]:
    """The environment for a bench subprocess (a worker, the read-path process)."""
    env = {**os.environ, **{k: v for k, v in BENCH_ENV.items() if k not in os.environ}, **extra}
    env["PYTHONPATH"] = str(ROOT)
    return env


def setup(settings_module: str = "bench.settings") -> None:
    """Configure and start Django in this process; refuses anything but PostgreSQL."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    for name, value in BENCH_ENV.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of your own, e.g. .../concord_bench_small.")
    import django

    django.setup()

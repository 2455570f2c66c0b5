"""Settings of the benchmark processes: the product's, with the bench-only URLconf (floor and naive peer)."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

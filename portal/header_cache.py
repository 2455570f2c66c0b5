"""The page header's two counts per person (plans to read, unread alerts), kept in the cache between requests.

The versions and the cache live here, in the kernel; what is counted is `reading/header_counts.py`.

Every signed-in page shows them, so counting them on every request was most of a small page's database work.
Each person's counts are cached under a key that names their current *version*; the services that move a
count (an obligation created, changed or settled; an alert created or read) call `header_counts_changed` with
the people concerned, which gives each of them a fresh version, and again once the transaction commits. A
request reads the version before it counts, so a count computed from data older than a change can only ever
be stored under a version that the commit replaced, which nobody reads again. The counts also expire after
`COUNTS_SECONDS`, so a path that moved a count without saying so (none is known; a plan deleted with its
obligations by a cascade, say) heals within minutes.

Keys hold one person's id: one person's counts are never another's. With the cache unreachable
(`IGNORE_EXCEPTIONS`), every read misses and the counts are computed as before.
"""

import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection, transaction

# How long counts stay cached without a change (a backstop: the versions make changes show at once).
COUNTS_SECONDS = 300
# A version outlives every count stored under it, so a version that expires takes no live count with it.
VERSION_SECONDS = 24 * 3600
# People given a new version per cache round trip.
BUMP_BATCH = 5000


def _version_key(user_id: int) -> str:
    return f"header:v:{user_id}"


def _counts_key(user_id: int, version: str) -> str:
    return f"header:counts:{user_id}:{version}"


def _new_version() -> str:
    return uuid.uuid4().hex[:16]


def _version_of(user_id: int) -> str:
    """The person's current version; a missing one (never set, expired) is created, never assumed."""
    version = cache.get(_version_key(user_id))
    if version is None:
        fresh = _new_version()
        cache.add(_version_key(user_id), fresh, VERSION_SECONDS)
        version = cache.get(_version_key(user_id), fresh)  # another request may have added its own first
    return str(version)


def cached_counts(*, user_id: int, count: Callable[[], tuple[int, int]]) -> tuple[int, int]:
    """The person's counts from the cache under their current version, else `count()` (read after the version,
    see above) stored there. The counts themselves are the apps' (reading/header_counts.py)."""
    version = _version_of(user_id)
    key = _counts_key(user_id, version)
    cached = cache.get(key)
    if isinstance(cached, tuple | list) and len(cached) == 2:
        return int(cached[0]), int(cached[1])
    counts = count()
    cache.set(key, counts, COUNTS_SECONDS)
    return counts


T = TypeVar("T")


def person_key(*, user_id: int, name: str) -> str:
    """The cache key of the person's part `name` under their current version (read now, before any compute)."""
    return f"header:{name}:{user_id}:{_version_of(user_id)}"


def cached_for_person(*, user_id: int, name: str, compute: Callable[[], T]) -> T:
    """Another of the header's per-person parts (the agency switcher's memberships), kept like the counts: under
    the person's current version (the services that change it call `header_counts_changed`), `compute()` on a
    miss. Never None (a None is computed again)."""
    key = person_key(user_id=user_id, name=name)
    cached = cache.get(key)
    if cached is not None:
        return cached  # what `compute` stored under this name
    value = compute()
    cache.set(key, value, COUNTS_SECONDS)
    return value


def _bump(user_ids: list[int]) -> None:
    version = _new_version()
    for start in range(0, len(user_ids), BUMP_BATCH):
        chunk = user_ids[start : start + BUMP_BATCH]
        cache.set_many({_version_key(user_id): version for user_id in chunk}, VERSION_SECONDS)


def header_counts_changed(user_ids: Iterable[int]) -> None:
    """The counts (or memberships) of these people moved: their cached header parts are no longer read.

    New versions now and again once the transaction commits. The second is the one that matters: a request
    that counted between the first and the commit saw the data before the change and stored it under the
    first new version. The first serves the writer's own connection (a test's transaction that never commits
    reads its own changes) and costs one more round trip per BUMP_BATCH people (pipelined: a publish that
    reaches 20,000 people costs eight in all).
    """
    ids = sorted({int(user_id) for user_id in user_ids})
    if not ids:
        return
    _bump(ids)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: _bump(ids))

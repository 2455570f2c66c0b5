"""Values kept in this process between requests, most recently used first (cachetools' LRU behind a lock: requests
run in threads too). For what is derived from a value the database or Redis already keeps for everyone, where
even a round trip to Redis is a noticeable share of a page; what it keeps must be valid under its key alone."""

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from cachetools import LRUCache

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ProcessCache(Generic[K, V]):
    """At most `entries` values, the least recently used dropped first."""

    def __init__(self, entries: int) -> None:
        self._values: LRUCache[K, V] = LRUCache(maxsize=entries)
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            return self._values.get(key)

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._values[key] = value

    def get_or_compute(self, key: K, compute: Callable[[], V]) -> V:
        """The kept value, else `compute()` kept (computed outside the lock: two threads may both compute it)."""
        kept = self.get(key)
        if kept is not None:
            return kept
        value = compute()
        self.put(key, value)
        return value

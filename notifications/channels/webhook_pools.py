"""Keep-alive HTTP connections to webhook receivers, reused from one delivery to the next in a worker process.

Every delivery still resolves and checks its URL first (webhook_targets.webhook_target_resolve); only then is a
pool looked up here, keyed by everything the connection was vetted for: scheme, host name, the checked address,
port and TLS settings. A connection is therefore reused only while the host resolves to the same allowed address:
a new address means a new pool (and the host's pools for addresses it no longer resolves to are closed), and a
host that now resolves to a refused address never reaches a pool at all (its pools are dropped).

Bounded: at most `WEBHOOK_POOLS_MAX` pools (the least recently used is closed first), each keeping at most
`WEBHOOK_POOL_CONNECTIONS` idle connections, and a pool unused for `WEBHOOK_POOL_IDLE_SECONDS` is closed at the
next look-up. Thread-safe (the webhooks worker runs a threads pool); a forked child (a prefork worker process)
starts with no pools, so no two processes ever share a socket.
"""

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import urllib3
from django.conf import settings


@dataclass(frozen=True)
class PoolKey:
    """What a pooled connection was opened for; a connection serves only requests with the same key."""

    scheme: str
    host: str
    address: str
    port: int
    tls: tuple[str, ...]  # empty for http; (certificate requirement, SNI and verified host name) for https


class PoolCache:
    """A bounded, thread-safe LRU of urllib3 pools; pools leaving it are closed (outside the lock)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pools: OrderedDict[PoolKey, tuple[urllib3.HTTPConnectionPool, float]] = OrderedDict()

    def get(self, key: PoolKey, make: Callable[[], urllib3.HTTPConnectionPool]) -> urllib3.HTTPConnectionPool:
        """The pool for `key`, made by `make` if there is none; expired and surplus pools are closed."""
        now = time.monotonic()
        with self._lock:
            leaving = self._expired(now)
            entry = self._pools.pop(key, None)
            pool = entry[0] if entry is not None else make()
            self._pools[key] = (pool, now)
            while len(self._pools) > max(1, settings.WEBHOOK_POOLS_MAX):
                leaving.append(self._pools.popitem(last=False)[1][0])
        _close(leaving)
        return pool

    def discard(self, key: PoolKey, pool: urllib3.HTTPConnectionPool) -> None:
        """Close `pool` and forget it if it is still the one for `key` (its connections went stale)."""
        with self._lock:
            entry = self._pools.get(key)
            if entry is not None and entry[0] is pool:
                del self._pools[key]
        _close([pool])

    def retain(self, *, scheme: str, host: str, port: int, addresses: tuple[str, ...]) -> None:
        """Close the host's pools for addresses it no longer resolves to (all of them when `addresses` is empty)."""
        with self._lock:
            gone = [
                key
                for key in self._pools
                if key.scheme == scheme and key.host == host and key.port == port and key.address not in addresses
            ]
            leaving = [self._pools.pop(key)[0] for key in gone]
        _close(leaving)

    def clear(self) -> None:
        """Close every pool (tests, and a worker that wants a clean start)."""
        with self._lock:
            leaving = [pool for pool, _ in self._pools.values()]
            self._pools.clear()
        _close(leaving)

    def held(self) -> list[PoolKey]:
        with self._lock:
            return list(self._pools)

    def forget_after_fork(self) -> None:
        """In a forked child: drop the parent's pools without touching their sockets, and take a fresh lock."""
        self._lock = threading.Lock()
        self._pools = OrderedDict()

    def _expired(self, now: float) -> list[urllib3.HTTPConnectionPool]:
        idle = settings.WEBHOOK_POOL_IDLE_SECONDS
        leaving = []
        while self._pools:
            key, (pool, used) = next(iter(self._pools.items()))
            if now - used < idle:
                break  # in LRU order: every later pool was used more recently
            del self._pools[key]
            leaving.append(pool)
        return leaving


def _close(pools: list[urllib3.HTTPConnectionPool]) -> None:
    # Closing drops idle connections; one in use by another thread is closed when it is given back.
    for pool in pools:
        pool.close()


POOLS = PoolCache()
os.register_at_fork(after_in_child=POOLS.forget_after_fork)

"""A short-lived, per-container cache of key lookups: the hot path's only DynamoDB read.

Entries live ``ttl`` seconds, so a revoked key stops working within that time in every container.
Unknown keys are not cached: they cost a read each, and nobody can fill the cache with them.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from hyperinfer.accounts.keys import ApiKey


class KeyCache:
    def __init__(
        self, ttl: float, max_entries: int = 1024, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, ApiKey]] = OrderedDict()

    def get(self, key_hash: str) -> ApiKey | None:
        entry = self._entries.get(key_hash)
        if entry is None:
            return None
        if entry[0] <= self._clock():
            del self._entries[key_hash]
            return None
        return entry[1]

    def put(self, key_hash: str, key: ApiKey) -> None:
        self._entries[key_hash] = (self._clock() + self._ttl, key)
        self._entries.move_to_end(key_hash)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

"""Exact dedupe: the same item id, or the same normalized headline+body, within a window.

State is a mapping ``key → [partition, offset, ts]`` naming the *first* record seen for
the key (its wire.items partition and offset, its event time). Remembering the winner's
origin, not just "seen", is what makes the stage safe under at-least-once delivery: a
record redelivered after a crash has the winner's origin and is forwarded again (every
later stage is idempotent), while a second copy pushed by a producer has a new origin
and is dropped. The mapping may be a plain dict (tests) or a faust Table (the worker);
expiry is by event time against the largest event time seen, so memory stays bounded by
the window and a replay expires the same entries.
"""

from __future__ import annotations

import heapq
from collections.abc import MutableMapping
from typing import Any

__all__ = ["DedupeIndex", "Origin"]

Origin = tuple[int, int]


class DedupeIndex:
    """Decides, per key, whether a record is the first within ``window_s`` of event time."""

    def __init__(self, store: MutableMapping[Any, Any], *, window_s: float) -> None:
        self.store = store
        self.window_s = window_s
        self.watermark = float("-inf")
        self._expiry: list[tuple[float, Any]] = []
        for key, entry in list(store.items()):
            self._expiry.append((float(entry[2]), key))
            self.watermark = max(self.watermark, float(entry[2]))
        heapq.heapify(self._expiry)

    def __len__(self) -> int:
        return len(self.store)

    def check(self, key: Any, origin: Origin, ts: float) -> bool:
        """True if the record at ``origin`` is the one to keep for ``key`` (first, or redelivered)."""
        entry = self.store.get(key)
        if entry is not None:
            if (int(entry[0]), int(entry[1])) == origin:
                return True
            if abs(ts - float(entry[2])) <= self.window_s:
                return False
        self.store[key] = [origin[0], origin[1], ts]
        heapq.heappush(self._expiry, (ts, key))
        if ts > self.watermark:
            self.watermark = ts
            self.expire()
        return True

    def expire(self) -> int:
        """Drop entries older than the watermark minus the window; return how many."""
        horizon = self.watermark - self.window_s
        dropped = 0
        while self._expiry and self._expiry[0][0] < horizon:
            ts, key = heapq.heappop(self._expiry)
            entry = self.store.get(key)
            if entry is not None and float(entry[2]) == ts:
                del self.store[key]
                dropped += 1
        return dropped

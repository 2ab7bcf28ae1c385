"""Roll-up of located reports by admin-1 region: tumbling hour and day windows plus totals.

Each located report yields one ``RegionEvent`` per region it was placed in (confidence =
its best placement there). A window's count is: reports = distinct items, stories =
distinct story ids, weighted = sum over stories of the best confidence seen for that story
in the region. Windows are UTC-aligned and by event time (published_at), so a replay of
the same input gives the same windows.

Idempotence (why counts stay exact across a crash without Kafka transactions): every
event carries ``seq``, a number the single-partition story stage gives each new item
(derived from its input offset, so a redelivered item keeps its number), and ``src``, the
partition of the locate stage that emitted it. Each locate partition emits in increasing
``seq`` order, so every window state remembers the highest ``seq`` applied per ``src`` and
skips anything at or below it: a redelivery after a crash is a no-op. Confidences are
summed as integers of 1e-6 so the result does not depend on the order events arrive in.

Bounded state: an event reaches its hour/day windows only if their end is within
``retention_s`` of the event's own watermark (set by the story stage, so the decision is
the same on every run); later ones reach only the totals. Window states are dropped once
their end is ``2 * retention_s`` behind the largest watermark seen, so arrival order
across partitions matters only if it is skewed by more than ``retention_s`` of event
time. Totals keep per-story detail for stories seen in the region within
``max(retention_s, story_window_s)`` of the slowest source's watermark, checked after
every event (so neither batching nor one source lagging behind another decides it);
older ones are folded into two integers. A story that returns to a region after longer
than that is counted again, and whether its return lands before or after the fold can
depend on arrival order: accepted, documented limit.
"""

from __future__ import annotations

import functools
import heapq
import math
from collections.abc import Callable, Iterable, MutableMapping
from datetime import UTC, datetime
from typing import Any, NamedTuple

from wiremap.contracts import RegionCount

__all__ = ["WINDOWS", "RegionEvent", "Rollup", "window_bounds"]

#: Window name → length in seconds (``total`` has none).
WINDOWS: dict[str, float | None] = {"hour": 3600.0, "day": 86400.0, "total": None}
_MICRO = 1_000_000


class RegionEvent(NamedTuple):
    region: str
    name: str
    country: str | None
    item_id: str
    story_id: str
    confidence: float
    ts: float
    seq: int
    wm: float
    src: int

    def to_json(self) -> list[Any]:
        return list(self)

    @classmethod
    def from_json(cls, data: list[Any]) -> RegionEvent:
        return cls(*data)


def window_bounds(window: str, ts: float) -> tuple[float, float] | None:
    """(start, end) epoch seconds of the tumbling window holding ``ts``; None for totals."""
    size = WINDOWS[window]
    if size is None:
        return None
    start = math.floor(ts / size) * size
    return start, start + size


@functools.lru_cache(maxsize=1 << 16)
def _key(region: str, window: str, start: float | None) -> str:
    iso = datetime.fromtimestamp(start, UTC).isoformat() if start is not None else "-"
    return f"{region}|{window}|{iso}"


class Rollup:
    """Applies region events to window states held in a mapping (dict or faust Table)."""

    def __init__(
        self,
        store: MutableMapping[Any, Any],
        *,
        retention_s: float,
        story_window_s: float,
        owns: Callable[[str], bool] = lambda region: True,
        sources: int = 1,
    ) -> None:
        self.store = store
        self.sources = sources
        #: Highest watermark seen per source (locate partition): totals fold only behind
        #: the slowest source, so a lagging source's events never find their story folded.
        self.source_wm: dict[int, float] = {}
        self.retention_s = retention_s
        self.fold_after_s = max(retention_s, story_window_s)
        self.watermark = float("-inf")
        self._expiry: list[tuple[float, Any]] = []
        for key, state in list(store.items()):
            if owns(state["region"]):
                self.watermark = max(self.watermark, float(state.get("wm", self.watermark)))
                if state["end"] is not None:
                    self._expiry.append((float(state["end"]), key))
        heapq.heapify(self._expiry)

    def apply(self, events: Iterable[RegionEvent]) -> list[Any]:
        """Apply events; return the keys they map to, in first-seen order.

        Keys whose events were all skipped as already applied are returned too: the crash
        that caused the redelivery may have come after the state was saved but before its
        count was published, so publishing again is what makes the output topic converge.
        """
        touched: dict[Any, dict[str, Any]] = {}
        seen: dict[Any, None] = {}
        for ev in events:
            source = str(ev.src)
            self.watermark = max(self.watermark, ev.wm)
            if ev.wm > self.source_wm.get(ev.src, -math.inf):
                self.source_wm[ev.src] = ev.wm
            for window in WINDOWS:
                bounds = window_bounds(window, ev.ts)
                if bounds is not None and bounds[1] < ev.wm - self.retention_s:
                    continue
                key = _key(ev.region, window, bounds[0] if bounds else None)
                state = touched.get(key)
                if state is None:
                    state = self.store.get(key)
                    if state is None:
                        state = _new_state(ev, window, bounds)
                        if bounds is not None:
                            heapq.heappush(self._expiry, (bounds[1], key))
                if ev.seq <= state["seq"].get(source, -1):
                    if key in self.store:
                        seen.setdefault(key, None)
                    continue
                state["seq"][source] = ev.seq
                state["reports"] += 1
                conf = round(ev.confidence * _MICRO)
                best = state["stories"].get(ev.story_id)
                if best is None or conf > best[0]:
                    state["stories"][ev.story_id] = [conf, ev.ts]
                elif ev.ts > best[1]:
                    best[1] = ev.ts
                state["wm"] = max(state.get("wm", ev.wm), ev.wm)
                if window == "total":
                    # after every applied event, not once per batch: what is folded (and so
                    # what a returning story adds) must not depend on how events were batched
                    _fold_old_stories(state, self._fold_horizon(), ev.ts)
                touched[key] = state
                seen.setdefault(key, None)
        for key, state in touched.items():
            self.store[key] = state
        return list(seen)

    def _fold_horizon(self) -> float:
        if len(self.source_wm) < self.sources:
            return -math.inf
        return min(self.source_wm.values()) - self.fold_after_s

    def expire(self) -> list[Any]:
        """Drop window states that ended more than twice ``retention_s`` before the watermark."""
        horizon = self.watermark - 2 * self.retention_s
        dropped = []
        while self._expiry and self._expiry[0][0] < horizon:
            _, key = heapq.heappop(self._expiry)
            if key in self.store:
                del self.store[key]
                dropped.append(key)
        return dropped

    def count(self, key: Any, *, now: datetime | None = None) -> RegionCount:
        """The current ``RegionCount`` for a window state."""
        return to_region_count(self.store[key], now=now)


def _new_state(ev: RegionEvent, window: str, bounds: tuple[float, float] | None) -> dict[str, Any]:
    return {
        "region": ev.region,
        "name": ev.name,
        "country": ev.country,
        "window": window,
        "start": bounds[0] if bounds else None,
        "end": bounds[1] if bounds else None,
        "reports": 0,
        "stories": {},
        "fs": 0,
        "fw": 0,
        "seq": {},
        "wm": ev.wm,
    }


def _fold_old_stories(state: dict[str, Any], horizon: float, ts: float) -> None:
    """Fold stories last seen before ``horizon`` into ``fs``/``fw``.

    ``lo`` is a lower bound of the stories' last-seen times (lowered by the event just
    applied, at ``ts``), so the scan runs only when something may be old enough.
    """
    stories = state["stories"]
    lo = state.get("lo")
    if lo is None:  # a state written before ``lo`` existed
        lo = min((last for _, last in stories.values()), default=ts)
    lo = min(lo, ts)
    if lo >= horizon:
        state["lo"] = lo
        return
    old = [sid for sid, (_, last) in stories.items() if last < horizon]
    for sid in old:
        state["fs"] += 1
        state["fw"] += stories.pop(sid)[0]
    state["lo"] = min((last for _, last in stories.values()), default=ts)


def to_region_count(state: dict[str, Any], *, now: datetime | None = None) -> RegionCount:
    stories = state["stories"]
    weighted_micro = state["fw"] + sum(conf for conf, _ in stories.values())
    start, end = state["start"], state["end"]
    return RegionCount(
        region=state["region"],
        name=state["name"],
        country=state["country"],
        window=state["window"],
        start=datetime.fromtimestamp(start, UTC) if start is not None else None,
        end=datetime.fromtimestamp(end, UTC) if end is not None else None,
        reports=state["reports"],
        stories=state["fs"] + len(stories),
        weighted=weighted_micro / _MICRO,
        updated_at=now or datetime.now(UTC),
    )

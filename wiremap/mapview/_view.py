"""The desk map's in-memory view of ``reports.located`` and ``regions.counts``.

Pure and synchronous: the follower feeds it records, the HTTP layer asks it for windowed
GeoJSON. Each report is serialized once when it arrives (``_entry``), so answering a poll
is a bisect on publish time plus a join of ready-made fragments.
"""

from __future__ import annotations

import hashlib
import time
from bisect import bisect_left, bisect_right
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, NamedTuple

from wiremap.contracts import LocatedReport, RegionCount
from wiremap.mapview._areas import AreaIndex
from wiremap.mapview._entry import CLAIMS, ROLES, Entry, build_entry, iso
from wiremap.mapview._json import dumps, enclose, feature_collection
from wiremap.mapview._regions import regions_body

__all__ = ["WINDOWS", "Layer", "MapView", "Payload"]

WINDOWS: dict[str, float] = {"1h": 3600.0, "24h": 86400.0, "7d": 7 * 86400.0}
Layer = Literal["all", "points", "areas"]

_AREA_REPORTS_MAX = 50
_CACHE_SIZE = 32
_PRUNE_EVERY = 2000


class Payload(NamedTuple):
    body: bytes
    etag: str


@dataclass(slots=True)
class _AreaAgg:
    n: int = 0
    confidence: float = 0.0
    role: int = -1
    claim: int = -1
    reports: list[bytes] = field(default_factory=list)


class MapView:
    """Reports by id (latest wins), region counts by key, and windowed queries over them.

    ``clock`` gives "now" for windows; with ``replay_clock`` the newest publish time seen
    stands in for now, so a replayed historical feed still shows inside its windows.
    """

    def __init__(
        self,
        areas: AreaIndex | None = None,
        *,
        clock: Callable[[], float] = time.time,
        replay_clock: bool = False,
    ) -> None:
        self.areas = areas if areas is not None else AreaIndex()
        self.clock = clock
        self.replay_clock = replay_clock
        self.version = 0
        self.counts_version = 0
        self.last_update: datetime | None = None
        self.errors: deque[tuple[str, str]] = deque(maxlen=50)
        self.error_count = 0
        self._entries: dict[str, Entry] = {}
        self._order: list[tuple[float, str]] = []
        self._rows: list[Entry] = []  # aligned with _order
        self._counts: dict[str, RegionCount] = {}
        self._newest = 0.0
        self._cache: OrderedDict[str, Payload] = OrderedDict()
        self._since_prune = 0

    # -- writes ---------------------------------------------------------------------------

    def apply(self, report: LocatedReport) -> None:
        """Add or replace a report: a re-emitted id updates its features in place."""
        old = self._entries.get(report.id)
        if old is not None:
            self._unlink(old.ts, report.id)
        entry = build_entry(report, self.areas)
        self._entries[report.id] = entry
        at = bisect_right(self._order, (entry.ts, report.id))
        self._order.insert(at, (entry.ts, report.id))
        self._rows.insert(at, entry)
        self._newest = max(self._newest, entry.ts)
        self._touch()
        self._since_prune += 1
        if self._since_prune >= _PRUNE_EVERY:
            self.prune()

    def retract(self, report_id: str) -> bool:
        """Drop a report (a tombstone on its key); True if it was there."""
        old = self._entries.pop(report_id, None)
        if old is None:
            return False
        self._unlink(old.ts, report_id)
        self._touch()
        return True

    def _unlink(self, ts: float, report_id: str) -> None:
        at = bisect_left(self._order, (ts, report_id))
        del self._order[at]
        del self._rows[at]

    def apply_count(self, count: RegionCount) -> None:
        self._counts[count.key] = count
        self.counts_version += 1
        self.last_update = datetime.now(UTC)

    def record_error(self, where: str, reason: str) -> None:
        """A record that could not be read: kept (bounded) for /health, never fatal."""
        self.error_count += 1
        self.errors.append((where, reason[:500]))

    def prune(self) -> int:
        """Forget what no window can show any more (wall clock only); returns reports dropped."""
        self._since_prune = 0
        if self.replay_clock:
            return 0
        horizon = self.clock() - max(WINDOWS.values()) - 3600
        cut = bisect_left(self._order, (horizon, ""))
        for _, rid in self._order[:cut]:
            del self._entries[rid]
        del self._order[:cut]
        del self._rows[:cut]
        stale = [
            k for k, c in self._counts.items() if c.end is not None and c.end.timestamp() < horizon
        ]
        for k in stale:
            del self._counts[k]
        if cut or stale:
            self._touch()
        return cut

    def _touch(self) -> None:
        self.version += 1
        self.last_update = datetime.now(UTC)
        self._cache.clear()

    # -- reads ----------------------------------------------------------------------------

    def now(self) -> float:
        if self.replay_clock and self._newest:
            return self._newest
        return self.clock()

    def __len__(self) -> int:
        return len(self._entries)

    def _span(self, window: str, at: float | None) -> tuple[int, int, float]:
        if window not in WINDOWS:
            raise ValueError(f"unknown window {window!r}; choose one of {', '.join(WINDOWS)}")
        end = self.now() if at is None else at
        lo = bisect_left(self._order, (end - WINDOWS[window], ""))
        hi = len(self._order) if at is None else bisect_right(self._order, (end, "\uffff"))
        return lo, hi, end

    def _cached(self, key: str, build: Callable[[], bytes]) -> Payload:
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        payload = Payload(build(), f'W/"{key}"')
        self._cache[key] = payload
        if len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        return payload

    def reports_geojson(
        self,
        window: str = "24h",
        min_conf: float = 0.0,
        layer: Layer = "all",
        at: float | None = None,
    ) -> Payload:
        """Placements of reports published in the window: points with their radius, and
        admin-1/country placements merged into one region polygon per area."""
        lo, hi, _ = self._span(window, at)
        key = f"r{self.version}-{lo}-{hi}-{window}-{min_conf:.4f}-{layer}"
        return self._cached(key, lambda: self._build_reports(lo, hi, min_conf, layer))

    def _build_reports(self, lo: int, hi: int, min_conf: float, layer: Layer) -> bytes:
        floor = min_conf - 1e-9
        rows = self._rows[lo:hi]
        parts: list[bytes] = []
        if layer != "areas":
            if floor <= 0:
                parts = [e.points_blob for e in rows if e.points_blob]
            else:
                parts = [frag for e in rows for conf, frag in e.points if conf >= floor]
        if layer != "points":
            parts += self._area_features(rows, floor)
        return feature_collection(parts)

    def _area_features(self, rows: list[Entry], floor: float) -> list[bytes]:
        aggs: dict[str, _AreaAgg] = {}
        for e in reversed(rows):  # newest first, so each area keeps its newest reports
            for ref in e.areas:
                if ref.confidence < floor:
                    continue
                agg = aggs.get(ref.area_id)
                if agg is None:
                    agg = aggs[ref.area_id] = _AreaAgg()
                agg.n += 1
                if ref.confidence > agg.confidence:
                    agg.confidence = ref.confidence
                if ref.role > agg.role:
                    agg.role = ref.role
                if ref.claim > agg.claim:
                    agg.claim = ref.claim
                if len(agg.reports) < _AREA_REPORTS_MAX:
                    agg.reports.append(ref.fragment)
        parts: list[bytes] = []
        for area_id, agg in aggs.items():
            area = self.areas.get(area_id)
            if area is None:
                continue
            listed = b",".join(agg.reports)
            rev = hashlib.sha1(listed + str(agg.n).encode()).hexdigest()[:12]
            props = {
                "id": area_id,
                "area": True,
                "name": area.name,
                "precision": "admin1" if area_id.startswith("a1:") else "country",
                "n": agg.n,
                "confidence": round(agg.confidence, 4),
                "role": ROLES[agg.role].value,
                "claim": CLAIMS[agg.claim].value,
                "rev": rev,
            }
            head = dumps({"type": "Feature", "id": area_id, "properties": props})
            parts.append(
                head[:-2] + b',"reports":[' + listed + b']},"geometry":' + area.geometry + b"}"
            )
        return parts

    def regions_geojson(self, window: str = "24h", at: float | None = None) -> Payload:
        """Region counts summed over the ``regions.counts`` buckets that overlap the window
        (hour buckets for 1h/24h, day buckets for 7d), one shaded polygon per region."""
        _, _, end = self._span(window, at)
        body = regions_body(self._counts.values(), self.areas, window, end - WINDOWS[window], end)
        return Payload(body, f'W/"c{hashlib.sha1(body).hexdigest()[:16]}"')

    def feed(
        self, window: str = "24h", min_conf: float = 0.0, limit: int = 200, at: float | None = None
    ) -> Payload:
        """Newest-first reports in the window whose best placement passes ``min_conf``
        (unplaced ones always listed, and counted)."""
        lo, hi, end = self._span(window, at)
        key = f"f{self.version}-{lo}-{hi}-{window}-{min_conf:.4f}-{limit}"

        def build() -> bytes:
            floor = min_conf - 1e-9
            total = unplaced = 0
            chosen: list[bytes] = []
            for e in reversed(self._rows[lo:hi]):
                if e.best < 0:
                    unplaced += 1
                elif e.best < floor:
                    continue
                total += 1
                if len(chosen) < limit:
                    chosen.append(e.detail)
            meta = {
                "window": window,
                "now": iso(datetime.fromtimestamp(end, UTC)),
                "total": total,
                "unplaced": unplaced,
                "shown": len(chosen),
                "last_update": iso(self.last_update) if self.last_update else None,
            }
            return enclose(b'{"meta":' + dumps(meta) + b',"items":[', chosen, b"]}")

        return self._cached(key, build)

    def details(self, ids: Iterable[str]) -> bytes:
        """Popup details of the given reports (unknown ids are skipped)."""
        found = [self._entries[i].detail for i in ids if i in self._entries]
        return enclose(b"[", found, b"]")

    def stats(self) -> dict[str, Any]:
        return {
            "reports": len(self._entries),
            "region_counts": len(self._counts),
            "version": self.version,
            "last_update": iso(self.last_update) if self.last_update else None,
            "clock": "replay" if self.replay_clock else "wall",
            "now": iso(datetime.fromtimestamp(self.now(), UTC)),
            "bad_records": self.error_count,
            "recent_errors": [{"where": w, "reason": r} for w, r in list(self.errors)[-5:]],
        }

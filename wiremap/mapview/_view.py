"""The desk map's in-memory view of ``reports.located`` and ``regions.counts``.

Pure and synchronous: the follower feeds it records, the HTTP layer asks it for windowed
GeoJSON. Each report is serialized once when it arrives, so answering a poll is a bisect
on publish time plus a join of ready-made fragments.
"""

from __future__ import annotations

import hashlib
import json
import time
from bisect import bisect_left, bisect_right
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, NamedTuple

from wiremap.contracts import ClaimStatus, LocatedReport, Placement, Precision, RegionCount, Role
from wiremap.mapview._areas import AreaIndex
from wiremap.mapview._regions import regions_body

__all__ = ["WINDOWS", "Layer", "MapView", "Payload"]

WINDOWS: dict[str, float] = {"1h": 3600.0, "24h": 86400.0, "7d": 7 * 86400.0}
Layer = Literal["all", "points", "areas"]

_CLAIM_RANK = {
    ClaimStatus.CONFIRMED: 3,
    ClaimStatus.REPORTED: 2,
    ClaimStatus.UNCONFIRMED: 1,
    ClaimStatus.SPECULATIVE: 0,
}
_ROLE_RANK = {Role.EVENT: 2, Role.ORIGIN: 1, Role.MENTIONED: 0}
_CLAIMS = sorted(_CLAIM_RANK, key=_CLAIM_RANK.__getitem__)
_ROLES = sorted(_ROLE_RANK, key=_ROLE_RANK.__getitem__)
_AREA_REPORTS_MAX = 50
_CACHE_SIZE = 32
_PRUNE_EVERY = 2000


class Payload(NamedTuple):
    body: bytes
    etag: str


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _safe_url(url: str | None) -> str | None:
    """Only http(s) links reach the page; anything else (javascript:, data:) is dropped."""
    if url and url[:8].lower().startswith(("http://", "https://")):
        return url
    return None


def _area_id(p: Placement) -> str | None:
    if p.precision is Precision.ADMIN1:
        code = p.admin1 or (p.place_id[3:] if p.place_id.startswith("a1:") else None)
        return f"a1:{code}" if code else None
    if p.precision is Precision.COUNTRY:
        cc = p.country or (p.place_id[3:] if p.place_id.startswith("cc:") else None)
        return f"cc:{cc}" if cc else None
    return None


@dataclass(slots=True)
class _Entry:
    id: str
    ts: float
    rev: str
    best: float
    points: list[tuple[float, bytes]]
    points_blob: bytes  # every point fragment, comma-joined: the min_conf=0 fast path
    areas: list[_AreaRef]
    detail: bytes


class _AreaRef(NamedTuple):
    area_id: str
    confidence: float
    role: int  # _ROLE_RANK
    claim: int  # _CLAIM_RANK
    fragment: bytes  # {"report":…,"rev":…,"confidence":…,"role":…,"claim":…}


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
        self._entries: dict[str, _Entry] = {}
        self._order: list[tuple[float, str]] = []
        self._rows: list[_Entry] = []  # aligned with _order
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
        entry = self._build(report)
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

    def _build(self, r: LocatedReport) -> _Entry:
        rev = hashlib.sha1(r.to_bytes()).hexdigest()[:12]
        points: list[tuple[float, bytes]] = []
        areas: list[_AreaRef] = []
        placements: dict[str, dict[str, Any]] = {}
        for p in sorted(r.placements, key=lambda p: -p.confidence):
            area_id = _area_id(p)
            shaped = area_id is not None and self.areas.get(area_id) is not None
            fid = area_id if shaped and area_id else f"{r.id}|{p.place_id}|{p.role.value}"
            if fid in placements:
                continue  # the same place twice in one report: the surer one stands
            placements[fid] = {
                "fid": fid,
                "layer": "areas" if shaped else "points",
                "place_id": p.place_id,
                "name": p.name,
                "text": p.text,
                "precision": p.precision.value,
                "radius_km": round(p.radius_km, 3),
                "confidence": round(p.confidence, 4),
                "role": p.role.value,
                "claim": p.claim.value,
                "reason": p.reason,
                "lat": p.lat,
                "lon": p.lon,
                "country": p.country,
                "admin1": p.admin1,
            }
            if shaped and area_id:
                ref = {
                    "report": r.id,
                    "rev": rev,
                    "confidence": round(p.confidence, 4),
                    "role": p.role.value,
                    "claim": p.claim.value,
                }
                areas.append(
                    _AreaRef(area_id, p.confidence, _ROLE_RANK[p.role], _CLAIM_RANK[p.claim],
                             _dumps(ref))
                )
                continue
            feature = {
                "type": "Feature",
                "id": fid,
                "geometry": {"type": "Point", "coordinates": [round(p.lon, 5), round(p.lat, 5)]},
                "properties": {
                    "id": fid,
                    "report": r.id,
                    "rev": rev,
                    "name": p.name,
                    "precision": p.precision.value,
                    "radius_m": round(p.radius_km * 1000),
                    "confidence": round(p.confidence, 4),
                    "role": p.role.value,
                    "claim": p.claim.value,
                },
            }
            points.append((p.confidence, _dumps(feature)))
        detail = {
            "id": r.id,
            "rev": rev,
            "source": r.source,
            "url": _safe_url(r.url),
            "headline": r.headline,
            "language": r.language,
            "published": _iso(r.published_at),
            "received": _iso(r.received_at),
            "located": _iso(r.located_at),
            "story": r.story_id,
            "story_size": r.story_size,
            "placements": list(placements.values()),
        }
        best = max((p.confidence for p in r.placements), default=-1.0)
        blob = b",".join(frag for _, frag in points)
        ts = r.published_at.timestamp()
        return _Entry(r.id, ts, rev, best, points, blob, areas, _dumps(detail))

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
        if layer == "all":  # the two layers the page polls, each cached on its own
            head = b'{"type":"FeatureCollection","features":['
            inner = [
                memoryview(self.reports_geojson(window, min_conf, part, at).body)[len(head) : -2]
                for part in ("points", "areas")
            ]
            key = f"r{self.version}-{lo}-{hi}-{window}-{min_conf:.4f}-all"
            return self._cached(key, lambda: head + b",".join(x for x in inner if x) + b"]}")
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
        if layer == "points":
            return b'{"type":"FeatureCollection","features":[' + b",".join(parts) + b"]}"
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
                "role": _ROLES[agg.role].value,
                "claim": _CLAIMS[agg.claim].value,
                "rev": rev,
            }
            head = _dumps({"type": "Feature", "id": area_id, "properties": props})
            parts.append(
                head[:-2] + b',"reports":[' + listed + b']},"geometry":' + area.geometry + b"}"
            )
        return b'{"type":"FeatureCollection","features":[' + b",".join(parts) + b"]}"

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
                "now": datetime.fromtimestamp(end, UTC).isoformat().replace("+00:00", "Z"),
                "total": total,
                "unplaced": unplaced,
                "shown": len(chosen),
                "last_update": _iso(self.last_update) if self.last_update else None,
            }
            return b'{"meta":' + _dumps(meta) + b',"items":[' + b",".join(chosen) + b"]}"

        return self._cached(key, build)

    def details(self, ids: Iterable[str]) -> bytes:
        """Popup details of the given reports (unknown ids are skipped)."""
        found = [self._entries[i].detail for i in ids if i in self._entries]
        return b"[" + b",".join(found) + b"]"

    def stats(self) -> dict[str, Any]:
        return {
            "reports": len(self._entries),
            "region_counts": len(self._counts),
            "version": self.version,
            "last_update": _iso(self.last_update) if self.last_update else None,
            "clock": "replay" if self.replay_clock else "wall",
            "now": _iso(datetime.fromtimestamp(self.now(), UTC)),
            "bad_records": self.error_count,
            "recent_errors": [{"where": w, "reason": r} for w, r in list(self.errors)[-5:]],
        }

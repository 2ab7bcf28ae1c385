"""Region counts for a window: ``regions.counts`` buckets summed per admin-1 region."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wiremap.contracts import RegionCount
from wiremap.mapview._areas import AreaIndex
from wiremap.mapview._json import dumps, feature_collection

__all__ = ["regions_body"]


def _overlapping(counts: Iterable[RegionCount], kind: str, start: float, end: float) -> list[
    RegionCount
]:
    return [
        c
        for c in counts
        if c.window == kind
        and c.start is not None
        and c.end is not None
        and c.end.timestamp() > start
        and c.start.timestamp() <= end
    ]


def regions_body(
    counts: Iterable[RegionCount], areas: AreaIndex, window: str, start: float, end: float
) -> bytes:
    """A FeatureCollection of region polygons with summed reports, stories and weighted
    counts. Hour buckets serve 1h/24h and day buckets 7d (each falls back on the other);
    a story seen in two buckets counts in both, as the topic carries no story ids."""
    pool = list(counts)
    chosen: list[RegionCount] = []
    for kind in ["day", "hour"] if window == "7d" else ["hour", "day"]:
        chosen = _overlapping(pool, kind, start, end)
        if chosen:
            break
    sums: dict[str, dict[str, Any]] = {}
    for c in chosen:
        s = sums.setdefault(
            c.region,
            {"name": c.name, "country": c.country, "reports": 0, "stories": 0, "weighted": 0.0},
        )
        s["reports"] += c.reports
        s["stories"] += c.stories
        s["weighted"] += c.weighted
    parts: list[bytes] = []
    unshaped = 0
    for code in sorted(sums):
        area = areas.admin1.get(code)
        if area is None:
            unshaped += 1
            continue
        s = sums[code]
        props = {
            "id": f"region:{code}",
            "code": code,
            "name": s["name"] or area.name,
            "country": s["country"] or area.country,
            "reports": s["reports"],
            "stories": s["stories"],
            "weighted": round(s["weighted"], 3),
        }
        head = dumps({"type": "Feature", "id": props["id"], "properties": props})
        parts.append(head[:-1] + b',"geometry":' + area.geometry + b"}")
    meta = dumps({"window": window, "regions": len(sums), "unshaped": unshaped})
    return feature_collection(parts, meta)

"""Evidence about a resolved pick that the confidence model reads and the resolver does not:
how far its best rival lies, how many sizeable places share the name, how strongly the
document leans to its country, and how it sits among the document's other local places."""

from __future__ import annotations

import math
from typing import Any

from wiremap.stream.geo._types import PlaceLike

__all__ = ["LOCAL_KINDS", "evidence", "haversine_km", "neighbours"]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


_RIVAL_GAP = 4.0
_NO_NEIGHBOUR = 20_000.0  # km: no other local place in the document
LOCAL_KINDS = frozenset({"city", "admin2", "airport"})
_BIG = 10_000


def _nearest_km(lat: float, lon: float, key: str, local: set[tuple[str, float, float]]
                ) -> float:
    """Equirectangular distance to the nearest local place named otherwise: within a few per
    cent of the great circle below ~1,000 km, and only ever read on a log scale or compared."""
    c = math.cos(math.radians(lat))
    best = math.inf
    for k, a, b in local:
        if k != key:
            dl = abs(b - lon)
            if dl > 180.0:
                dl = 360.0 - dl
            d = (dl * c) ** 2 + (a - lat) ** 2
            if d < best:
                best = d
    return 111.2 * math.sqrt(best) if best < math.inf else _NO_NEIGHBOUR


def neighbours(place: PlaceLike, rival: PlaceLike | None, key: str,
                local: set[tuple[str, float, float]]) -> tuple[float, float]:
    """How far the pick lies from the document's other local places (log-scaled), and whether
    its far rival reading lies nearer to them: the usual shape of a wrong namesake ("Dublin"
    placed in Ireland in an Ohio story)."""
    if not local or place.kind not in LOCAL_KINDS:
        return 1.0, 0.0
    near = _nearest_km(place.lat, place.lon, key, local)
    closer = 0.0
    if rival is not None:
        closer = float(_nearest_km(rival.lat, rival.lon, key, local) < near)
    return math.log10(1.0 + near) / 4.3, closer


def evidence(cands: list[PlaceLike], scores: list[float], p: int, place: PlaceLike,
              top_cc: str | None, top_share: float, freq: float) -> dict[str, Any]:
    """What the confidence model needs beyond the pick: how far the nearest-scoring rival
    reading lies (a rival within 161 km cannot make the pick wrong), how many sizeable places
    share the name, and how strongly the document leans to the pick's country. ``_rival`` (the
    far rival reading, if any) is for ``neighbours`` and popped before the model sees it."""
    chosen = scores[p]
    rival_km = 0.0
    rival_far = 0.0
    best_rival = None
    rival: PlaceLike | None = None
    for j, s in enumerate(scores):
        if j == p or chosen - s > _RIVAL_GAP:
            continue
        c = cands[j]
        d = haversine_km(place.lat, place.lon, c.lat, c.lon)
        if d > 161.0:
            rival_far = 1.0
        if best_rival is None or s > best_rival:
            best_rival, rival_km, rival = s, d, c

    big = sum(1 for c in cands if c.population >= _BIG or c.kind in ("country", "admin1"))
    most_pop = max(c.population for c in cands)
    return {
        "rival_far": rival_far,
        "rival_km": math.log10(1.0 + rival_km) / 4.0,
        "namesakes_big": math.log1p(big),
        "dominant_cc": float(place.country == top_cc),
        "top_share": top_share,
        "mention_share": freq,
        "most_populous": float(place.population >= most_pop),
        "_rival": rival if rival_km > 161.0 else None,
    }



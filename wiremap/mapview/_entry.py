"""A located report serialized once, when it arrives, into the fragments every later
poll joins: point features, references into region polygons, and the detail record."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from wiremap.contracts import ClaimStatus, LocatedReport, Placement, Precision, Role
from wiremap.mapview._areas import AreaIndex
from wiremap.mapview._json import dumps

__all__ = ["CLAIMS", "ROLES", "Entry", "build_entry", "iso"]

CLAIM_RANK = {
    ClaimStatus.CONFIRMED: 3,
    ClaimStatus.REPORTED: 2,
    ClaimStatus.UNCONFIRMED: 1,
    ClaimStatus.SPECULATIVE: 0,
}
ROLE_RANK = {Role.EVENT: 3, Role.ORIGIN: 2, Role.MENTIONED: 1, Role.DATELINE: 0}
CLAIMS = sorted(CLAIM_RANK, key=CLAIM_RANK.__getitem__)
ROLES = sorted(ROLE_RANK, key=ROLE_RANK.__getitem__)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def safe_url(url: str | None) -> str | None:
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
class Entry:
    id: str
    ts: float
    rev: str
    best: float
    points: list[tuple[float, bytes]]
    points_blob: bytes  # every point fragment, comma-joined: the min_conf=0 fast path
    areas: list[AreaRef]
    detail: bytes


class AreaRef(NamedTuple):
    area_id: str
    confidence: float
    role: int  # ROLE_RANK
    claim: int  # CLAIM_RANK
    fragment: bytes  # {"report":…,"rev":…,"confidence":…,"role":…,"claim":…}


def build_entry(r: LocatedReport, index: AreaIndex) -> Entry:
    """Serialize ``r`` once into its point features, area references and detail record."""
    rev = hashlib.sha1(r.to_bytes()).hexdigest()[:12]
    points: list[tuple[float, bytes]] = []
    areas: list[AreaRef] = []
    placements: dict[str, dict[str, Any]] = {}
    for p in sorted(r.placements, key=lambda p: -p.confidence):
        area_id = _area_id(p)
        shaped = area_id is not None and index.get(area_id) is not None
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
                AreaRef(area_id, p.confidence, ROLE_RANK[p.role], CLAIM_RANK[p.claim],
                         dumps(ref))
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
        points.append((p.confidence, dumps(feature)))
    detail = {
        "id": r.id,
        "rev": rev,
        "source": r.source,
        "url": safe_url(r.url),
        "headline": r.headline,
        "language": r.language,
        "published": iso(r.published_at),
        "received": iso(r.received_at),
        "located": iso(r.located_at),
        "story": r.story_id,
        "story_size": r.story_size,
        "placements": list(placements.values()),
    }
    best = max((p.confidence for p in r.placements), default=-1.0)
    blob = b",".join(frag for _, frag in points)
    ts = r.published_at.timestamp()
    return Entry(r.id, ts, rev, best, points, blob, areas, dumps(detail))

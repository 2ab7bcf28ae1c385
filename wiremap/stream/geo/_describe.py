"""How precise a placement is (class and radius) and a short reason a person can read."""

from __future__ import annotations

from wiremap.contracts import Precision
from wiremap.stream.geo._types import Resolved

__all__ = ["precision_of", "reason_of"]

_PRECISION = {
    "country": Precision.COUNTRY,
    "continent": Precision.COUNTRY,
    "admin1": Precision.ADMIN1,
    "admin2": Precision.ADMIN2,
    "city": Precision.CITY,
    "airport": Precision.AIRPORT,
}
_KIND_LABEL = {"country": "country", "continent": "continent or world region",
               "admin1": "admin-1", "admin2": "admin-2", "city": "city", "airport": "airport"}
_MATCH_LABEL = {"name": "name", "alias": "alternate name", "capital": "'the capital'",
                "demonym": "demonym", "abbrev": "state abbreviation", "area": "world region"}
_AREA_KM = 40.0


def precision_of(r: Resolved) -> tuple[Precision, float]:
    """A city named as the area around it ("outside the capital", "the Sumy area") is a region
    around the city, never a pin."""
    p = r.place
    precision = _PRECISION.get(p.kind, Precision.POINT)
    radius = max(float(p.radius_km), 0.5)
    if r.mention.outside and p.kind in ("city", "airport"):
        return Precision.ADMIN2, max(3.0 * radius, radius + _AREA_KM)
    return precision, radius


def reason_of(r: Resolved) -> str:
    m = r.mention
    p = r.place
    parts: list[str] = []
    if m.match == "fuzzy":
        parts.append(f"spelling variant ({m.dist} edit) of {p.name}")
    elif m.match == "capital":
        parts.append(f"'the capital' read as {p.name}, capital of {p.country}")
    else:
        parts.append(_MATCH_LABEL.get(m.match, m.match))
    parts.append(_KIND_LABEL.get(p.kind, p.kind))
    parts.append("unambiguous" if r.n_cands == 1 else f"{r.n_cands} candidates")
    if m.dateline:
        parts.append("dateline: where the copy was filed")
    elif m.hint and m.hint == p.kind:
        parts.append(f"text asks for {_KIND_LABEL.get(m.hint, m.hint)}")
    if r.in_container:
        parts.append("named with its state or country")
    if r.coherent_with:
        parts.append(f"coherent with {r.coherent_with}")
    elif r.n_cands > 1 and p.population:
        parts.append("most prominent")
    if m.outside:
        parts.append("area around it, not a pin")
    return ", ".join(parts)

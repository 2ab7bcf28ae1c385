"""The geolocate stage behind one small interface.

The worker only needs ``locate_many(items) -> placements per item`` and the name of an
admin-1 region;
everything else about geoparsing stays in ``wiremap.stream.geo``. ``load_locator`` loads
the real ``Geoparser`` once per process (its gazetteer costs ~1 s and a few hundred MB),
so callers keep the instance for the life of the worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from wiremap.contracts import Placement, Role, WireItem
from wiremap.errors import GeoError

__all__ = ["Locator", "RegionNames", "load_locator", "load_region_names", "region_events_of"]


@runtime_checkable
class Locator(Protocol):
    """Anything that places wire items: the Geoparser, or a small one in tests."""

    def locate(self, item: WireItem) -> list[Placement]: ...

    def locate_many(self, items: Sequence[WireItem]) -> list[list[Placement]]: ...


class RegionNames(Protocol):
    def __call__(self, code: str) -> tuple[str, str | None]: ...


def load_locator() -> Locator:
    """The real geoparser, loaded once; raises GeoError if it cannot be built."""
    try:
        from wiremap.stream.geo import Geoparser
    except ImportError as exc:
        raise GeoError(f"the geoparser is not available: {exc}") from exc
    locator = Geoparser.load()
    if not isinstance(locator, Locator):
        raise GeoError("wiremap.stream.geo.Geoparser lacks locate(item) or locate_many(items)")
    return locator


def load_region_names() -> RegionNames:
    """``code → (name, country)`` from the gazetteer; unknown codes name themselves."""
    try:
        from wiremap.stream.geo.gazetteer import Gazetteer
    except ImportError as exc:
        raise GeoError(f"the gazetteer is not available: {exc}") from exc
    gazetteer = Gazetteer.load()
    cache: dict[str, tuple[str, str | None]] = {}

    def names(code: str) -> tuple[str, str | None]:
        hit = cache.get(code)
        if hit is None:
            place: Any = gazetteer.admin1(code)
            country = code.split(".", 1)[0] if "." in code else None
            hit = (place.name, place.country) if place is not None else (code, country)
            cache[code] = hit
        return hit

    return names


def region_events_of(placements: Sequence[Placement], min_confidence: float = 0.0) -> dict[str, float]:
    """Region code → the best placement confidence in it, of placements at least
    ``min_confidence`` likely right (placements without admin-1 skip). A dateline says where
    the copy was filed, not where the event was, so it counts only in a report that places
    nothing else: then the filing bureau is the best evidence there is."""
    best: dict[str, float] = {}
    filed: dict[str, float] = {}
    for p in placements:
        if p.admin1 and p.confidence >= min_confidence:
            into = filed if p.role is Role.DATELINE else best
            if p.confidence > into.get(p.admin1, -1.0):
                into[p.admin1] = p.confidence
    return best or filed

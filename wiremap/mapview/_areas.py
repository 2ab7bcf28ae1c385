"""Region and country polygons for the map, keyed the way placements name them."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

__all__ = ["Area", "AreaIndex", "default_area_paths"]


@dataclass(frozen=True, slots=True)
class Area:
    id: str  # "a1:RU.47" or "cc:RU", the gazetteer's place id
    code: str  # "RU.47" or "RU"
    name: str
    country: str | None
    geometry: bytes  # the GeoJSON geometry, serialized once


def default_area_paths() -> tuple[Path | None, Path | None]:
    """The packaged admin-1 and country polygons, or None where they are not built yet."""
    try:
        from wiremap.stream.geo import data_path
    except ImportError:
        return None, None
    found: list[Path | None] = []
    for name in ("admin1.geojson", "countries.geojson"):
        try:
            path = Path(data_path(name))
        except Exception:  # a missing data file is reported below, not fatal
            path = None
        found.append(path if path is not None and path.is_file() else None)
    return found[0], found[1]


def _load(path: Path, code_key: str, prefix: str) -> dict[str, Area]:
    doc = json.loads(path.read_bytes())
    out: dict[str, Area] = {}
    for feature in doc.get("features", []):
        props = feature.get("properties") or {}
        code, geometry = props.get(code_key), feature.get("geometry")
        if not isinstance(code, str) or not geometry:
            continue
        country = props.get("country", code if prefix == "cc" else None)
        out[code] = Area(
            id=f"{prefix}:{code}",
            code=code,
            name=str(props.get("name") or code),
            country=country if isinstance(country, str) else None,
            geometry=json.dumps(geometry, separators=(",", ":")).encode(),
        )
    return out


class AreaIndex:
    """Admin-1 and country polygons; empty (placements fall back to circles) when absent."""

    def __init__(self, admin1_path: Path | None = None, countries_path: Path | None = None):
        self.admin1_path = admin1_path
        self.countries_path = countries_path
        self.admin1: dict[str, Area] = _load(admin1_path, "code", "a1") if admin1_path else {}
        self.countries: dict[str, Area] = (
            _load(countries_path, "cc", "cc") if countries_path else {}
        )

    @classmethod
    def packaged(cls) -> AreaIndex:
        admin1, countries = default_area_paths()
        if admin1 is None or countries is None:
            log.warning("region polygons not found; admin-1 placements will draw as circles")
        return cls(admin1, countries)

    def get(self, area_id: str) -> Area | None:
        prefix, _, code = area_id.partition(":")
        if prefix == "a1":
            return self.admin1.get(code)
        if prefix == "cc":
            return self.countries.get(code)
        return None

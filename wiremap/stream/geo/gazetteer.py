"""Offline worldwide gazetteer: countries, admin-1/-2 units, cities and airports by name key.

Built once by scripts/build_gazetteer.py into data/gazetteer.bin; loading decodes that file
into flat columns and a sorted key list, so start-up stays well under a second and Place
objects are only made for the rows a caller actually asks for.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from wiremap.errors import GeoError
from wiremap.stream.geo import _gazindex
from wiremap.stream.geo._gazindex import name_key
from wiremap.stream.geo._paths import data_path

__all__ = ["INDEX_FILE", "Gazetteer", "NameMatch", "Place", "name_key"]

INDEX_FILE = "gazetteer.bin"
_CODE_RE = re.compile(r'"properties":\{"code":"([^"]+)"')


@dataclass(frozen=True, slots=True)
class Place:
    id: str  # "cc:RU", "a1:RU.47", "a2:US.TX.113", "gn:524901", "iata:DME"
    name: str  # preferred English name
    kind: str  # "country" | "admin1" | "admin2" | "city" | "airport"
    lat: float
    lon: float
    country: str  # ISO 3166-1 alpha-2
    admin1: str | None  # GeoNames admin-1 code "RU.47" (for countries: None)
    population: int  # 0 if unknown
    radius_km: float  # extent: city ≈ sqrt(area), admin1 from its polygon, airport ≈ 3 km
    feature: str  # GeoNames feature code where known (PPLC, PPLA, PPL, ADM1, ADM2, PCLI, AIRP)


class NameMatch(NamedTuple):
    """A candidate with how its name was recorded (see _gazindex.ALIASES)."""

    place: Place
    alias: str


class Gazetteer:
    """Read-only name → places index; safe to share between threads once loaded."""

    def __init__(self, index: _gazindex.Index) -> None:
        self._ix = index
        h = index.header
        self._countries: list[str] = h["countries"]
        self._admin1: list[str] = h["admin1_codes"]
        self._features: list[str] = h["features"]
        self._capitals: dict[str, int] = h["capitals"]
        self._airport_codes: dict[str, int] = h["airport_codes"]
        c = index.cols
        # numpy columns, not lists: a list of 280k boxed ints costs ~10 MB per column, and a
        # row is only read when its Place is first made (then cached)
        self._kind = c["kind"]
        self._lat = c["lat"]
        self._lon = c["lon"]
        self._cc = c["country"]
        self._a1 = c["admin1"]
        self._pop = c["population"]
        self._radius = c["radius"]
        self._feat = c["feature"]
        self._name_off = c["name_off"]
        self._id_off = c["id_off"]
        self._key_off = c["key_off"]
        self._post_place = c["post_place"]
        self._post_alias = c["post_alias"]
        self._cache: dict[int, Place] = {}

    @classmethod
    def load(cls, path: Path | None = None) -> Gazetteer:
        """Load the committed index (or the one at `path`).

        The instance is read-only, so loads of an unchanged file share one (a process that
        builds several geoparsers pays for the index once).
        """
        path = path if path is not None else data_path(INDEX_FILE)
        if not path.is_file():
            raise GeoError(f"gazetteer index not found: {path} (run scripts/build_gazetteer.py)")
        st = path.stat()
        return _load_shared(path.resolve(), st.st_mtime_ns, st.st_size)

    def __len__(self) -> int:
        return len(self._kind)

    def keys(self) -> Sequence[str]:
        """Every name key, sorted (for building a matcher); an immutable tuple."""
        return self._ix.keys

    def _slot(self, key: str) -> int:
        keys = self._ix.keys
        i = bisect.bisect_left(keys, key)
        return i if i < len(keys) and keys[i] == key else -1

    def lookup(self, key: str) -> list[Place]:
        """Places whose name key is `key` (already passed through name_key)."""
        return [m.place for m in self.matches(key)]

    def matches(self, key: str) -> list[NameMatch]:
        """Like lookup(), with the alias type that linked each place to the key."""
        i = self._slot(key)
        if i < 0:
            return []
        lo, hi = int(self._key_off[i]), int(self._key_off[i + 1])
        rows = self._post_place[lo:hi].tolist()
        kinds = self._post_alias[lo:hi].tolist()
        names = _gazindex.ALIASES
        cache = self._cache
        new = [r for r in rows if r not in cache]
        made = self._make_places(new) if new else {}
        return [NameMatch(cache.get(r) or made[r], names[a])
                for r, a in zip(rows, kinds, strict=True)]

    def prominent_keys(self, min_population: int = 20_000) -> list[str]:
        """Keys naming at least one country, admin-1 unit or airport, or a city/admin-2 unit
        with population >= ``min_population`` (machine transliterations left out): the names
        worth a misspelling index. Computed over the posting columns, no Place objects."""
        kind = self._kind
        big = (kind == _gazindex.KINDS.index("country")) | (kind == _gazindex.KINDS.index("admin1"))
        big |= kind == _gazindex.KINDS.index("airport")
        big |= self._pop >= min_population
        hit = big[self._post_place] & (self._post_alias != _gazindex.ALIASES.index("translit"))
        if not len(hit):
            return []
        per_key = np.logical_or.reduceat(hit, self._key_off[:-1].astype(np.intp))
        keys = self._ix.keys
        return [keys[i] for i in np.flatnonzero(per_key).tolist()]

    def get(self, place_id: str) -> Place | None:
        if place_id.startswith(("cc:", "a1:")):
            # countries and admin-1 units from a small map: the full id map (280k rows, ~0.15 s)
            # is only built when a city, admin-2 or airport id is asked for
            row = self._rows_by_area_id.get(place_id)
        else:
            row = self._rows_by_id.get(place_id)
        return None if row is None else self._place(row)

    def admin1(self, code: str) -> Place | None:
        return self.get("a1:" + code)

    def country(self, cc: str) -> Place | None:
        return self.get("cc:" + cc.upper())

    def capital(self, cc: str) -> Place | None:
        row = self._capitals.get(cc.upper())
        return None if row is None else self._place(row)

    def airport(self, code: str) -> Place | None:
        """An airport by IATA or ICAO code ("DME", "UUDD"); codes are not name keys."""
        row = self._airport_codes.get(code.upper())
        return None if row is None else self._place(row)

    def country_name(self, cc: str) -> str | None:
        p = self.country(cc)
        return p.name if p else None

    @cached_property
    def _rows_by_area_id(self) -> dict[str, int]:
        off = self._id_off
        ids = self._ix.ids
        rows = np.flatnonzero(self._kind <= _gazindex.KINDS.index("admin1")).tolist()
        return {ids[int(off[r]):int(off[r + 1])]: r for r in rows}

    @cached_property
    def _rows_by_id(self) -> dict[str, int]:
        off = self._id_off.tolist()
        ids = self._ix.ids
        return {ids[off[r]:off[r + 1]]: r for r in range(len(off) - 1)}

    def _place(self, row: int) -> Place:
        p = self._cache.get(row)
        if p is not None:
            return p
        a1 = int(self._a1[row])
        no, io = self._name_off, self._id_off
        p = Place(
            id=self._ix.ids[int(io[row]):int(io[row + 1])],
            name=self._ix.names[int(no[row]):int(no[row + 1])],
            kind=_gazindex.KINDS[int(self._kind[row])],
            lat=round(int(self._lat[row]) / _gazindex.COORD_SCALE, 5),
            lon=round(int(self._lon[row]) / _gazindex.COORD_SCALE, 5),
            country=self._countries[int(self._cc[row])],
            admin1=self._admin1[a1] if a1 >= 0 else None,
            population=int(self._pop[row]),
            radius_km=round(float(self._radius[row]), 2),
            feature=self._features[int(self._feat[row])],
        )
        if len(self._cache) < 200_000:
            self._cache[row] = p
        return p

    def _make_places(self, rows: list[int]) -> dict[int, Place]:
        """Places for several rows with one numpy gather per column (a common name has dozens
        of postings; reading numpy scalars one by one costs ~10 µs a place)."""
        idx = np.array(rows, dtype=np.intp)
        kind = self._kind[idx].tolist()
        lat = self._lat[idx].tolist()
        lon = self._lon[idx].tolist()
        cc = self._cc[idx].tolist()
        a1 = self._a1[idx].tolist()
        pop = self._pop[idx].tolist()
        radius = self._radius[idx].tolist()
        feat = self._feat[idx].tolist()
        n0 = self._name_off[idx].tolist()
        n1 = self._name_off[idx + 1].tolist()
        i0 = self._id_off[idx].tolist()
        i1 = self._id_off[idx + 1].tolist()
        names, ids, scale = self._ix.names, self._ix.ids, _gazindex.COORD_SCALE
        out: dict[int, Place] = {}
        for j, row in enumerate(rows):
            p = Place(
                id=ids[i0[j]:i1[j]],
                name=names[n0[j]:n1[j]],
                kind=_gazindex.KINDS[kind[j]],
                lat=round(lat[j] / scale, 5),
                lon=round(lon[j] / scale, 5),
                country=self._countries[cc[j]],
                admin1=self._admin1[a1[j]] if a1[j] >= 0 else None,
                population=pop[j],
                radius_km=round(radius[j], 2),
                feature=self._features[feat[j]],
            )
            out[row] = p
            if len(self._cache) < 200_000:
                self._cache[row] = p
        return out

    def places(self, kind: str | None = None) -> Iterable[Place]:
        """Every place (of one kind), in index order."""
        want = None if kind is None else _gazindex.KINDS.index(kind)
        for row, k in enumerate(self._kind.tolist()):
            if want is None or k == want:
                yield self._place(row)

    def header(self) -> dict[str, Any]:
        """Build metadata (sources, versions, counts)."""
        return dict(self._ix.header.get("meta", {}))

    def admin1_geometry(self, code: str) -> dict[str, Any] | None:
        """The simplified GeoJSON geometry of an admin-1 unit; the file is read on first use."""
        line = self._admin1_lines.get(code)
        return None if line is None else dict(json.loads(line)["geometry"])

    @cached_property
    def _admin1_lines(self) -> dict[str, str]:
        # admin1.geojson holds one feature per line: keep the raw lines, parse one on demand
        out: dict[str, str] = {}
        with data_path("admin1.geojson").open(encoding="utf-8") as f:
            for line in f:
                m = _CODE_RE.search(line)
                if m and line.startswith('{"type":"Feature"'):
                    out[m.group(1)] = line.rstrip().rstrip(",")
        return out


@lru_cache(maxsize=2)
def _load_shared(path: Path, mtime_ns: int, size: int) -> Gazetteer:
    return Gazetteer(_gazindex.read(path))

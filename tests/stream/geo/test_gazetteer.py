"""The committed gazetteer index and region polygons, checked against what a desk analyst expects."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from wiremap.errors import GeoError
from wiremap.stream.geo import Gazetteer, Place, data_path, name_key

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def admin1_fc() -> dict:
    return json.loads(data_path("admin1.geojson").read_text(encoding="utf-8"))


def ids(places: list[Place]) -> set[str]:
    return {p.id for p in places}


def test_name_key_folds_case_script_and_punctuation() -> None:
    assert name_key("  Rostov-on-Don ") == "rostov on don"
    assert name_key("Kharkivs’ka Oblast’") == "kharkivs ka oblast"
    assert name_key("Московская область") == name_key("MOSKOVSKAIA OBLAST'")
    assert name_key("Île-de-France") == "ile de france"


def test_moscow_oblast_is_ru47_under_every_spelling(gaz: Gazetteer) -> None:
    oblast = gaz.admin1("RU.47")
    assert oblast is not None
    assert (oblast.id, oblast.kind, oblast.country, oblast.feature) == (
        "a1:RU.47", "admin1", "RU", "ADM1")
    assert oblast.name == "Moscow Oblast"
    assert 50 < oblast.radius_km < 200  # from its polygon (~45,900 km²)
    for form in ("Moscow Oblast", "Moskovskaya Oblast", "Московская область", "Moscow Region",
                 "moscow oblast"):
        assert "a1:RU.47" in ids(gaz.lookup(name_key(form))), form


def test_type_word_stripping_keys_the_oblast_by_its_bare_name(gaz: Gazetteer) -> None:
    kursk = ids(gaz.lookup(name_key("Kursk")))
    assert {"a1:RU.41", "gn:538560"} <= kursk  # oblast and city both candidates
    assert "a1:RU.41" in ids(gaz.lookup(name_key("Kursk region")))
    alias = {m.place.id: m.alias for m in gaz.matches(name_key("Kursk"))}
    assert alias["a1:RU.41"] == "stripped" and alias["gn:538560"] == "preferred"


def test_romanisations_resolve_to_the_same_places(gaz: Gazetteer) -> None:
    city = gaz.get("gn:706483")
    assert city is not None and city.name == "Kharkiv" and city.admin1 == "UA.07"
    assert "gn:706483" in ids(gaz.lookup(name_key("Kharkov")))
    assert "a1:UA.07" in ids(gaz.lookup(name_key("Kharkov region")))
    assert "gn:698740" in ids(gaz.lookup(name_key("Odessa")))
    assert "a1:UA.17" in ids(gaz.lookup(name_key("Odessa Oblast")))
    assert "gn:703448" in ids(gaz.lookup(name_key("Kiev")))


@pytest.mark.parametrize(
    ("iata", "name"),
    [("DME", "Domodedovo"), ("VKO", "Vnukovo"), ("SVO", "Sheremetyevo"), ("ZIA", "Zhukovsky")],
)
def test_moscow_airports(gaz: Gazetteer, iata: str, name: str) -> None:
    airport = gaz.airport(iata)
    assert airport is not None and airport.id == f"iata:{iata}" and airport.kind == "airport"
    assert airport.country == "RU" and airport.feature == "AIRP"
    assert 55.2 < airport.lat < 56.2 and 37.0 < airport.lon < 38.4
    assert airport.admin1 in ("RU.47", "RU.48")
    assert f"iata:{iata}" in ids(gaz.lookup(name_key(f"{name} airport")))
    assert gaz.get(f"iata:{iata}") == airport


def test_paris_has_french_and_texan_candidates(gaz: Gazetteer) -> None:
    cities = [p for p in gaz.lookup("paris") if p.kind == "city"]
    by_cc = {p.country for p in cities}
    assert {"FR", "US"} <= by_cc
    france = max((p for p in cities if p.country == "FR"), key=lambda p: p.population)
    assert france.population > 2_000_000 and france.admin1 == "FR.11"
    assert france.feature == "PPLC" and gaz.capital("FR") == france
    assert any(p.admin1 == "US.TX" for p in cities)


def test_georgia_is_a_country_and_a_us_state(gaz: Gazetteer) -> None:
    found = {(p.kind, p.country) for p in gaz.lookup("georgia")}
    assert {("country", "GE"), ("admin1", "US")} <= found
    country = gaz.country("ge")
    assert country is not None and country.name == "Georgia" and country.admin1 is None


def test_capitals_and_unknowns(gaz: Gazetteer) -> None:
    moscow = gaz.capital("RU")
    assert moscow is not None and moscow.id == "gn:524901" and moscow.feature == "PPLC"
    assert gaz.lookup("no such place anywhere") == []
    assert gaz.get("gn:0") is None and gaz.admin1("XX.99") is None and gaz.capital("ZZ") is None


def test_keys_are_sorted_normalised_and_lookupable(gaz: Gazetteer) -> None:
    keys = gaz.keys()
    assert len(keys) > 500_000
    sample = keys[:: max(1, len(keys) // 2000)]
    assert list(sample) == sorted(sample)
    for k in sample:
        assert name_key(k) == k and gaz.lookup(k), k


def test_admin1_geojson_is_valid_and_agrees_with_gazetteer(
        gaz: Gazetteer, admin1_fc: dict) -> None:
    shapely_geometry = pytest.importorskip("shapely.geometry")
    feats = {f["properties"]["code"]: f for f in admin1_fc["features"]}
    assert len(feats) == len(admin1_fc["features"]) > 3000
    renamed: set[str] = set()
    for code, f in feats.items():
        assert set(f["properties"]) == {"code", "iso", "name", "country"}
        assert code.startswith(f["properties"]["country"] + ".")
        geom = shapely_geometry.shape(f["geometry"])
        assert geom.is_valid and not geom.is_empty, code
        place = gaz.admin1(code)
        assert place is not None, code
        if place.name != f["properties"]["name"]:
            # GeoNames' bare name preferred ("New York"); the polygon's stays an alternate
            assert place in gaz.lookup(name_key(f["properties"]["name"])), code
            renamed.add(code)
    assert renamed == {"US.NY", "US.WA"}
    assert feats["RU.47"]["properties"] == {
        "code": "RU.47", "iso": "RU-MOS", "name": "Moscow Oblast", "country": "RU"}


def test_ru47_polygon_surrounds_moscow(gaz: Gazetteer, admin1_fc: dict) -> None:
    shapely_geometry = pytest.importorskip("shapely.geometry")
    shapes = {f["properties"]["code"]: shapely_geometry.shape(f["geometry"])
              for f in admin1_fc["features"] if f["properties"]["code"] in ("RU.47", "RU.48")}
    moscow, dme = gaz.capital("RU"), gaz.airport("DME")
    assert moscow is not None and dme is not None
    city_pt = shapely_geometry.Point(moscow.lon, moscow.lat)
    # Natural Earth cuts the federal city (RU.48, with "New Moscow" reaching Kaluga Oblast) out
    # of the oblast: Moscow's point is in RU.48, which RU.47 wraps along most of its border
    oblast, city = shapes["RU.47"], shapes["RU.48"]
    assert city.contains(city_pt) and not oblast.contains(city_pt)
    assert oblast.convex_hull.contains(city_pt)
    shared = oblast.buffer(0.01).intersection(city.boundary).length
    assert shared / city.boundary.length > 0.85
    assert oblast.union(city).contains(city_pt)
    assert oblast.contains(shapely_geometry.Point(dme.lon, dme.lat))
    place = gaz.admin1("RU.47")
    assert place is not None
    assert oblast.contains(shapely_geometry.Point(place.lon, place.lat))


def test_countries_geojson_has_one_outline_per_country() -> None:
    fc = json.loads(data_path("countries.geojson").read_text(encoding="utf-8"))
    ccs = [f["properties"]["cc"] for f in fc["features"]]
    assert len(ccs) == len(set(ccs)) > 200
    props = {f["properties"]["cc"]: f["properties"] for f in fc["features"]}
    assert props["RU"] == {"cc": "RU", "name": "Russia"}


def test_data_path_rejects_bad_names() -> None:
    with pytest.raises(GeoError):
        data_path("../gazetteer.py")
    with pytest.raises(GeoError):
        data_path("missing.geojson")


def test_load_rejects_a_file_that_is_not_an_index(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bin.gz"
    bad.write_bytes(b"not gzip")
    with pytest.raises(GeoError):
        Gazetteer.load(bad)
    with pytest.raises(GeoError):
        Gazetteer.load(tmp_path / "absent.bin.gz")


@pytest.fixture
def build_script() -> Iterator[ModuleType]:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        yield importlib.import_module("build_gazetteer")
    finally:
        sys.path.remove(str(ROOT / "scripts"))


def test_index_rebuild_is_deterministic(build_script: ModuleType, tmp_path: Path) -> None:
    def entries() -> list:
        e = build_script.Entry
        kursk_oblast = e("a1:RU.41", "Kursk Oblast", "admin1", 51.6, 36.1, "RU", "RU.41",
                         1_000_000, 110.0, "ADM1")
        kursk_oblast.add("Kursk Oblast", "preferred")
        kursk_oblast.add("Kurskaya oblast'", "alternate")
        kursk_oblast.add("Kursk", "stripped")
        kursk = e("gn:538560", "Kursk", "city", 51.73733, 36.18735, "RU", "RU.41", 448_733,
                  10.6, "PPL")
        kursk.add("Kursk", "preferred")
        kursk.add("Курск", "alternate")
        kursk.add("U.S.K.", "alternate")
        russia = e("cc:RU", "Russia", "country", 61.66, 99.07, "RU", None, 144_000_000,
                   2300.0, "PCLI")
        russia.add("Russia", "preferred")
        return [kursk, kursk_oblast, russia]  # unsorted on purpose

    outs = []
    for i in range(2):
        out = tmp_path / f"g{i}.bin.gz"
        build_script.write(entries(), {}, {"KRS": "gn:538560"}, out, {"test": True})
        outs.append(out)
    assert outs[0].read_bytes() == outs[1].read_bytes()
    g = Gazetteer.load(outs[0])
    assert Gazetteer.load(outs[0]) is g  # an unchanged file is loaded once per process
    assert [p.id for p in g.lookup("kursk")] == ["a1:RU.41", "gn:538560"]
    assert [m.alias for m in g.matches("kursk")] == ["stripped", "preferred"]
    assert g.lookup("usk") and g.get("cc:RU") == g.country("ru")
    assert g.airport("krs") == g.get("gn:538560")
    city = g.get("gn:538560")
    assert city == Place("gn:538560", "Kursk", "city", 51.73733, 36.18735, "RU", "RU.41",
                         448_733, 10.6, "PPL")
    assert list(g.keys()) == sorted(g.keys())


def test_news_names_of_countries_and_states(gaz: Gazetteer) -> None:
    for key in ("us", "usa", "u s", "u s a", "america"):
        assert "cc:US" in {p.id for p in gaz.lookup(key)}, key
    assert gaz.lookup("nsw")[0].id == "a1:AU.02"
    by_alias = {m.place.id: m.alias for m in gaz.matches("new york")}
    assert by_alias["a1:US.NY"] == "preferred" and "gn:5128581" in by_alias
    assert gaz.admin1("US.WA") is not None and gaz.admin1("US.WA").name == "Washington"


def test_prominent_keys_cover_big_places_only(gaz: Gazetteer) -> None:
    keys = set(gaz.prominent_keys(50_000))
    assert {"moscow", "kharkiv", "domodedovo", "russia", "kursk oblast"} <= keys
    small = set(gaz.prominent_keys(10_000_000))
    assert small < keys and "russia" in small and "podolsk" in keys - small
    for k in list(keys)[:2000]:
        assert any(p.kind in ("country", "admin1", "airport") or p.population >= 50_000
                   for p in gaz.lookup(k)), k

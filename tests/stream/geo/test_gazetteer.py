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


# Natural Earth codes these with non-ISO alpha-3s (SDS, KOS, SAH, PSX, ALD, IOA) or files them
# under their sovereign (Mayotte in France, Tokelau in New Zealand, Bouvet in Norway); the polygon
# build once dropped or merged them, so "South Sudan" fell to Sudan and none had a country place.
NE_OWN_CODES = ("SS", "XK", "EH", "PS", "AX", "CX", "CC", "YT", "TK", "BV")


def test_south_sudan_kosovo_and_juba_resolve_to_their_own_country(gaz: Gazetteer) -> None:
    assert [p.id for p in gaz.lookup("south sudan")] == ["cc:SS"]
    assert "cc:XK" in ids(gaz.lookup("kosovo"))
    juba = gaz.capital("SS")
    assert juba is not None and juba.id in ids(gaz.lookup("juba"))
    assert (juba.name, juba.country, juba.admin1) == ("Juba", "SS", "SS.01")
    pristina = gaz.capital("XK")
    assert pristina is not None and pristina.name == "Pristina" and pristina.country == "XK"


def test_parser_places_south_sudan_and_kosovo_in_the_right_country() -> None:
    from wiremap.stream.geo import Geoparser

    gp = Geoparser.load()
    got = {(p.text, p.place_id, p.country)
           for p in gp.parse("Clashes were reported in Juba, South Sudan, and in Kosovo.")}
    assert {("Juba", "gn:373303", "SS"), ("South Sudan", "cc:SS", "SS"),
            ("Kosovo", "cc:XK", "XK")} <= got
    assert not any(p.country == "SD" for p in gp.parse("South Sudan's army said."))


@pytest.mark.parametrize("cc", NE_OWN_CODES)
def test_countries_natural_earth_codes_its_own_way_have_outline_and_point(
        gaz: Gazetteer, cc: str) -> None:
    shapely_geometry = pytest.importorskip("shapely.geometry")
    fc = json.loads(data_path("countries.geojson").read_text(encoding="utf-8"))
    outline = {f["properties"]["cc"]: f for f in fc["features"]}.get(cc)
    country = gaz.country(cc)
    assert outline is not None and country is not None
    shape = shapely_geometry.shape(outline["geometry"])
    assert shape.buffer(0.05).contains(shapely_geometry.Point(country.lon, country.lat))


def test_south_sudan_and_kosovo_admin1_come_from_their_polygons(
        gaz: Gazetteer, admin1_fc: dict) -> None:
    shapely_geometry = pytest.importorskip("shapely.geometry")
    feats = {f["properties"]["code"]: f for f in admin1_fc["features"]}
    ss = sorted(c for c in feats if c.startswith("SS."))
    assert ss == [f"SS.{i:02d}" for i in range(1, 11)]
    assert sum(c.startswith("XK.") for c in feats) == 7
    juba = gaz.capital("SS")
    assert juba is not None
    assert shapely_geometry.shape(feats["SS.01"]["geometry"]).contains(
        shapely_geometry.Point(juba.lon, juba.lat))
    sudan = shapely_geometry.shape(next(
        f for f in json.loads(data_path("countries.geojson").read_text(encoding="utf-8"))[
            "features"] if f["properties"]["cc"] == "SD")["geometry"])
    assert not sudan.contains(shapely_geometry.Point(juba.lon, juba.lat))


@pytest.fixture
def polygon_script() -> Iterator[ModuleType]:
    pytest.importorskip("shapely")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        yield importlib.import_module("build_polygons")
    finally:
        sys.path.remove(str(ROOT / "scripts"))


def test_country_of_natural_earth_feature_falls_back_past_its_own_codes(
        polygon_script: ModuleType) -> None:
    sub = importlib.import_module("_geobuild").Sub
    kacanik = sub("XK.10096138.09", 789720, None, "Kačanik", "", (), 2, "XK.10096138", "XK")
    iso3 = {"SDN": "SD", "SSD": "SS", "XKX": "XK", "CXR": "CX", "FRA": "FR", "MYT": "YT",
            "YEM": "YE"}
    countries = set(iso3.values())
    by_gid = {kacanik.gid: kacanik}

    def country(props: dict, stem: str) -> str | None:
        return polygon_script.country_of(props, stem, iso3, countries, by_gid)

    assert country({"adm0_a3": "SDN", "iso_a2": "SS"}, "SDN") == "SD"
    assert country({"adm0_a3": "SDS", "iso_a2": "SS", "gn_a1_code": "SS.05"}, "SDS") == "SS"
    assert country({"adm0_a3": "SDS", "iso_a2": "-1", "gn_a1_code": "SS.05"}, "SDS") == "SS"
    assert country({"adm0_a3": "KOS", "iso_a2": "-1", "gn_a1_code": "-109",
                    "gn_id": 789720}, "KOS") == "XK"
    assert country({"adm0_a3": "IOA", "gu_a3": "CXR", "iso_a2": "-1"}, "IOA") == "CX"
    assert country({"adm0_a3": "FRA", "gu_a3": "MYT", "iso_a2": "FR"}, "FRA") == "YT"
    assert country({"adm0_a3": "FRA", "gu_a3": "FXX", "iso_a2": "FR"}, "FRA") == "FR"
    assert country({"adm0_a3": "YEM"}, "YEM") == "YE"
    assert country({"adm0_a3": "SOL", "iso_a2": "-1", "gn_a1_code": "-1", "gn_id": 0},
                   "SOL") is None

"""The in-memory view: latest-wins reports, windows, stable ids, retraction and ageing."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from tests.mapview import _sample
from wiremap.contracts import RegionCount
from wiremap.mapview import AreaIndex, MapView


def features(view: MapView, **kw: Any) -> dict[str, dict[str, Any]]:
    doc = json.loads(view.reports_geojson(**kw).body)
    assert doc["type"] == "FeatureCollection"
    return {f["id"]: f for f in doc["features"]}


def feed(view: MapView, **kw: Any) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(view.feed(**kw).body)
    return result


def test_points_carry_radius_and_admin1_placements_are_region_polygons(sample_view: MapView) -> None:
    got = features(sample_view, window="24h")
    dme = got["r-moscow-drones|iata:DME|event"]
    assert dme["geometry"] == {"type": "Point", "coordinates": [37.9063, 55.4088]}
    assert dme["properties"]["radius_m"] == 3000
    assert dme["properties"]["confidence"] == 0.93
    oblast = got["a1:RU.47"]
    assert oblast["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert oblast["properties"]["name"] == "Moscow Oblast"
    # never a pin: no point feature exists for an admin-1 placement
    assert not any(fid.startswith("r-moscow-drones|a1:") for fid in got)
    origin = got["a1:UA.07"]["properties"]
    assert (origin["role"], origin["claim"]) == ("origin", "unconfirmed")


def test_region_polygon_aggregates_reports_placed_there(areas: AreaIndex, now: datetime) -> None:
    view = MapView(areas)
    for i, conf in enumerate([0.4, 0.9, 0.6]):
        p = _sample.placement("Moscow Oblast", "a1:RU.47", 55.5, 37.5, precision="admin1",
                              admin1="RU.47", confidence=conf,
                              claim="speculative" if i == 0 else "reported")
        view.apply(_sample.report(f"r{i}", f"item {i}", now - timedelta(minutes=i), [p]))
    props = features(view)["a1:RU.47"]["properties"]
    assert props["n"] == 3
    assert props["confidence"] == 0.9
    assert props["claim"] == "reported"
    assert [r["report"] for r in props["reports"]] == ["r0", "r1", "r2"]  # newest first


def test_feature_ids_are_stable_and_reemitted_reports_update_not_duplicate(
    sample_view: MapView, now: datetime
) -> None:
    before = features(sample_view)
    assert features(sample_view).keys() == before.keys()
    original = _sample.reports(now)[0]
    changed = original.model_copy(update={"headline": "Updated: 45 drones shot down"})
    sample_view.apply(changed)
    after = features(sample_view)
    assert after.keys() == before.keys()
    fid = "r-moscow-drones|iata:DME|event"
    assert after[fid]["properties"]["rev"] != before[fid]["properties"]["rev"]
    items = feed(sample_view)["items"]
    assert [i["headline"] for i in items if i["id"] == "r-moscow-drones"] == [
        "Updated: 45 drones shot down"
    ]
    assert len(sample_view) == len(_sample.reports(now))


def test_windows_select_by_publish_time(sample_view: MapView) -> None:
    hour = {i["id"] for i in feed(sample_view, window="1h")["items"]}
    day = {i["id"] for i in feed(sample_view, window="24h")["items"]}
    week = {i["id"] for i in feed(sample_view, window="7d")["items"]}
    assert hour == {"r-moscow-drones", "r-statement"}
    assert "r-bryansk-old" not in day and "r-bryansk-old" in week
    assert "a1:RU.10" in features(sample_view, window="7d")
    assert "a1:RU.10" not in features(sample_view, window="24h")


def test_feed_is_newest_first_and_counts_unplaced(sample_view: MapView) -> None:
    doc = feed(sample_view, window="24h")
    published = [i["published"] for i in doc["items"]]
    assert published == sorted(published, reverse=True)
    assert doc["meta"]["unplaced"] == 1
    assert doc["meta"]["total"] == 7
    assert doc["items"][0]["placements"] == []


def test_min_confidence_filters_placements_and_feed(sample_view: MapView) -> None:
    got = features(sample_view, min_conf=0.8)
    assert "r-belgorod|gn:578072|event" not in got
    assert "a1:UA.07" not in got  # 45 % origin
    assert "a1:RU.47" in got and "r-kyiv|gn:703448|event" in got
    ids = {i["id"] for i in feed(sample_view, min_conf=0.8)["items"]}
    assert "r-belgorod" not in ids and "r-kolomna" not in ids
    assert "r-statement" in ids  # unplaced items stay listed and counted


def test_layers_split_points_and_areas(sample_view: MapView) -> None:
    points = features(sample_view, layer="points")
    areas = features(sample_view, layer="areas")
    assert all(f["geometry"]["type"] == "Point" for f in points.values())
    assert set(areas) == {"a1:RU.47", "a1:UA.07"}
    assert points.keys() | areas.keys() == features(sample_view).keys()


def test_retraction_and_ageing_remove_features(areas: AreaIndex, now: datetime) -> None:
    clock = [now.timestamp()]
    view = MapView(areas, clock=lambda: clock[0])
    for r in _sample.reports(now):
        view.apply(r)
    assert view.retract("r-kyiv") is True
    assert view.retract("r-kyiv") is False
    assert "r-kyiv|gn:703448|event" not in features(view)
    clock[0] += 3600 * 5.5
    assert "r-london|gn:2643743|mentioned" in features(view, window="24h")
    clock[0] += 3600 * 19
    assert "r-london|gn:2643743|mentioned" not in features(view, window="24h")
    assert "r-london|gn:2643743|mentioned" in features(view, window="7d")
    clock[0] += 86400 * 7
    assert view.prune() == len(_sample.reports(now)) - 1
    assert len(view) == 0


def test_etag_changes_only_when_the_answer_can(sample_view: MapView, now: datetime) -> None:
    a = sample_view.reports_geojson()
    assert sample_view.reports_geojson() == a
    assert sample_view.reports_geojson(min_conf=0.5).etag != a.etag
    sample_view.apply(_sample.report("r-new", "new", now, []))
    assert sample_view.reports_geojson().etag != a.etag


def test_region_counts_sum_buckets_in_window(sample_view: MapView) -> None:
    def counts(window: str) -> dict[str, dict[str, Any]]:
        doc = json.loads(sample_view.regions_geojson(window).body)
        return {f["properties"]["code"]: f["properties"] for f in doc["features"]}

    hour = counts("1h")
    assert hour["RU.47"]["stories"] == 2 and hour["UA.07"]["stories"] == 1
    assert "UA.12" not in hour  # its bucket is two hours old
    day = counts("24h")
    assert day["RU.47"]["stories"] == 3 and day["RU.47"]["reports"] == 4
    assert day["RU.47"]["weighted"] == round(1.79 + 0.88, 3)
    assert "RU.10" not in day
    week = counts("7d")  # day buckets
    assert week["RU.47"]["stories"] == 3 and week["RU.10"]["stories"] == 1
    assert json.loads(sample_view.regions_geojson("24h").body)["features"][0]["geometry"]


def test_latest_count_per_key_wins(sample_view: MapView, now: datetime) -> None:
    first = _sample.counts(now)[0]
    sample_view.apply_count(first.model_copy(update={"stories": 9, "reports": 12}))
    doc = json.loads(sample_view.regions_geojson("1h").body)
    ru47 = next(f for f in doc["features"] if f["properties"]["code"] == "RU.47")
    assert ru47["properties"]["stories"] == 9


def test_unshaped_regions_fall_back_to_circles(now: datetime) -> None:
    view = MapView(AreaIndex())  # no polygons at all
    for r in _sample.reports(now):
        view.apply(r)
    got = features(view)
    oblast = got["r-moscow-drones|a1:RU.47|event"]
    assert oblast["geometry"]["type"] == "Point"
    assert oblast["properties"]["radius_m"] == 120_000
    view.apply_count(
        RegionCount(region="XX.99", name="Nowhere", window="total", reports=1, stories=1,
                    weighted=1.0)
    )
    assert json.loads(view.regions_geojson().body)["features"] == []


def test_only_http_links_survive(areas: AreaIndex, now: datetime) -> None:
    hostile = ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)",
               "\tjavascript:alert(1)", "data:text/html,<script>alert(1)</script>",
               "vbscript:msgbox(1)", "//evil.example/x", "http:alert(1)"]
    view = MapView(areas)
    for i, url in enumerate(hostile):
        view.apply(_sample.report(f"r-bad-{i}", "x", now, [], url=url))
    view.apply(_sample.report("r-ok", "y", now, [], url="HTTPS://example.org/a"))
    ids = [f"r-bad-{i}" for i in range(len(hostile))] + ["r-ok", "nope"]
    urls = {d["id"]: d["url"] for d in json.loads(view.details(ids))}
    assert urls == {**{f"r-bad-{i}": None for i in range(len(hostile))},
                    "r-ok": "HTTPS://example.org/a"}


def test_replay_clock_anchors_windows_at_the_newest_report(areas: AreaIndex, now: datetime) -> None:
    long_ago = now - timedelta(days=400)
    view = MapView(areas, replay_clock=True)
    for r in _sample.reports(long_ago):
        view.apply(r)
    assert {i["id"] for i in feed(view, window="1h")["items"]} == {"r-moscow-drones", "r-statement"}
    assert view.prune() == 0

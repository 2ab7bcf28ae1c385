"""The HTTP endpoints: validation, conditional GETs, security headers, no data in HTML."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from aiokafka.structs import ConsumerRecord
from fastapi.testclient import TestClient

from tests.mapview import _sample
from wiremap.errors import MapviewError
from wiremap.mapview import AreaIndex, Follower, MapView, create_app
from wiremap.settings import Settings

XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">'


@pytest.fixture
def client(sample_view: MapView) -> Iterator[TestClient]:
    app = create_app(Settings(map_tiles_url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
                     sample_view, follow=False)
    with TestClient(app) as c:
        yield c


def test_page_loads_only_local_assets_and_sets_a_strict_csp(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    html = r.text
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert refs and all(u.startswith("/") or u.startswith("data:") for u in refs), refs
    assert "cdn" not in html.lower()
    for path in refs:
        if path.startswith("/"):
            assert client.get(path).status_code == 200, path
    csp = r.headers["content-security-policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "img-src 'self' data: https://tile.openstreetmap.org" in csp
    assert "connect-src 'self'" in csp


def test_page_html_carries_no_report_data(client: TestClient) -> None:
    html = client.get("/").text
    assert "Domodedovo" not in html and "r-moscow-drones" not in html


def test_reports_geojson_endpoint(client: TestClient) -> None:
    r = client.get("/api/reports.geojson", params={"window": "24h", "layer": "points"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/geo+json")
    ids = {f["id"] for f in r.json()["features"]}
    assert "r-moscow-drones|iata:DME|event" in ids
    again = client.get("/api/reports.geojson", params={"window": "24h", "layer": "points"},
                       headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize(
    "params",
    [{"window": "2h"}, {"min_conf": "1.5"}, {"min_conf": "-0.1"}, {"layer": "pins"},
     {"at": "2026-01-01T00:00:00"}, {"at": "yesterday"}],
)
def test_bad_parameters_get_a_clear_422(client: TestClient, params: dict[str, str]) -> None:
    r = client.get("/api/reports.geojson", params=params)
    assert r.status_code == 422
    assert r.json()["detail"]


def test_at_parameter_moves_the_window(client: TestClient, now: datetime) -> None:
    early = (now.replace(microsecond=0) - timedelta(hours=20)).isoformat()
    r = client.get("/api/feed", params={"window": "24h", "at": early})
    assert {i["id"] for i in r.json()["items"]} == {"r-bryansk-old"}


def test_feed_regions_details_and_health(client: TestClient, sample_view: MapView) -> None:
    feed = client.get("/api/feed", params={"window": "24h", "limit": 3}).json()
    assert feed["meta"]["total"] == 7 and feed["meta"]["shown"] == 3
    assert feed["meta"]["unplaced"] == 1
    regions = client.get("/api/regions.geojson", params={"window": "24h"}).json()
    assert {f["id"] for f in regions["features"]} >= {"region:RU.47", "region:UA.07"}
    details = client.get("/api/reports", params=[("id", "r-kyiv"), ("id", "nope")]).json()
    assert [d["id"] for d in details] == ["r-kyiv"]
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["reports"] == len(sample_view)
    assert health["last_update"]


def test_untrusted_text_stays_data_in_json(areas: AreaIndex, now: datetime) -> None:
    view = MapView(areas)
    p = _sample.placement(XSS, "gn:1", 55.0, 37.0, text=XSS, reason=XSS)
    view.apply(_sample.report("r-xss", XSS, now, [p], source=XSS))
    with TestClient(create_app(Settings(map_tiles_url=None), view, follow=False)) as c:
        r = c.get("/api/feed")
        assert r.headers["content-type"].startswith("application/json")
        assert r.headers["x-content-type-options"] == "nosniff"
        item = r.json()["items"][0]
        assert item["headline"] == XSS and item["placements"][0]["reason"] == XSS
        assert XSS not in c.get("/").text


@pytest.mark.parametrize(
    ("url", "img_src"),
    [
        ("https://{s}.tile.example.org:8443/{z}/{x}/{y}.png", "https://*.tile.example.org:8443"),
        ("http://tiles.local/{z}/{x}/{y}.png", "http://tiles.local"),
    ],
)
def test_tile_origin_goes_into_the_csp(url: str, img_src: str) -> None:
    with TestClient(create_app(Settings(map_tiles_url=url), MapView(), follow=False)) as c:
        r = c.get("/")
    assert f"img-src 'self' data: {img_src};" in r.headers["content-security-policy"]
    assert "Tiles: " + img_src.split("://")[1].split(":")[0].removeprefix("*.") in r.text


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)//{z}/{x}/{y}", "https://<img src=x onerror=alert(1)>/{z}/{x}/{y}",
     "https://a;script-src *.evil/{z}/{x}/{y}", "tile.example.org/{z}/{x}/{y}.png"],
)
def test_a_tile_url_that_is_not_a_plain_host_is_refused(url: str) -> None:
    with pytest.raises(MapviewError, match="map_tiles_url"):
        create_app(Settings(map_tiles_url=url), MapView(), follow=False)


def test_outline_basemap_is_served(client: TestClient) -> None:
    r = client.get("/geo/countries.geojson")
    assert r.status_code == 200 and r.json()["features"]
    assert client.get("/geo/other.geojson").status_code == 422


def _record(topic: str, value: bytes | None, key: bytes | None = b"k") -> ConsumerRecord:
    return ConsumerRecord(topic=topic, partition=0, offset=7, timestamp=0, timestamp_type=0,
                          key=key, value=value, checksum=None, serialized_key_size=0,
                          serialized_value_size=0, headers=())


def test_follower_applies_records_and_records_bad_ones(areas: AreaIndex, now: datetime) -> None:
    settings = Settings(topic_located="loc", topic_counts="cnt")
    view = MapView(areas)
    f = Follower(settings, view, "127.0.0.1:1")
    report = _sample.reports(now)[0]
    f._apply(_record("loc", report.to_bytes(), report.id.encode()))
    f._apply(_record("cnt", _sample.counts(now)[0].to_bytes()))
    f._apply(_record("loc", b"{not json"))
    f._apply(_record("cnt", json.dumps({"region": "RU.47"}).encode()))
    assert len(view) == 1 and view.stats()["region_counts"] == 1
    assert view.error_count == 2
    reasons = [r for _, r in view.errors]
    assert reasons[0].startswith("not a LocatedReport") and reasons[1].startswith("not a RegionCount")
    assert view.errors[0][0] == "loc[0]@7"
    f._apply(_record("loc", None, report.id.encode()))  # a tombstone retracts
    assert len(view) == 0


def test_serve_without_a_broker_says_how_to_get_one(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from wiremap.cli import cli
    from wiremap.settings import get_settings

    monkeypatch.setenv("WIREMAP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["serve"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code != 0
    assert "wiremap broker" in str(result.exception)

"""Desk map benchmark: the GeoJSON endpoint with 10,000 reports in the window, and the
page's time to first render with them in headless Chromium.

    python -m benchmarks.bench_mapview [-n 10000] [--requests 300] [--runs 3] [--pages 5]

A synthetic desk: ``n`` reports published over the last 20 hours, 1-3 placements each
(about a quarter admin-1 placements, drawn as region polygons; the rest airports/cities as
uncertainty circles), random confidence, role and claim; hour and day region counts for
every region touched. Served by the real app under a real uvicorn on loopback, fetched
with one keep-alive httpx client:

* ``cold``: one report is re-emitted on the server's loop before every request, so each
  response is built from scratch (the live-update worst case);
* ``warm``: nothing changed, the cached body is sent again;
* ``304``: the page's conditional poll when nothing changed.

Time to first render: navigation start → every data layer (points, regions, counts) and the
feed drawn, as the page itself records (``wm.ready``), in Chromium with the outline basemap.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import socket
import statistics
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import uvicorn

from wiremap.contracts import LocatedReport, Placement, RegionCount
from wiremap.mapview import AreaIndex, MapView, create_app
from wiremap.settings import Settings

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ROLES = ["event"] * 6 + ["origin"] * 2 + ["mentioned"] * 2
CLAIMS = ["confirmed", "reported", "reported", "reported", "unconfirmed", "speculative"]


def synthetic(n: int, areas: AreaIndex, now: datetime, seed: int = 7) -> tuple[
    list[LocatedReport], list[RegionCount]
]:
    rng = random.Random(seed)
    regions = sorted(areas.admin1.values(), key=lambda a: a.code)
    rng.shuffle(regions)
    regions = regions[:600]
    reports: list[LocatedReport] = []
    touched: dict[str, list[float]] = {}
    for i in range(n):
        published = now - timedelta(seconds=rng.uniform(0, 20 * 3600))
        placements = []
        for j in range(rng.choice([1, 1, 2, 2, 3])):
            conf = round(rng.random(), 3)
            region = rng.choice(regions)
            lat, lon = rng.uniform(-50, 65), rng.uniform(-120, 150)
            if rng.random() < 0.25:
                precision, place_id, radius = "admin1", f"a1:{region.code}", 100.0
            else:
                precision = rng.choice(["city", "city", "airport", "point"])
                place_id, radius = f"gn:{i}-{j}", rng.choice([0.5, 3, 8, 15, 30])
            placements.append(Placement(
                place_id=place_id, name=f"Place {i}-{j}", text=f"place {j}", start=0, end=7,
                lat=lat, lon=lon, precision=precision, radius_km=radius,  # type: ignore[arg-type]
                country=region.country, admin1=region.code, confidence=conf,
                role=rng.choice(ROLES), claim=rng.choice(CLAIMS),  # type: ignore[arg-type]
                reason="synthetic placement for the benchmark",
            ))
            touched.setdefault(region.code, []).append(conf)
        reports.append(LocatedReport(
            id=f"bench-{i}", source=f"wire-{i % 17}", url=f"https://news.example/{i}",
            headline=f"Synthetic wire item {i} about events in several places overnight",
            published_at=published, received_at=published, located_at=published,
            story_id=f"s-{i // 3}", placements=placements,
        ))
    counts: list[RegionCount] = []
    hour = now.replace(minute=0, second=0, microsecond=0)
    for code, confs in touched.items():
        area = areas.admin1[code]
        for h in range(0, 20, 4):
            start = hour - timedelta(hours=h)
            counts.append(RegionCount(
                region=code, name=area.name, country=area.country, window="hour", start=start,
                end=start + timedelta(hours=1), reports=len(confs) // 5 + 1,
                stories=len(confs) // 8 + 1, weighted=round(sum(confs) / 5, 3)))
    return reports, counts


class Server:
    def __init__(self, view: MapView, settings: Settings) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        app = create_app(settings, view, follow=False)
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                                    log_level="warning"))
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_until_complete, args=(self.server.serve(),), daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)

    def call(self, fn: Any, *args: Any) -> None:
        done = threading.Event()

        def run() -> None:
            fn(*args)
            done.set()

        self.loop.call_soon_threadsafe(run)
        done.wait(10)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def http_run(server: Server, view: MapView, reports: list[LocatedReport], requests: int,
             layer: str) -> dict[str, dict[str, float]]:
    url = f"{server.url}/api/reports.geojson?window=24h&layer={layer}"
    out: dict[str, dict[str, float]] = {}
    rng = random.Random(3)
    with httpx.Client(timeout=30) as client:
        client.get(url)
        for mode in ("cold", "warm", "304"):
            times: list[float] = []
            size = 0
            etag = client.get(url).headers["etag"]
            for _ in range(requests):
                headers = {}
                if mode == "cold":
                    server.call(view.apply, rng.choice(reports))
                elif mode == "304":
                    headers["If-None-Match"] = etag
                t0 = time.perf_counter()
                r = client.get(url, headers=headers)
                _ = r.content
                times.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == (304 if mode == "304" else 200), r.status_code
                size = max(size, len(r.content))
            out[mode] = {"p50": pct(times, 0.5), "p99": pct(times, 0.99), "bytes": size}
    return out


def page_runs(server: Server, pages: int) -> list[dict[str, float]]:
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            for _ in range(pages):
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                page = context.new_page()
                page.goto(server.url + "/")
                deadline = time.monotonic() + 120
                expr = "wm.ready.points && wm.ready.areas && wm.ready.counts && wm.ready.feed"
                while not page.evaluate(f"!!(window.wm && {expr})"):
                    if time.monotonic() > deadline:
                        raise RuntimeError("page never rendered")
                    time.sleep(0.05)
                ready = page.evaluate("wm.ready")
                snap = page.evaluate("wm.snapshot()")
                results.append({
                    "first_render_ms": max(ready.values()),
                    "points_ms": ready["points"],
                    "feed_ms": ready["feed"],
                    "points": snap["points"],
                    "areas": snap["areas"],
                })
                context.close()
        finally:
            browser.close()
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pages", type=int, default=5)
    args = ap.parse_args()

    areas = AreaIndex.packaged()
    now = datetime.now(UTC)
    reports, counts = synthetic(args.n, areas, now)
    view = MapView(areas)
    t0 = time.perf_counter()
    for r in reports:
        view.apply(r)
    for c in counts:
        view.apply_count(c)
    load_s = time.perf_counter() - t0
    gc.freeze()  # as the server's follower does once it has caught up with the topics
    n_points = sum(1 for r in reports for p in r.placements if p.precision != "admin1")
    print(f"{len(reports)} reports ({n_points} point placements, "
          f"{len(reports) * 2 - n_points} approx. admin-1) indexed in {load_s:.2f} s")

    t0 = time.perf_counter()
    for _ in range(20):
        view._cache.clear()
        view.reports_geojson("24h", 0.0, "all")
    build_ms = (time.perf_counter() - t0) / 20 * 1000
    print(f"in-process build of the full collection: {build_ms:.1f} ms")

    server = Server(view, Settings(map_tiles_url=None, map_poll_s=2.0))
    try:
        for layer in ("all", "points", "areas"):
            runs = [http_run(server, view, reports, args.requests, layer) for _ in range(args.runs)]
            for mode in ("cold", "warm", "304"):
                p50 = statistics.median(r[mode]["p50"] for r in runs)
                p99 = statistics.median(r[mode]["p99"] for r in runs)
                size = runs[0][mode]["bytes"]
                print(f"layer={layer:6s} {mode:4s}: p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  "
                      f"({size / 1e6:.2f} MB)")
        results = page_runs(server, args.pages)
        med = statistics.median(r["first_render_ms"] for r in results)
        pts = statistics.median(r["points_ms"] for r in results)
        print(f"page first render (all layers + feed): median {med:.0f} ms over {args.pages} "
              f"loads (points layer {pts:.0f} ms); {results[0]['points']} point features, "
              f"{results[0]['areas']} region polygons")
    finally:
        server.stop()


if __name__ == "__main__":
    main()

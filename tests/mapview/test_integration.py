"""The desk map following real topics on a real Kafka, seen in real Chromium."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests._kafka import produce
from tests.conftest import run_sync
from tests.mapview import _sample
from tests.mapview.conftest import start_server, wait_js
from wiremap.mapview import AreaIndex, MapView, create_app
from wiremap.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.integration, pytest.mark.browser]


def wait_health(url: str, ok: Callable[[dict[str, Any]], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        body = httpx.get(url + "/health", timeout=5).json()
        if ok(body):
            return
        time.sleep(0.1)
    raise AssertionError(f"/health never satisfied the condition: {body}")


def test_server_follows_the_topics_and_the_page_updates_live(
    make_settings: Callable[..., Settings], kafka_bootstrap: str, browser: Any, areas: AreaIndex
) -> None:
    settings = make_settings(map_tiles_url=None, map_poll_s=1.0)
    now = datetime.now(UTC)
    reports = _sample.reports(now)
    # Already on the topics before the server starts: the view must be rebuilt from them.
    before = [(r.id.encode(), r.to_bytes()) for r in reports]
    before.append((b"junk", b"{not a report"))
    run_sync(produce(kafka_bootstrap, settings.topic_located, before))
    counts = [(c.key.encode(), c.to_bytes()) for c in _sample.counts(now)]
    run_sync(produce(kafka_bootstrap, settings.topic_counts, counts))

    view = MapView(areas)
    live = start_server(create_app(settings, view, follow=True, bootstrap=kafka_bootstrap), view)
    try:
        wait_health(live.url, lambda h: h["following"]["caught_up"] and h["reports"] == len(reports))
        health = httpx.get(live.url + "/health").json()
        assert health["bad_records"] == 1
        assert health["recent_errors"][0]["reason"].startswith("not a LocatedReport")
        assert health["region_counts"] == len(counts)

        context = browser.new_context(viewport={"width": 1280, "height": 800})
        try:
            page = context.new_page()
            page.goto(live.url + "/")
            wait_js(page, "wm.ready.points && wm.ready.areas && wm.ready.counts && wm.ready.feed")
            assert page.evaluate("wm.snapshot().feed") == 7
            zoom = page.evaluate("wm.snapshot().zoom")

            fresh = _sample.report(
                "r-live-odesa", "Port of Odesa hit overnight, officials say", datetime.now(UTC),
                [_sample.placement("Odesa", "gn:698740", 46.4775, 30.7326, radius_km=12,
                                   confidence=0.8, admin1="UA.17", country="UA")],
            )
            t0 = time.monotonic()
            run_sync(produce(kafka_bootstrap, settings.topic_located,
                             [(fresh.id.encode(), fresh.to_bytes())]))
            wait_js(page, "!!wm.layers().points.getLayer('r-live-odesa|gn:698740|event') && "
                          "!!document.querySelector('.wm-item[data-id=\"r-live-odesa\"]')", 20)
            elapsed = time.monotonic() - t0
            assert page.evaluate("wm.snapshot().zoom") == zoom
            assert "Port of Odesa hit overnight" in page.inner_text("#wm-feed-list")
            print(f"produce → on the page: {elapsed:.2f} s")

            # A tombstone on the report's key retracts it from the page.
            run_sync(produce(kafka_bootstrap, settings.topic_located,
                             [(b"r-kyiv", None)]))  # type: ignore[list-item]
            wait_js(page, "!wm.layers().points.getLayer('r-kyiv|gn:703448|event')", 20)
        finally:
            context.close()
    finally:
        live.stop()

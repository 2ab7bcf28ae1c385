"""Desk-map fixtures: the packaged polygons, a sample-filled view, a live uvicorn server
in a thread, and real headless Chromium (Debian's) driven by Playwright."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from tests.mapview import _sample
from wiremap.mapview import AreaIndex, MapView, create_app
from wiremap.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "mapview"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def areas() -> AreaIndex:
    index = AreaIndex.packaged()
    assert index.admin1, "wiremap/stream/geo/data/admin1.geojson is missing"
    return index


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def sample_view(areas: AreaIndex, now: datetime) -> MapView:
    view = MapView(areas)
    for r in _sample.reports(now):
        view.apply(r)
    for c in _sample.counts(now):
        view.apply_count(c)
    return view


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    view: MapView
    server: uvicorn.Server
    loop: asyncio.AbstractEventLoop
    thread: threading.Thread

    def call(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn`` on the server's event loop (the view is not thread-safe)."""
        done = threading.Event()

        def run() -> None:
            try:
                fn(*args)
            finally:
                done.set()

        self.loop.call_soon_threadsafe(run)
        assert done.wait(10), "server loop did not run the call"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)


def start_server(app: Any, view: MapView) -> LiveServer:
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_until_complete, args=(server.serve(),), daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    return LiveServer(f"http://127.0.0.1:{port}", view, server, loop, thread)


@pytest.fixture
def serve() -> Iterator[Callable[..., LiveServer]]:
    """Factory: ``serve(view, **settings_overrides)`` runs the app on a free loopback port."""
    started: list[LiveServer] = []

    vendor = ROOT / "wiremap" / "mapview" / "static" / "vendor" / "leaflet" / "leaflet.js"
    if not vendor.exists():
        pytest.fail(f"{vendor} is missing: run `make assets` (scripts/build-assets.sh)")

    def make(view: MapView, **overrides: Any) -> LiveServer:
        fields: dict[str, Any] = {"map_tiles_url": None, "map_poll_s": 0.5}
        fields.update(overrides)
        settings = Settings(**fields)
        live = start_server(create_app(settings, view, follow=False), view)
        started.append(live)
        return live

    yield make
    for live in started:
        live.stop()


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One Chromium for the desk tests. Package-scoped: Playwright's sync API keeps an
    event loop running on the main thread while it is open, which the asyncio tests of
    other packages must not inherit."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def wait_js(page: Any, expr: str, timeout: float = 15.0) -> Any:
    """Poll a JS expression until truthy. (The page's CSP forbids eval, which Playwright's
    own wait_for_function needs; page.evaluate goes through the devtools protocol.)"""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expr)
        if value:
            return value
        if time.monotonic() > deadline:
            snap = page.evaluate("window.wm && wm.snapshot ? wm.snapshot() : null")
            errors = getattr(page, "wm_errors", [])
            raise AssertionError(
                f"timed out after {timeout} s waiting for {expr!r}; page: {snap}; errors: {errors}"
            )
        time.sleep(0.05)


def screenshot(page: Any, name: str) -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=str(path))
    return path

"""The desk map's HTTP side: the page, the windowed GeoJSON, the feed and health."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, HTTPException, Query, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from wiremap.mapview._areas import AreaIndex
from wiremap.mapview._follow import Follower
from wiremap.mapview._page import build_page
from wiremap.mapview._view import MapView, Payload
from wiremap.settings import Settings

log = logging.getLogger(__name__)

__all__ = ["create_app"]

STATIC = Path(__file__).parent / "static"
_SECURITY = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}

Window = Annotated[Literal["1h", "24h", "7d"], Query(description="time window")]
MinConf = Annotated[float, Query(ge=0.0, le=1.0, description="minimum placement confidence")]
At = Annotated[
    datetime | None, Query(description="end of the window (ISO time); default: the view's now")
]


def _reply(request: Request, payload: Payload, media_type: str) -> Response:
    headers = {"ETag": payload.etag, "Cache-Control": "no-cache", **_SECURITY}
    if request.headers.get("if-none-match") == payload.etag:
        return Response(status_code=304, headers=headers)
    return Response(payload.body, media_type=media_type, headers=headers)


def _at(at: datetime | None) -> float | None:
    if at is None:
        return None
    if at.tzinfo is None:
        raise HTTPException(422, "`at` must carry a timezone (e.g. 2026-11-25T06:00:00Z)")
    return at.timestamp()


def create_app(
    settings: Settings,
    view: MapView | None = None,
    *,
    follow: bool | None = None,
    bootstrap: str | None = None,
) -> FastAPI:
    """The app over ``view``; with ``follow`` (default: when no view is given) it also
    consumes the located and counts topics into the view for as long as it runs."""
    if view is None:
        view = MapView(AreaIndex.packaged())
    if follow is None:
        follow = bootstrap is not None or settings.kafka_bootstrap_servers is not None
    page = build_page(settings)
    if not (STATIC / "vendor" / "leaflet" / "leaflet.js").exists():
        log.warning("Leaflet assets are missing under %s: run `make assets`", STATIC / "vendor")
    state: dict[str, Any] = {"follower": None, "task": None}

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if follow:
            servers = bootstrap or settings.kafka_bootstrap_servers
            if servers is None:
                from wiremap.broker import resolve_bootstrap

                servers = resolve_bootstrap(settings)
            follower = Follower(settings, view, servers)
            state["follower"] = follower
            state["task"] = asyncio.create_task(follower.run(), name="mapview-follower")
        try:
            yield
        finally:
            task = state["task"]
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    app = FastAPI(title="wiremap desk map", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.view = view
    app.state.settings = settings
    app.state.follower_state = state
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", response_class=HTMLResponse)
    async def index() -> HTMLResponse:
        headers = {"Content-Security-Policy": page.csp, "Cache-Control": "no-cache", **_SECURITY}
        return HTMLResponse(page.html, headers=headers)

    @app.get("/api/reports.geojson")
    async def reports_geojson(
        request: Request,
        window: Window = "24h",
        min_conf: MinConf = 0.0,
        layer: Annotated[Literal["all", "points", "areas"], Query()] = "all",
        at: At = None,
    ) -> Response:
        payload = view.reports_geojson(window, min_conf, layer, _at(at))
        return _reply(request, payload, "application/geo+json")

    @app.get("/api/regions.geojson")
    async def regions_geojson(request: Request, window: Window = "24h", at: At = None) -> Response:
        return _reply(request, view.regions_geojson(window, _at(at)), "application/geo+json")

    @app.get("/api/feed")
    async def feed(
        request: Request,
        window: Window = "24h",
        min_conf: MinConf = 0.0,
        limit: Annotated[int, Query(ge=1, le=2000)] = 200,
        at: At = None,
    ) -> Response:
        return _reply(request, view.feed(window, min_conf, limit, _at(at)), "application/json")

    @app.get("/api/reports")
    async def reports(
        id: Annotated[list[str], Query(max_length=200, description="report ids")],
    ) -> Response:
        return Response(view.details(id), media_type="application/json", headers=_SECURITY)

    @app.get("/geo/{name}.geojson")
    async def geo(name: Literal["admin1", "countries"]) -> FileResponse:
        path = view.areas.admin1_path if name == "admin1" else view.areas.countries_path
        if path is None:
            raise HTTPException(404, f"{name}.geojson is not built; outlines are unavailable")
        return FileResponse(path, media_type="application/geo+json",
                            headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/health")
    async def health() -> JSONResponse:
        body: dict[str, Any] = {"status": "ok", **view.stats()}
        follower: Follower | None = state["follower"]
        task: asyncio.Task[None] | None = state["task"]
        if follower is not None:
            body["following"] = {
                "topics": [settings.topic_located, settings.topic_counts],
                "group": follower.group_id,
                "caught_up": follower.caught_up.is_set(),
                "records": follower.records,
            }
            if task is not None and task.done():
                body["status"] = "degraded"
                body["following"]["error"] = follower.error or "follower stopped"
        code = 200 if body["status"] == "ok" else 503
        return JSONResponse(body, status_code=code, headers=_SECURITY)

    return app

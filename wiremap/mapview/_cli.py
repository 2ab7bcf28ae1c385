"""``wiremap serve``: the desk map, following the located-reports and region-count topics."""

from __future__ import annotations

import click

from wiremap.settings import get_settings


@click.command()
@click.option("--host", default=None, help="Bind address (default: WIREMAP_MAP_HOST).")
@click.option("--port", type=int, default=None, help="Port (default: WIREMAP_MAP_PORT).")
@click.option(
    "--replay-clock",
    is_flag=True,
    help="Anchor the 1h/24h/7d windows at the newest report's publish time instead of the "
    "wall clock (for replayed historical feeds).",
)
@click.option("--no-tiles", is_flag=True, help="Never request online tiles (air-gapped desk).")
def serve(host: str | None, port: int | None, replay_clock: bool, no_tiles: bool) -> None:
    """Serve the live desk map of reports.located and regions.counts."""
    import uvicorn

    from wiremap.broker import resolve_bootstrap
    from wiremap.mapview._app import create_app
    from wiremap.mapview._areas import AreaIndex
    from wiremap.mapview._view import MapView

    settings = get_settings()
    if no_tiles:
        settings = settings.model_copy(update={"map_tiles_url": None})
    bootstrap = resolve_bootstrap(settings)
    view = MapView(AreaIndex.packaged(), replay_clock=replay_clock)
    app = create_app(settings, view, follow=True, bootstrap=bootstrap)
    host = host or settings.map_host
    port = port or settings.map_port
    click.echo(f"wiremap desk map on http://{host}:{port}/ following {bootstrap}")
    uvicorn.run(app, host=host, port=port, log_level="warning")

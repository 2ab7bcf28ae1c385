"""``wiremap worker``: run the stream processors until SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from concurrent.futures import ThreadPoolExecutor

import click

__all__ = ["worker"]


@click.command()
@click.option(
    "--loglevel",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="warning",
    show_default=True,
    help="Log level of the worker and faust.",
)
@click.option(
    "--geo-processes",
    type=click.IntRange(min=0),
    default=None,
    help="Processes that run the geoparser (0: a thread of the worker); while they are all busy "
    "and items wait, the worker parses some too. Default: cores - 1, at least 1.",
)
def worker(loglevel: str, geo_processes: int | None) -> None:
    """Dedupe, group into stories, geolocate and roll up wire.items (see `wiremap.stream.app`).

    Configured by the environment (KAFKA_BOOTSTRAP_SERVERS, WIREMAP_APP_ID, WIREMAP_DATA_DIR,
    topic names...). Start several workers with the same app id to share the partitions.
    """
    import faust

    from wiremap.settings import get_settings
    from wiremap.stream.app import ensure_worker_topics, make_app
    from wiremap.stream.locate import load_locator, load_region_names

    settings = get_settings()
    logging.basicConfig(level=loglevel.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, ensure_worker_topics(settings)).result()
    if geo_processes is None:
        geo_processes = max(1, (os.cpu_count() or 2) - 1)
    # Loaded before the first item, and here so that a broken index fails the start clearly;
    # the pool's processes load their own.
    app = make_app(
        settings, locator=load_locator(), region_names=load_region_names(), geo_processes=geo_processes
    )
    gc.freeze()  # the geoparser's and faust's start-up objects are never garbage: collections skip them
    runner = faust.Worker(app, loglevel=loglevel, quiet=True)
    # The terminal spinner sets the root logger to DEBUG so it can spin on every record:
    # that builds a log record per message sent (about 0.1 ms per item). No spinner here.
    runner.spinner = None
    runner.execute_from_commandline()

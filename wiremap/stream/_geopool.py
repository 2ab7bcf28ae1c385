"""Geolocation in worker processes, so the geoparser's CPU does not share the GIL with Kafka.

Each pool process loads the Geoparser once (initializer) and turns batches of sequenced
rows into serialized reports and region events; the parent only moves bytes.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from wiremap.stream._stages import locate_batch
from wiremap.stream.locate import Locator, RegionNames, load_locator, load_region_names

__all__ = ["init", "locate_rows", "locate_rows_with"]

_LOADED: dict[str, Any] = {}


def init() -> None:
    parent = os.getppid()
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    _LOADED["locator"], _LOADED["names"] = load_locator(), load_region_names()


def _exit_with_parent(parent: int) -> None:
    """A SIGKILLed worker cannot stop its pool: each pool process leaves when it is orphaned."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def locate_rows_with(
    locator: Locator, names: RegionNames, rows: list[tuple[int, list[Any]]], partitions: int
) -> tuple[list[tuple[bytes, bytes]], dict[int, list[Any]]]:
    """Rows → ``[(report key, report bytes)]`` and region events by partition."""
    reports, region_rows = locate_batch(rows, locator, names, partitions=partitions)
    return [(r.id.encode(), r.to_bytes()) for r in reports], region_rows


def locate_rows(
    rows: list[tuple[int, list[Any]]], partitions: int
) -> tuple[list[tuple[bytes, bytes]], dict[int, list[Any]]]:
    if "locator" not in _LOADED:
        init()
    return locate_rows_with(_LOADED["locator"], _LOADED["names"], rows, partitions)

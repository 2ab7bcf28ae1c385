"""GeoRunner: slices geolocated in the pool and, while it is full, in this process; in order."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.stream._items import items
from wiremap.stream._geopool import GeoRunner, Located, locate_rows_with
from wiremap.stream.locate import load_locator, load_region_names

pytestmark = [pytest.mark.slow]


def locate_rows_of(n: int) -> list[tuple[int, bytes]]:
    """``-locate`` rows ``[seq, wm, story, size, matched, sim, [origin, item]]`` from 4 partitions."""
    out = []
    for i, item in enumerate(items(n, body_bytes=600)):
        head = [i, 0.0, item.id, 1, None, None]
        out.append((i % 4, json.dumps([*head, [[0, i], item.model_dump(mode="json")]]).encode()))
    return out


def without_time(located: list[Located]) -> tuple[list[dict[str, object]], dict[int, list[object]]]:
    reports = [
        {k: v for k, v in json.loads(r).items() if k != "located_at"} for part in located for _, r in part[0]
    ]
    regions: dict[int, list[object]] = {}
    for part in located:
        for p, rows in part[1].items():
            regions.setdefault(p, []).extend(rows)
    return reports, regions


async def test_pool_and_stolen_slices_give_the_pure_result_in_order() -> None:
    rows = locate_rows_of(1200)
    locator, names = load_locator(), load_region_names()
    with ThreadPoolExecutor(1) as thread:
        runner = GeoRunner(4, processes=1, thread=thread, locator=locator, names=names)
        written: list[Located] = []

        async def write(located: Located) -> None:
            written.append(located)
            await asyncio.sleep(0)

        await runner.run(rows, write)
        await runner.run(rows[:100], write)  # a short backlog: the pool alone
    expected = locate_rows_with(locator, names, rows + rows[:100], 4)
    assert without_time(written) == without_time([expected])
    assert 0 < runner.stolen < len(rows)


async def test_in_thread_without_processes() -> None:
    rows = locate_rows_of(300)
    with ThreadPoolExecutor(1) as thread:
        runner = GeoRunner(4, processes=0, thread=thread, locator=load_locator(), names=load_region_names())
        written: list[Located] = []

        async def write(located: Located) -> None:
            written.append(located)

        await runner.run(rows, write)
    expected = locate_rows_with(load_locator(), load_region_names(), rows, 4)
    assert without_time(written) == without_time([expected])
    assert runner.stolen == 0


def test_rows_in_the_older_shape_are_located_alike() -> None:
    """``-locate`` rows written before rows carried ``[origin, item]`` (a rolling upgrade)."""
    rows = locate_rows_of(20)
    older = [(p, json.dumps([*json.loads(r)[:6], json.loads(r)[6][1]]).encode()) for p, r in rows]
    locator, names = load_locator(), load_region_names()
    assert without_time([locate_rows_with(locator, names, older, 4)]) == without_time(
        [locate_rows_with(locator, names, rows, 4)]
    )

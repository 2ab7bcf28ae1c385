"""GeoRunner: slices geolocated in the pool and, while it is full, in this process; in order."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.stream._items import items
from wiremap.stream._geopool import GeoRunner, Located, locate_rows_with
from wiremap.stream._stages import locate_batch
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



def test_region_events_need_the_rollup_floor_and_batches_place_as_single_items() -> None:
    texts = ["Police in Springfield said the road reopened on Tuesday.",
             "Drones were shot down over Moscow Oblast overnight, the governor said.",
             "Flooding closed roads in Paris on Monday."]
    batch = [item.model_copy(update={"body": text}) for item, text in zip(items(3), texts, strict=True)]
    rows = [(i % 4, json.dumps([i, 0.0, item.id, 1, None, None, [[0, i], item.model_dump(mode="json")]])
             .encode()) for i, item in enumerate(batch)]
    locator, names = load_locator(), load_region_names()
    reports, by_part = locate_batch(rows, locator, names, partitions=4, min_confidence=0.5)
    # Scoring a batch's mentions at once gives each item what it gets alone.
    assert [r.placements for r in reports] == [locator.locate(item) for item in batch]
    events = {(ev[3], ev[0]) for part in by_part.values() for ev in part}
    placed = {(r.id, p.admin1, p.confidence >= 0.5) for r in reports for p in r.placements if p.admin1}
    assert events == {(item, region) for item, region, sure in placed if sure}
    assert any(not sure for _, _, sure in placed), "a low-confidence placement stays on its report"
    _, everything = locate_batch(rows, locator, names, partitions=4, min_confidence=0.0)
    assert {(ev[3], ev[0]) for part in everything.values() for ev in part} == {
        (item, region) for item, region, _ in placed}

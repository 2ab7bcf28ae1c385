"""`wiremap worker` against a real broker: outputs, duplicates, SIGKILL recovery, replay."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests._kafka import consume, produce
from tests.stream._items import items, records
from tests.stream._pipeline import (
    ROOT,
    Worker,
    diff,
    expected_totals,
    outputs,
    read_topic,
    run_to_end,
    settings_env,
    totals,
    wait_drained,
)
from wiremap.contracts import LocatedReport, Rejected, WireItem
from wiremap.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.integration]

MakeSettings = Callable[..., Settings]


async def test_push_to_outputs(make_settings: MakeSettings) -> None:
    settings = make_settings()
    batch = items(120)
    copy_other_id = batch[5].model_copy(update={"id": "copy-of-5", "headline": batch[5].headline.upper()})
    await produce(
        str(settings.kafka_bootstrap_servers),
        settings.topic_items,
        [*records(batch), *records([batch[7], copy_other_id]), (b"bad-1", b'{"id": "bad-1"}')],
    )
    located, reports, counts = await run_to_end(settings)

    assert sorted(reports) == sorted(i.id for i in batch)
    assert len(located) == len(batch)  # the same id and the same text were dropped
    first = LocatedReport.from_bytes(next(r.value for r in located if r.key == b"it-000000"))
    assert first.story_id and first.story_size >= 1 and first.placements
    assert any(p.admin1 == "RU.47" for p in first.placements)
    assert totals(counts) == expected_totals(reports)
    hours = [c for c in counts.values() if c["window"] == "hour"]
    assert hours and all(c["end"] > c["start"] for c in hours)
    assert sum(c["reports"] for c in hours if c["region"] == "RU.47") == totals(counts)["RU.47"][0]

    (rejected,) = await consume(str(settings.kafka_bootstrap_servers), settings.topic_rejected, count=1)
    bad = Rejected.from_bytes(rejected.value)
    assert bad.reason == "missing_field" and bad.origin.kind == "topic"
    assert bad.origin.topic == settings.topic_items and bad.original == '{"id": "bad-1"}'


async def test_same_items_twice_reported_once(make_settings: MakeSettings) -> None:
    settings = make_settings()
    batch = items(80)
    bootstrap = str(settings.kafka_bootstrap_servers)
    with Worker(settings) as worker:
        await produce(bootstrap, settings.topic_items, records(batch))
        await wait_drained(settings, worker)
        _, _, first_counts = await outputs(settings)
        await produce(bootstrap, settings.topic_items, records(batch))
        await wait_drained(settings, worker)
        assert worker.stop() == 0
    located, reports, counts = await outputs(settings)
    assert len(located) == len(batch)
    assert sorted(reports) == sorted(i.id for i in batch)
    assert counts == first_counts


async def test_sigkill_mid_stream_counts_exact(make_settings: MakeSettings) -> None:
    # 3000 items over ~4 days of event time: no story is away from a region longer than
    # the totals' fold horizon (8 days), the documented limit of exact story counts
    batch = items(3000, body_bytes=600, minutes=2.0)
    clean, crashed = make_settings(), make_settings()
    bootstrap = str(clean.kafka_bootstrap_servers)
    for s in (clean, crashed):
        await produce(bootstrap, s.topic_items, records(batch))

    kills = 0
    with Worker(crashed) as worker:
        # kill once reports have started to flow but well before the end
        deadline = time.monotonic() + 180
        while True:
            assert worker.alive(), worker.tail()
            assert time.monotonic() < deadline, f"no progress before the kill:\n{worker.tail()}"
            got = len(await read_topic(bootstrap, crashed.topic_located))
            if got >= 200:
                break
            await asyncio.sleep(0.2)
        assert got < len(batch), "worker finished before it could be killed; use more items"
        worker.kill()
        kills += 1
    with Worker(crashed) as worker:
        await wait_drained(crashed, worker, timeout=300)
        worker.stop()

    _, clean_reports, clean_counts = await run_to_end(clean, timeout=300)
    located, crashed_reports, crashed_counts = await outputs(crashed)
    assert kills == 1
    assert diff(crashed_reports, clean_reports) == [], json.dumps(diff(crashed_reports, clean_reports)[:3])
    assert diff(crashed_counts, clean_counts) == [], json.dumps(diff(crashed_counts, clean_counts)[:3])
    assert len(located) >= len(batch)  # at-least-once on reports: duplicates allowed, same content
    assert totals(clean_counts) == expected_totals(clean_reports)


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    wiremap = str(Path(sys.executable).with_name("wiremap"))
    return subprocess.run(
        [wiremap, *args],
        cwd=ROOT,
        env=settings_env(settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


async def test_replayed_dump_reproduces_outputs(make_settings: MakeSettings, tmp_path: Path) -> None:
    first, second = make_settings(), make_settings()
    batch = items(400)
    near = [
        WireItem(
            id=f"near-{i}",
            source="other",
            headline=item.headline + " - update",
            body=item.body + " Updated.",
            published_at=item.published_at,
            received_at=item.received_at,
        )
        for i, item in enumerate(batch[::10])
    ]
    await produce(str(first.kafka_bootstrap_servers), first.topic_items, records(batch + near))
    _, reports, counts = await run_to_end(first)

    dump = tmp_path / "items.jsonl"
    _cli(first, "replay", "dump", first.topic_items, "--out", str(dump))
    assert sum(1 for _ in dump.open()) == len(batch) + len(near)
    _cli(second, "replay", "push", str(dump), "--topic", second.topic_items)
    _, replayed_reports, replayed_counts = await run_to_end(second)

    assert diff(replayed_reports, reports) == []
    assert diff(replayed_counts, counts) == []
    assert any(r["matched_id"] for r in reports.values())
    assert json.dumps(totals(counts), sort_keys=True) == json.dumps(expected_totals(reports), sort_keys=True)

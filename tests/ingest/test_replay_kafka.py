"""``wiremap replay`` against the real broker: dump → push into a fresh topic → identical dump."""

from __future__ import annotations

import asyncio
import io
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from click.testing import CliRunner

from wiremap.ingest import DumpRange, dump_topic
from wiremap.ingest._cli import replay
from wiremap.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.integration]

BASE_MS = 1_790_000_000_000  # 2026-09-21, inside the default topic retention


def records() -> list[dict[str, Any]]:
    """Records covering every shape a dump must carry: JSON, binary, null key, headers."""
    out: list[dict[str, Any]] = []
    for n in range(30):
        value = json.dumps(
            {"id": f"r{n}", "headline": f"<b>{n}</b>", "body": "</script>\u2028"},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        out.append(
            {
                "key": f"r{n}".encode(),
                "value": value,
                "partition": n % 3,
                "timestamp_ms": BASE_MS + n * 1000,
                "headers": None,
            }
        )
    out.append(
        {
            "key": b"\xff\xfe",
            "value": b"\x00\x01\x02",
            "partition": 0,
            "timestamp_ms": BASE_MS + 40_000,
            "headers": [("trace", b"\x01\x02")],
        }
    )
    out.append(
        {
            "key": None,
            "value": b'{ "spaced" : true }',
            "partition": 1,
            "timestamp_ms": BASE_MS + 41_000,
            "headers": None,
        }
    )
    out.append(
        {"key": b"gone", "value": None, "partition": 2, "timestamp_ms": BASE_MS + 42_000, "headers": None}
    )
    return out


async def produce_all(bootstrap: str, topic: str, recs: list[dict[str, Any]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        futures = [await producer.send(topic, **r) for r in recs]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


def cli(settings: Settings, *args: str) -> str:
    result = CliRunner().invoke(replay, list(args), obj=settings)
    assert result.exit_code == 0, (result.output, result.stderr, result.exception)
    return result.stdout


def lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line]


def without_topic(dump: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "topic"} for r in dump]


def test_dump_push_dump_is_identical(
    make_settings: Callable[..., Settings],
    new_topic: Callable[..., str],
    kafka_bootstrap: str,
    tmp_path: Path,
) -> None:
    settings = make_settings()
    source = new_topic("replay-src", partitions=3)
    asyncio.run(produce_all(kafka_bootstrap, source, records()))

    out = tmp_path / "dump.jsonl"
    cli(settings, "dump", source, "--out", str(out))
    first = lines(out.read_text())
    assert len(first) == len(records())
    order = [(r["partition"], r["offset"]) for r in first]
    assert order == sorted(order)
    by_key = {r.get("key"): r for r in first}
    assert by_key["r4"]["value"] == {"id": "r4", "headline": "<b>4</b>", "body": "</script>\u2028"}
    assert "value_b64" not in by_key["r4"]
    assert by_key[None]["value"] == {"spaced": True} and "value_b64" in by_key[None]
    assert by_key["gone"]["tombstone"] is True
    assert any("key_b64" in r and r["headers"] == [["trace", "AQI="]] for r in first)

    target = f"replay-dst-{uuid.uuid4().hex[:8]}"  # does not exist: push creates it
    CliRunner().invoke(replay, ["push", str(out), "--topic", target], obj=settings, catch_exceptions=False)
    second = lines(cli(settings, "dump", target))
    assert without_topic(second) == without_topic(first)
    assert {r["topic"] for r in second} == {target}


def test_dump_ranges(
    make_settings: Callable[..., Settings], new_topic: Callable[..., str], kafka_bootstrap: str
) -> None:
    settings = make_settings()
    topic = new_topic("replay-range", partitions=3)
    asyncio.run(produce_all(kafka_bootstrap, topic, records()))

    part = lines(cli(settings, "dump", topic, "--partition", "1", "--from-offset", "2", "--to-offset", "5"))
    assert [(r["partition"], r["offset"]) for r in part] == [(1, 2), (1, 3), (1, 4)]

    since = datetime.fromtimestamp((BASE_MS + 5_000) / 1000, UTC).isoformat()
    until = datetime.fromtimestamp((BASE_MS + 11_000) / 1000, UTC).isoformat()  # exclusive
    timed = lines(cli(settings, "dump", topic, "--since", since, "--until", until))
    assert sorted(r["key"] for r in timed) == sorted(f"r{n}" for n in range(5, 11))


async def test_dump_stops_at_end_offsets_seen_at_start(
    make_settings: Callable[..., Settings], new_topic: Callable[..., str], kafka_bootstrap: str
) -> None:
    topic = new_topic("replay-live", partitions=3)
    await produce_all(kafka_bootstrap, topic, records()[:20])
    stop = asyncio.Event()

    async def keep_producing() -> int:
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, linger_ms=5)
        await producer.start()
        sent = 0
        try:
            while not stop.is_set():
                await (await producer.send(topic, b"{}", key=str(sent).encode()))
                sent += 1
        finally:
            await producer.stop()
        return sent

    writer = asyncio.create_task(keep_producing())
    try:
        buf = io.StringIO()
        count = await asyncio.wait_for(dump_topic(kafka_bootstrap, topic, buf, DumpRange()), 60)
    finally:
        stop.set()
        await writer
    dumped = lines(buf.getvalue())
    assert count == len(dumped) >= 20
    for partition in (0, 1, 2):
        offsets = [r["offset"] for r in dumped if r["partition"] == partition]
        assert offsets == list(range(len(offsets)))


async def test_dump_of_transactional_topic_skips_aborted_and_ends(
    make_settings: Callable[..., Settings], new_topic: Callable[..., str], kafka_bootstrap: str
) -> None:
    """Exactly-once outputs end in commit markers; the dump must still finish, promptly."""
    topic = new_topic("replay-txn", partitions=1)
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka_bootstrap, transactional_id=f"txn-{uuid.uuid4().hex[:8]}"
    )
    await producer.start()
    try:
        async with producer.transaction():
            for n in range(3):
                await producer.send(topic, f'{{"n":{n}}}'.encode(), key=b"k")
        await producer.begin_transaction()
        await producer.send(topic, b'{"n":"aborted"}', key=b"k")
        await producer.abort_transaction()
        async with producer.transaction():
            await producer.send(topic, b'{"n":3}', key=b"k")
    finally:
        await producer.stop()
    buf = io.StringIO()
    began = asyncio.get_running_loop().time()
    await asyncio.wait_for(dump_topic(kafka_bootstrap, topic, buf), 60)
    assert asyncio.get_running_loop().time() - began < 10
    assert [r["value"]["n"] for r in lines(buf.getvalue())] == [0, 1, 2, 3]

"""What the worker benchmark and the worker tests share: synthetic wire items, a
``wiremap worker`` subprocess, and "has the pipeline drained" (from committed offsets).

Lives under ``benchmarks/`` so the benchmark does not depend on the test tree; the tests
import it from here.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from wiremap.contracts import WireItem
from wiremap.settings import Settings

__all__ = [
    "ROOT",
    "T0",
    "Worker",
    "items",
    "merged",
    "pipeline_lag",
    "produce",
    "records",
    "settings_env",
    "wait_drained",
]

ROOT = Path(__file__).resolve().parents[1]


async def produce(bootstrap: str, topic: str, records: Sequence[tuple[bytes | None, bytes]]) -> None:
    """Produce ``(key, value)`` records with acks=all and idempotence; return once all are acked."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        futures = [await producer.send(topic, value=value, key=key) for key, value in records]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


T0 = datetime(2026, 11, 24, 21, 0, tzinfo=UTC)
_PLACES = ["Moscow Oblast", "Domodedovo", "Belgorod", "Kyiv", "Odesa", "Austin"]
_VERBS = [
    "drones shot down over",
    "explosions heard near",
    "power cut reported in",
    "air raid alert declared for",
    "flights halted at",
    "fire at depot in",
]
_WORDS = [
    "officials",
    "said",
    "the",
    "situation",
    "was",
    "under",
    "control",
    "while",
    "residents",
    "described",
    "several",
    "loud",
    "bangs",
    "and",
    "emergency",
    "crews",
    "were",
    "sent",
    "to",
    "the",
    "area",
    "overnight",
]


def items(n: int, *, prefix: str = "it", body_bytes: int = 300, minutes: float = 7.0) -> list[WireItem]:
    """``n`` distinct items; every 10th mentions two places; times span hours and days."""
    out = []
    for i in range(n):
        place = _PLACES[i % len(_PLACES)]
        verb = _VERBS[(i // len(_PLACES)) % len(_VERBS)]
        body_words = [_WORDS[(i * 7 + j * 3) % len(_WORDS)] for j in range(body_bytes // 6)]
        body = f"Report {prefix} number {i}: {verb} {place}. " + " ".join(body_words)
        if i % 10 == 0:
            body += f" Earlier, sirens sounded in {_PLACES[(i + 3) % len(_PLACES)]}."
        out.append(
            WireItem(
                id=f"{prefix}-{i:06d}",
                source=f"agency{i % 4}",
                headline=f"{verb.capitalize()} {place} #{i}",
                body=body[: body_bytes * 2],
                published_at=T0 + timedelta(minutes=minutes * i),
                received_at=T0 + timedelta(minutes=minutes * i, seconds=5),
            )
        )
    return out


def records(batch: list[WireItem]) -> list[tuple[bytes | None, bytes]]:
    return [(item.key, item.to_bytes()) for item in batch]


def settings_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "KAFKA_BOOTSTRAP_SERVERS": str(settings.kafka_bootstrap_servers),
            "WIREMAP_TOPIC_ITEMS": settings.topic_items,
            "WIREMAP_TOPIC_REJECTED": settings.topic_rejected,
            "WIREMAP_TOPIC_LOCATED": settings.topic_located,
            "WIREMAP_TOPIC_COUNTS": settings.topic_counts,
            "WIREMAP_PARTITIONS": str(settings.partitions),
            "WIREMAP_APP_ID": settings.app_id,
            "WIREMAP_DATA_DIR": str(settings.data_dir),
            "WIREMAP_DEDUPE_WINDOW_S": str(settings.dedupe_window_s),
            "WIREMAP_STORY_WINDOW_S": str(settings.story_window_s),
            "WIREMAP_STORY_THRESHOLD": str(settings.story_threshold),
        }
    )
    return env


class Worker:
    """A ``wiremap worker`` subprocess (the real geoparser) configured by ``settings``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.cmd = [str(Path(sys.executable).with_name("wiremap")), "worker"]
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = settings.data_dir / f"worker-{time.monotonic_ns()}.log"

    def start(self) -> Worker:
        self.proc = subprocess.Popen(
            self.cmd,
            cwd=ROOT,
            env=settings_env(self.settings),
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        return self

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self, timeout: float = 60.0) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError(f"worker ignored SIGTERM for {timeout} s:\n{self.tail()}") from None
        return self.proc.returncode

    def __enter__(self) -> Worker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        if self.alive():
            self.kill()


def internal_topics(settings: Settings) -> dict[str, int]:
    """Topics consumed by the worker's group (the merge stage reads wire.items without one)."""
    n = settings.partitions
    return {
        f"{settings.app_id}-stories": 1,
        f"{settings.app_id}-locate": n,
        f"{settings.app_id}-regions": n,
    }


async def _end_offsets(bootstrap: str, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        return dict(await consumer.end_offsets(tps))
    finally:
        await consumer.stop()


async def pipeline_lag(settings: Settings) -> dict[TopicPartition, int]:
    """Records not yet committed by the worker's group, per input partition (all stages)."""
    bootstrap = str(settings.kafka_bootstrap_servers)
    tps = [TopicPartition(t, p) for t, n in internal_topics(settings).items() for p in range(n)]
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        # never ask for offsets of a topic the worker has not created yet: the request
        # would let the broker auto-create it with one partition
        missing = set(internal_topics(settings)) - set(await admin.list_topics())
        if missing:
            return {TopicPartition(t, 0): -1 for t in sorted(missing)}
        committed = await admin.list_consumer_group_offsets(settings.app_id)
    finally:
        await admin.close()
    ends = await _end_offsets(bootstrap, tps)
    lag = {}
    for tp in tps:
        meta = committed.get(tp)
        done = meta.offset if meta is not None and meta.offset >= 0 else 0
        lag[tp] = ends[tp] - done
    return lag


async def merged(settings: Settings) -> bool:
    """Whether the merge stage has covered every record now in wire.items (per its last record)."""
    bootstrap = str(settings.kafka_bootstrap_servers)
    n = settings.partitions
    ends = await _end_offsets(bootstrap, [TopicPartition(settings.topic_items, p) for p in range(n)])
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        tp = TopicPartition(f"{settings.app_id}-stories", 0)
        consumer.assign([tp])
        end = (await consumer.end_offsets([tp]))[tp]
        if end == 0:
            return all(v == 0 for v in ends.values())
        consumer.seek(tp, end - 1)
        batch = await consumer.getmany(tp, timeout_ms=5000)
        last = batch.get(tp, [])[-1:]
        if not last:
            return False
        pos = json.loads(last[0].value)["pos"]
        return all(pos[tp.partition] >= end for tp, end in ends.items())
    finally:
        await consumer.stop()


async def wait_drained(settings: Settings, worker: Worker | None = None, timeout: float = 120.0) -> None:
    """Until the merge covered wire.items and every later stage committed all of its input.

    Stages flush their outputs before they commit, so once the merge is complete and every
    downstream input is committed to its end, all outputs are written.
    """
    deadline = time.monotonic() + timeout
    lag: dict[TopicPartition, int] = {}
    while time.monotonic() < deadline:
        if worker is not None and not worker.alive():
            raise AssertionError(f"worker exited:\n{worker.tail()}")
        try:
            lag = await pipeline_lag(settings)
        except Exception as exc:  # topics not created yet by the worker
            lag = {TopicPartition(repr(exc), 0): -1}
        # the merge may write more after the lag is read, so the lag is read again after it
        if (
            lag
            and all(v == 0 for v in lag.values())
            and await merged(settings)
            and all(v == 0 for v in (await pipeline_lag(settings)).values())
        ):
            return
        await asyncio.sleep(0.5)
    tail = worker.tail() if worker is not None else ""
    raise AssertionError(f"pipeline not drained in {timeout} s; lag {lag}\n{tail}")

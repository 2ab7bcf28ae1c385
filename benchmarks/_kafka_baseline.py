"""Raw aiokafka produce/consume rates: the baseline every wiremap throughput figure is set beside.

Use them on the same broker, in the same run, as the thing being measured::

    topic = make_topic(bootstrap, partitions=4)
    raw = raw_produce_rate(bootstrap, topic, n=50_000, size=2048)
    back = raw_consume_rate(bootstrap, topic, n=50_000)
    print(raw.items_per_s, raw.mb_per_s)
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from wiremap.broker import LocalBroker, create_topics
from wiremap.settings import Settings

__all__ = [
    "Rate",
    "broker",
    "jars_dir",
    "make_topic",
    "median_rate",
    "payload",
    "raw_consume_rate",
    "raw_consume_rate_async",
    "raw_produce_rate",
    "raw_produce_rate_async",
]


ROOT = Path(__file__).resolve().parents[1]


def jars_dir() -> Path:
    """The Kafka jars folder from settings, relative paths taken from the repo root."""
    path = Settings().kafka_jars_dir
    return path if path.is_absolute() else ROOT / path


@contextlib.contextmanager
def broker(prefix: str = "bench-kafka-") -> Iterator[str]:
    """$KAFKA_BOOTSTRAP_SERVERS if set, else a throwaway local broker for the run."""
    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        yield configured
        return
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp, LocalBroker(Path(tmp), jars_dir()) as local:
        yield local.bootstrap_servers


@dataclass(frozen=True, slots=True)
class Rate:
    """``items`` records of ``bytes`` payload moved in ``seconds``."""

    items: int
    bytes: int
    seconds: float

    @property
    def items_per_s(self) -> float:
        return self.items / self.seconds

    @property
    def mb_per_s(self) -> float:
        return self.bytes / self.seconds / 1e6

    def __str__(self) -> str:
        return f"{self.items_per_s:,.0f} items/s, {self.mb_per_s:.1f} MB/s"


def median_rate(rates: list[Rate]) -> Rate:
    """The run with the median throughput (a real run, not an average of runs)."""
    ordered = sorted(rates, key=lambda r: r.items_per_s)
    return ordered[(len(ordered) - 1) // 2]


def payload(size: int) -> bytes:
    """``size`` bytes of printable, poorly compressible text (like a wire item's JSON)."""
    return os.urandom(size // 2 + 1).hex()[:size].encode()


def make_topic(bootstrap: str, *, partitions: int = 4, prefix: str = "bench") -> str:
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    asyncio.run(create_topics(bootstrap, [name], partitions=partitions))
    return name


async def raw_produce_rate_async(
    bootstrap: str, topic: str, n: int, size: int = 2048, *, acks: int | str = "all"
) -> Rate:
    """Produce ``n`` keyed records of ``size`` bytes with idempotence and acks=all, as push does.

    Batching is tuned the way a bulk producer should be (1 MiB batches, 10 ms linger);
    the clock stops when the last record is acknowledged.
    """
    value = payload(size)
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks=acks,
        enable_idempotence=acks == "all",
        linger_ms=10,
        max_batch_size=1024 * 1024,
        max_request_size=4 * 1024 * 1024,
    )
    await producer.start()
    try:
        started = time.perf_counter()
        futures = [await producer.send(topic, value, key=str(i).encode()) for i in range(n)]
        await asyncio.gather(*futures)
        elapsed = time.perf_counter() - started
    finally:
        await producer.stop()
    return Rate(n, n * size, elapsed)


async def raw_consume_rate_async(bootstrap: str, topic: str, n: int) -> Rate:
    """Read ``n`` records from the earliest offset (no group), timed from consumer start."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_bytes=64 * 1024 * 1024,
        max_partition_fetch_bytes=16 * 1024 * 1024,
    )
    await consumer.start()
    try:
        got = size = 0
        started = time.perf_counter()
        deadline = time.monotonic() + 120
        while got < n:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{topic}: consumed {got} of {n} records in 120 s")
            batches = await consumer.getmany(timeout_ms=500, max_records=20_000)
            for records in batches.values():
                got += len(records)
                size += sum(len(r.value or b"") for r in records)
        elapsed = time.perf_counter() - started
    finally:
        await consumer.stop()
    return Rate(got, size, elapsed)


def raw_produce_rate(bootstrap: str, topic: str, n: int, size: int = 2048) -> Rate:
    return asyncio.run(raw_produce_rate_async(bootstrap, topic, n, size))


def raw_consume_rate(bootstrap: str, topic: str, n: int) -> Rate:
    return asyncio.run(raw_consume_rate_async(bootstrap, topic, n))

"""Small async Kafka helpers for tests: produce a batch, consume a known number of records."""

from __future__ import annotations

import time

from aiokafka import AIOKafkaConsumer, ConsumerRecord

from benchmarks._worker import produce

__all__ = ["consume", "produce"]


async def consume(
    bootstrap: str,
    topic: str,
    *,
    count: int,
    timeout: float = 30.0,
    isolation_level: str = "read_committed",
) -> list[ConsumerRecord]:
    """Read ``topic`` from the earliest offset (no consumer group) until ``count`` records.

    Raises AssertionError naming what arrived if fewer than ``count`` came before ``timeout``.
    Reads committed records only by default, so aborted transactional writes never count.
    """
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        isolation_level=isolation_level,
    )
    await consumer.start()
    got: list[ConsumerRecord] = []
    deadline = time.monotonic() + timeout
    try:
        while len(got) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                shown = [(r.partition, r.offset, r.key, r.value[:80] if r.value else r.value)
                         for r in got[:20]]
                raise AssertionError(
                    f"{topic}: got {len(got)} of {count} records within {timeout} s: {shown}"
                )
            batches = await consumer.getmany(timeout_ms=int(min(left, 0.5) * 1000))
            for records in batches.values():
                got.extend(records)
    finally:
        await consumer.stop()
    return got

"""The first stage: merge wire.items partitions into one deterministic order, and dedupe.

Why one merge point: near-duplicates (and exact copies under different ids) can sit in
different wire.items partitions, and which of them comes first decides the kept copy and
the story id. Kafka orders records only within a partition, so any fan-in by arrival is a
race. This stage takes records in ``(offset, partition)`` order, waiting for a partition
that still has records below its high-water mark, so the merged order depends only on the
per-partition sequences: a replay of the same partitions, or a restart after a crash,
gives the same order. (A partition that is momentarily empty is not waited for; for live
data the order then follows arrival, which is all Kafka can promise.)

The merged, deduplicated items go to the single-partition ``-stories`` topic in batch
records, each carrying the merge position after it. That log *is* the stage's state: on
start the position comes from its last record, and the dedupe state is rebuilt by reading
it, so a crash neither loses nor repeats an item. Dedupe runs here, on one core, keyed by
item id and by content key (the one partition holds every key); at tens of microseconds
per item that is far from the bottleneck, the geoparser is.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from wiremap.contracts import Rejected, content_key
from wiremap.stream._stages import MAX_RECORD_BYTES, dedupe_records
from wiremap.stream._wire import dumps, event_ts, loads
from wiremap.stream.dedupe import DedupeIndex

__all__ = ["MergeQueue", "Merger"]

log = logging.getLogger(__name__)

Record = tuple[int, int, bytes | None]  # partition, offset, value


class MergeQueue:
    """Per-partition queues released in ``(offset, partition)`` order when that is safe."""

    def __init__(self, partitions: int) -> None:
        self.queues: list[deque[Record]] = [deque() for _ in range(partitions)]

    def push(self, records: Iterable[Record]) -> None:
        for record in records:
            self.queues[record[0]].append(record)

    def pending(self) -> int:
        return sum(len(q) for q in self.queues)

    def pop_ready(self, positions: list[int], highwaters: list[int | None]) -> list[Record]:
        """Release records while no partition could still deliver an earlier one.

        ``positions[p]`` is the next offset the consumer will fetch for p, ``highwaters[p]``
        its high-water mark (None if not yet known: then p is waited for).
        """
        out: list[Record] = []
        while True:
            heads = [(q[0][1], p) for p, q in enumerate(self.queues) if q]
            if not heads:
                return out
            first = min(heads)
            for p, q in enumerate(self.queues):
                if q:
                    continue
                hw = highwaters[p]
                caught_up = hw is not None and positions[p] >= hw
                if not caught_up and (positions[p], p) < first:
                    return out
            out.append(self.queues[first[1]].popleft())


class Merger:
    """Runs the merge + dedupe loop; ``process`` is the pure part, the rest is Kafka I/O."""

    def __init__(
        self,
        *,
        bootstrap: str,
        items_topic: str,
        stories_topic: str,
        partitions: int,
        window_s: float,
        on_reject: Callable[[Rejected], Any],
    ) -> None:
        self.bootstrap = bootstrap
        self.items_topic = items_topic
        self.stories_topic = stories_topic
        self.partitions = partitions
        self.ids = DedupeIndex({}, window_s=window_s)
        self.contents = DedupeIndex({}, window_s=window_s)
        self.resume = [0] * partitions
        self.on_reject = on_reject

    def remember(self, rows: list[list[Any]]) -> None:
        """Feed rows already in the merged log back into the dedupe state (startup)."""
        for origin, item in rows:
            at, ts = (int(origin[0]), int(origin[1])), event_ts(item)
            self.ids.check(item["id"], at, ts)
            self.contents.check(content_key(item["headline"], item.get("body", "")), at, ts)

    def process(self, records: list[Record]) -> tuple[list[list[Any]], list[Rejected]]:
        """Released records → kept rows ``[origin, item]`` (in order) and rejects."""
        kept, rejected = dedupe_records(records, self.ids, self.contents, topic=self.items_topic)
        for partition, offset, _ in records:
            self.resume[partition] = offset + 1
        return kept, rejected

    async def _restore(self, consumer: AIOKafkaConsumer) -> None:
        tp = TopicPartition(self.stories_topic, 0)
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        end = (await consumer.end_offsets([tp]))[tp]
        records = 0
        while await consumer.position(tp) < end:
            batch = await consumer.getmany(tp, timeout_ms=1000)
            for record in batch.get(tp, []):
                if record.value is None:
                    continue
                body = loads(record.value)
                self.remember(body["rows"])
                self.resume = [int(x) for x in body["pos"]]
                records += 1
        log.info("merge stage resumes at %s after %d merged records", self.resume, records)

    async def run(self, stopped: asyncio.Event) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=None,
            enable_auto_commit=False,
            isolation_level="read_committed",
            max_partition_fetch_bytes=8 * 1024 * 1024,
            fetch_max_bytes=32 * 1024 * 1024,
        )
        producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap,
            enable_idempotence=True,
            acks="all",
            linger_ms=5,
            max_request_size=8 * 1024 * 1024,
            max_batch_size=1024 * 1024,
        )
        await consumer.start()
        await producer.start()
        try:
            await self._restore(consumer)
            tps = [TopicPartition(self.items_topic, p) for p in range(self.partitions)]
            consumer.assign(tps)
            for tp in tps:
                consumer.seek(tp, self.resume[tp.partition])
            queue = MergeQueue(self.partitions)
            while not stopped.is_set():
                batch = await consumer.getmany(timeout_ms=200, max_records=5000)
                for tp, recs in batch.items():
                    queue.push((tp.partition, r.offset, r.value) for r in recs)
                positions = [await consumer.position(tp) for tp in tps]
                highwaters = [consumer.highwater(tp) for tp in tps]
                released = queue.pop_ready(positions, highwaters)
                if released:
                    await self._emit(producer, released)
        finally:
            await consumer.stop()
            await producer.stop()

    async def _emit(self, producer: AIOKafkaProducer, released: list[Record]) -> None:
        """Write released records' kept rows in chunks, each with the position after it.

        A restart resumes from the last chunk's position, so a chunk's position must cover
        exactly the records processed up to its last row (and any dropped after them).
        """
        chunk: list[list[Any]] = []
        size = 0
        futures = []
        for record in released:
            kept, rejected = self.process([record])
            for reject in rejected:
                log.warning("rejected %s: %s", reject.reason, reject.message)
                await self.on_reject(reject)
            for row in kept:
                n = len(dumps(row))
                if chunk and size + n > MAX_RECORD_BYTES:
                    futures.append(await self._send(producer, chunk, before=record))
                    chunk, size = [], 0
                chunk.append(row)
                size += n
        futures.append(await self._send(producer, chunk))
        await asyncio.gather(*futures)

    async def _send(
        self, producer: AIOKafkaProducer, rows: list[list[Any]], before: Record | None = None
    ) -> Any:
        pos = list(self.resume)
        if before is not None:  # the record being processed is not covered yet
            pos[before[0]] = before[1]
        value = dumps({"rows": rows, "pos": pos})
        return await producer.send(self.stories_topic, value=value, partition=0)

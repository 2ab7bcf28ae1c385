"""The first stage: merge wire.items partitions into one deterministic order, and dedupe.

Why one merge point: near-duplicates (and exact copies under different ids) can sit in
different wire.items partitions, and which of them comes first decides the kept copy and
the story id. Kafka orders records only within a partition, so any fan-in by arrival is a
race. This stage is a k-way merge of the partitions by event time: it releases the head
with the smallest ``(published_at, partition, offset)``, and only once every partition
that still has records below its high-water mark has a head to compare, so the merged
order depends only on the per-partition sequences: a replay of the same partitions, or a
restart after a crash, gives the same order. Event time rather than offsets because the
story id is the earliest item's id: a republication pushed right after its original
lands in another partition at a lower offset as often as not. (A partition that is
momentarily empty is not waited for; for live data the order then follows arrival, which
is all Kafka can promise.)

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

from wiremap.contracts import Rejected
from wiremap.stream._stages import MAX_RECORD_BYTES, content_key, dedupe_records
from wiremap.stream._wire import event_ts, loads, stories_record
from wiremap.stream.dedupe import DedupeIndex

__all__ = ["MergeQueue", "Merger"]

log = logging.getLogger(__name__)

Record = tuple[int, int, bytes | None]  # partition, offset, value

#: A partition whose queue holds more than this waits for the others (bounded memory).
MAX_QUEUED = 20_000


class MergeQueue:
    """Per-partition queues released in ``(event time, partition, offset)`` order when safe."""

    def __init__(self, partitions: int) -> None:
        self.queues: list[deque[tuple[tuple[float, int, int], Record]]] = [
            deque() for _ in range(partitions)
        ]

    def push(self, records: Iterable[Record]) -> None:
        for record in records:
            self.queues[record[0]].append(((_event_time(record[2]), record[0], record[1]), record))

    def pending(self) -> int:
        return sum(len(q) for q in self.queues)

    def sizes(self) -> list[int]:
        return [len(q) for q in self.queues]

    def pop_ready(self, positions: list[int], highwaters: list[int | None]) -> list[Record]:
        """Release heads in merge order while every partition that may still deliver has one.

        ``positions[p]`` is the next offset the consumer will fetch for p, ``highwaters[p]``
        its high-water mark (None if not yet known: then p is waited for). An empty
        partition that is not caught up could deliver a record earlier than any head.
        """
        out: list[Record] = []
        queues = self.queues
        waiting = [
            p
            for p, q in enumerate(queues)
            if not q and (highwaters[p] is None or positions[p] < highwaters[p])  # type: ignore[operator]
        ]
        if waiting:
            return out
        while True:
            best: deque[tuple[tuple[float, int, int], Record]] | None = None
            for q in queues:
                if q and (best is None or q[0][0] < best[0][0]):
                    best = q
            if best is None:
                return out
            out.append(best.popleft()[1])
            if not best:
                p = out[-1][0]
                hw = highwaters[p]
                if hw is None or positions[p] < hw:
                    return out


def _event_time(value: bytes | None) -> float:
    """A wire.items record's published_at in epoch seconds; -inf if unreadable (rejected later)."""
    if value is None:
        return _UNREADABLE
    try:
        return event_ts(loads(value))
    except (ValueError, TypeError, KeyError, AttributeError):
        return _UNREADABLE


_UNREADABLE = float("-inf")


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

    def process(self, records: list[Record]) -> tuple[list[bytes], list[Rejected]]:
        """Released records → kept rows ``[origin, item]`` (serialized, in order) and rejects."""
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
                sizes = queue.sizes()
                consumer.pause(*(tp for tp in tps if sizes[tp.partition] > MAX_QUEUED))
                consumer.resume(*(tp for tp in tps if sizes[tp.partition] <= MAX_QUEUED))
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
        chunk: list[bytes] = []  # rows, each serialized once
        size = 64
        futures = []
        for record in released:
            kept, rejected = self.process([record])
            for reject in rejected:
                log.warning("rejected %s: %s", reject.reason, reject.message)
                await self.on_reject(reject)
            for row in kept:
                if chunk and size + len(row) > MAX_RECORD_BYTES:
                    futures.append(await self._send(producer, chunk, before=record))
                    chunk, size = [], 64
                chunk.append(row)
                size += len(row) + 2
        futures.append(await self._send(producer, chunk))
        await asyncio.gather(*futures)

    async def _send(
        self, producer: AIOKafkaProducer, rows: list[bytes], before: Record | None = None
    ) -> Any:
        """One ``-stories`` record (``_wire.stories_record``) from pre-serialized rows."""
        pos = list(self.resume)
        if before is not None:  # the record being processed is not covered yet
            pos[before[0]] = before[1]
        return await producer.send(self.stories_topic, value=stories_record(rows, pos), partition=0)

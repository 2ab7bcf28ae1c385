"""Dump a topic (or an offset/time range of it) to JSONL, and produce a dump back.

A dump line::

    {"topic": str, "partition": int, "offset": int, "timestamp": int (ms),
     "key": str | null,            # or "key_b64" when the key is not UTF-8
     "value": <JSON>,              # the value parsed, when it is JSON
     "value_b64": str,             # the exact bytes, when they are not compact JSON
     "headers": [[name, b64], ...]}  # only when the record has headers

``value_b64`` is present whenever re-encoding ``value`` compactly would not give back
the exact bytes, so pushing a dump reproduces every value byte for byte. A tombstone
has ``"value": null, "tombstone": true``. Lines are ordered by partition, then offset.
The end of every partition is fixed when the dump starts, so it never waits for
records that arrive later.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from wiremap.errors import IngestError
from wiremap.ingest._producer import WireProducer, await_all

__all__ = ["DumpRange", "DumpRecord", "dump_records", "encode_record", "parse_dump", "push_dump"]

#: A dump gives up when no partition makes progress for this long.
IDLE_TIMEOUT_S = 30.0


@dataclass(frozen=True, slots=True)
class DumpRange:
    """Which records to dump: offsets are ``[from_offset, to_offset)``, times ``[since, until)``."""

    partition: int | None = None
    from_offset: int | None = None
    to_offset: int | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class DumpRecord:
    """One record of a dump, decoded back to bytes."""

    partition: int
    offset: int
    timestamp: int | None
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...] = ()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _compact(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def encode_record(
    topic: str,
    partition: int,
    offset: int,
    timestamp: int | None,
    key: bytes | None,
    value: bytes | None,
    headers: Iterable[tuple[str, bytes]] = (),
) -> dict[str, Any]:
    """The dump object for one record (see the module docstring)."""
    out: dict[str, Any] = {
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "timestamp": timestamp,
    }
    if key is None:
        out["key"] = None
    else:
        try:
            out["key"] = key.decode("utf-8")
        except UnicodeDecodeError:
            out["key_b64"] = _b64(key)
    if value is None:
        out["value"] = None
        out["tombstone"] = True
    else:
        try:
            parsed = json.loads(value)
        except ValueError:
            out["value_b64"] = _b64(value)
        else:
            out["value"] = parsed
            if _compact(parsed) != value:
                out["value_b64"] = _b64(value)
    hdrs = [[name, _b64(data or b"")] for name, data in headers]
    if hdrs:
        out["headers"] = hdrs
    return out


def dump_line(obj: dict[str, Any]) -> str:
    """One JSONL line; U+2028/U+2029 are escaped so line splitters that honour them still work."""
    text = json.dumps(obj, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"


def decode_record(obj: Any) -> DumpRecord:
    """A parsed dump line back to bytes; ``ValueError`` says what is wrong with it."""
    if not isinstance(obj, dict):
        raise ValueError("a dump line must be a JSON object")
    partition, offset = obj.get("partition"), obj.get("offset")
    if not isinstance(partition, int) or partition < 0:
        raise ValueError("'partition' must be a non-negative integer")
    if not isinstance(offset, int):
        raise ValueError("'offset' must be an integer")
    timestamp = obj.get("timestamp")
    if timestamp is not None and not isinstance(timestamp, int):
        raise ValueError("'timestamp' must be an integer (ms) or null")
    if "key_b64" in obj:
        key: bytes | None = base64.b64decode(obj["key_b64"], validate=True)
    elif isinstance(obj.get("key"), str):
        key = obj["key"].encode("utf-8")
    elif obj.get("key") is None:
        key = None
    else:
        raise ValueError("'key' must be a string or null")
    if "value_b64" in obj:
        value: bytes | None = base64.b64decode(obj["value_b64"], validate=True)
    elif obj.get("tombstone") is True:
        value = None
    elif "value" in obj:
        value = _compact(obj["value"])
    else:
        raise ValueError("a dump line needs 'value' or 'value_b64'")
    headers = tuple(
        (str(name), base64.b64decode(data, validate=True)) for name, data in obj.get("headers", [])
    )
    return DumpRecord(partition, offset, timestamp, key, value, headers)


def parse_dump(fh: IO[bytes]) -> Iterator[DumpRecord]:
    """Records of a dump file, in file order; a bad line is an ``IngestError`` naming it."""
    for number, line in enumerate(fh, 1):
        if not line.strip():
            continue
        try:
            yield decode_record(json.loads(line))
        except (ValueError, TypeError) as exc:
            raise IngestError(f"dump line {number}: {exc}") from exc


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


async def _bounds(
    consumer: AIOKafkaConsumer, tps: list[TopicPartition], rng: DumpRange
) -> dict[TopicPartition, tuple[int, int]]:
    begin = await consumer.beginning_offsets(tps)
    end = await consumer.end_offsets(tps)
    out = {tp: (begin[tp], end[tp]) for tp in tps}
    if rng.since is not None:
        found = await consumer.offsets_for_times({tp: _ms(rng.since) for tp in tps})
        out = {tp: (max(s, found[tp].offset if found[tp] else e), e) for tp, (s, e) in out.items()}
    if rng.until is not None:
        found = await consumer.offsets_for_times({tp: _ms(rng.until) for tp in tps})
        out = {tp: (s, min(e, found[tp].offset if found[tp] else e)) for tp, (s, e) in out.items()}
    if rng.from_offset is not None:
        out = {tp: (max(s, rng.from_offset), e) for tp, (s, e) in out.items()}
    if rng.to_offset is not None:
        out = {tp: (s, min(e, rng.to_offset)) for tp, (s, e) in out.items()}
    return out


async def _topic_partitions(bootstrap: str, topic: str) -> list[int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="wiremap-replay")
    try:
        await admin.start()
        (described,) = await admin.describe_topics([topic])
    except KafkaError as exc:
        raise IngestError(f"cannot describe topic {topic!r} at {bootstrap}: {exc}") from exc
    finally:
        await admin.close()
    if described["error_code"] != 0 or not described["partitions"]:
        raise IngestError(f"topic {topic!r} does not exist")
    return sorted(p["partition"] for p in described["partitions"])


async def dump_records(
    bootstrap: str,
    topic: str,
    rng: DumpRange = DumpRange(),
    *,
    idle_timeout: float = IDLE_TIMEOUT_S,
) -> AsyncIterator[ConsumerRecord]:
    """Committed records of ``topic`` within ``rng``, partition by partition, in offset order."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        client_id="wiremap-replay",
    )
    try:
        await consumer.start()
    except KafkaError as exc:
        await consumer.stop()
        raise IngestError(f"cannot reach Kafka at {bootstrap}: {exc}") from exc
    try:
        partitions = await _topic_partitions(bootstrap, topic)
        if rng.partition is not None:
            if rng.partition not in partitions:
                raise IngestError(f"topic {topic!r} has no partition {rng.partition}")
            partitions = [rng.partition]
        tps = [TopicPartition(topic, p) for p in partitions]
        bounds = await _bounds(consumer, tps, rng)
        for tp in tps:
            start, stop = bounds[tp]
            if start >= stop:
                continue
            consumer.assign([tp])
            consumer.seek(tp, start)
            last_progress = time.monotonic()
            while True:
                batch = await consumer.getmany(tp, timeout_ms=500, max_records=2000)
                for record in batch.get(tp, []):
                    if record.offset >= stop:
                        break
                    yield record
                position = await consumer.position(tp)
                if position >= stop:
                    break
                if batch.get(tp):
                    last_progress = time.monotonic()
                elif time.monotonic() - last_progress > idle_timeout:
                    raise IngestError(f"{topic}[{tp.partition}]: stuck at offset {position} before {stop}")
    finally:
        await consumer.stop()


async def dump_topic(bootstrap: str, topic: str, out: IO[str], rng: DumpRange = DumpRange()) -> int:
    """Write the dump of ``topic`` to ``out``; returns the number of records written."""
    count = 0
    async for r in dump_records(bootstrap, topic, rng):
        line = encode_record(r.topic, r.partition, r.offset, r.timestamp, r.key, r.value, r.headers or ())
        out.write(dump_line(line))
        count += 1
    return count


async def push_dump(
    records: Iterable[DumpRecord],
    producer: WireProducer,
    topic: str,
    *,
    keep_partitions: bool = True,
    keep_timestamps: bool = True,
    chunk: int = 4096,
) -> int:
    """Produce dump records to ``topic`` in order; returns how many were delivered."""
    available = await producer.partitions(topic)
    sent = 0
    pending: list[Any] = []
    for record in records:
        partition = record.partition if keep_partitions else None
        if partition is not None and partition not in available:
            raise IngestError(
                f"{topic} has partitions {sorted(available)}; the dump has partition {partition}"
                " (create the topic with more partitions, or pass --repartition)"
            )
        pending.append(
            await producer.send(
                topic,
                record.key,
                record.value,
                partition=partition,
                timestamp_ms=record.timestamp if keep_timestamps else None,
                headers=list(record.headers) or None,
            )
        )
        sent += 1
        if len(pending) >= chunk:
            await await_all(pending)
            pending.clear()
    await await_all(pending)
    return sent

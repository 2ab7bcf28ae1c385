"""The worker's internal record formats and its partition routing.

Internal topics carry *batches*: one Kafka record per (input batch, destination partition)
holding a JSON list, so faust's per-record cost is paid once per batch rather than once per
item. Routing uses Kafka's default partitioner (murmur2 of the key bytes), the same one the
faust tables use with ``use_partitioner=True``, so a key's state and its records always
meet in the same partition.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from aiokafka.partitioner import murmur2

__all__ = ["dumps", "event_ts", "group_by_partition", "loads", "route"]


def route(key: bytes, partitions: int) -> int:
    """The partition Kafka's default partitioner gives ``key``."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions


def group_by_partition(rows: Iterable[tuple[bytes, Any]], partitions: int) -> dict[int, list[Any]]:
    """Rows ``(routing key, payload)`` → partition → payloads, order kept within each."""
    out: dict[int, list[Any]] = defaultdict(list)
    for key, payload in rows:
        out[route(key, partitions)].append(payload)
    return dict(out)


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def loads(data: bytes) -> Any:
    return json.loads(data)


def event_ts(item: dict[str, Any]) -> float:
    """An item dict's published_at as epoch seconds."""
    return datetime.fromisoformat(item["published_at"]).timestamp()
